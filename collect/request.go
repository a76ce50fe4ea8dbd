package collect

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"casefile/bundle"
	"casefile/profiles"
)

// FollowUpRequest makes a collection answer a signed follow-up request
// (collect --request, docs/followup.md). It only narrows and steers what
// the profile already declares: items are named by id, variables by name.
type FollowUpRequest struct {
	// FollowUp is recorded in the manifest (follow_up).
	FollowUp bundle.FollowUp
	// Case is the request's case id, recorded in the manifest when the
	// collection has none of its own.
	Case string
	// Items are the ids to collect (the host items are always collected).
	Items []string
	// Vars are values for profile variables, applied as --set values are
	// (and, like detected values, programs under them run only when they
	// pass the ownership test).
	Vars map[string]string
}

// CheckRequest checks a verified request against the profile it is to be
// collected with: the same profile, item ids the profile (or the host
// profile) has, variables the profile defines with values that pass
// bundle.CheckVariableValue. The error is one line.
func CheckRequest(r *bundle.Request, p, host *profiles.Profile) error {
	if r.Profile != p.Name {
		return fmt.Errorf("the request is for profile %s, not %s", r.Profile, p.Name)
	}
	ids := map[string]bool{}
	for _, it := range p.Collect {
		ids[it.ID] = true
	}
	if host != nil {
		for _, it := range host.Collect {
			ids[it.ID] = true
		}
	}
	var unknown []string
	for _, id := range r.ItemIDs() {
		if !ids[id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("the request names item(s) %s, which profile %s does not have", strings.Join(unknown, ", "), p.Name)
	}
	for _, v := range r.Variables {
		known := false
		for _, pv := range p.Variables {
			known = known || pv.Name == v.Name
		}
		if !known {
			return fmt.Errorf("the request names variable %s, which profile %s does not have", v.Name, p.Name)
		}
		if err := bundle.CheckVariableValue(v.Value); err != nil {
			return fmt.Errorf("the request's variable %s: %v", v.Name, err)
		}
	}
	return nil
}

// MaxRequestSignature bounds REQ.json.minisig.
const maxRequestSignature = 4 << 10

// ReadRequest reads a request file and its signature (path + ".minisig")
// and verifies it with the trusted keys only. Errors are one line naming
// the file.
func ReadRequest(path string, trusted []bundle.TrustedKey) (*bundle.VerifiedRequest, error) {
	data, err := readCapped(path, bundle.MaxRequestSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	sig, err := readCapped(path+".minisig", maxRequestSignature)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%s: not signed (no %s beside it)", path, filepath.Base(path)+".minisig")
		}
		return nil, fmt.Errorf("%s.minisig: %v", path, err)
	}
	v, err := bundle.VerifyRequest(data, sig, trusted)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return v, nil
}

// readCapped reads a small regular file. The type is checked before the
// file is opened: opening a FIFO named as --request would block.
func readCapped(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}

// NewFollowUp turns a verified request into the options of a follow-up
// collection with profile p: CheckRequest, then the variables. A value
// in the request is used as --set would be. A variable the request names
// without a value was wrong: an operator's --set equal to the earlier
// (wrong) value is dropped so the variable is worked out again. notes
// say what was changed, for the operator.
func NewFollowUp(v *bundle.VerifiedRequest, p, host *profiles.Profile, set map[string]string) (fu *FollowUpRequest, notes []string, err error) {
	if err := CheckRequest(v.Request, p, host); err != nil {
		return nil, nil, err
	}
	fu = &FollowUpRequest{
		FollowUp: bundle.FollowUp{RequestID: v.ID, Follows: v.Follows.SHA256, SignerKeyID: v.SignerKeyID},
		Case:     v.Case,
		Items:    v.ItemIDs(),
		Vars:     map[string]string{},
	}
	for _, rv := range v.Variables {
		if rv.Value != "" {
			if s, ok := set[rv.Name]; ok && s != rv.Value {
				notes = append(notes, fmt.Sprintf("%s = %s as the request says (not --set %s)", rv.Name, rv.Value, s))
			}
			fu.Vars[rv.Name] = rv.Value
			continue
		}
		if s, ok := set[rv.Name]; ok && rv.Was != "" && s == rv.Was {
			delete(set, rv.Name)
			notes = append(notes, fmt.Sprintf("--set %s=%s ignored: the help desk found it wrong (%s); working it out again", rv.Name, s, rv.Reason))
		}
	}
	return fu, notes, nil
}
