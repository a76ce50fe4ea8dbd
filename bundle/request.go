package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"casefile/internal/lazyre"

	"aead.dev/minisign"
)

// A follow-up request (docs/followup.md) is what the help desk sends back
// when a bundle lacks something: analyze --request-out writes it as
// REQ.json and signs those exact bytes into REQ.json.minisig (minisign's
// format, so `minisign -Vm REQ.json -p helpdesk.pub` checks it too);
// collect --request reads both and trusts only keys given with --trust.
//
// A request names things only: item ids of the profile, variables of the
// profile with values that go through the same checks as --set. It can
// never add a command, a path or a profile.

// RequestFormatVersion is the request format this package writes and reads.
const RequestFormatVersion = 1

// RequestKind marks a request document.
const RequestKind = "casefile-follow-up-request"

// MaxRequestSize bounds a request file.
const MaxRequestSize = 1 << 20

// Limits of what a request may hold.
const (
	maxRequestItems    = 1000
	maxRequestVars     = 100
	maxRequestResample = 100
	maxRequestText     = 16 << 10 // note, reasons
	maxRequestValue    = 4 << 10  // a variable's value
)

// Request is a signed follow-up request.
type Request struct {
	FormatVersion int    `json:"format_version"`
	Kind          string `json:"kind"`
	// Created is when analyze wrote the request (UTC).
	Created time.Time `json:"created"`
	// Profile is the profile the items and variables belong to; collect
	// refuses a request for another profile.
	Profile string `json:"profile"`
	// Case is the help desk's ticket id (the manifest's case), if any.
	Case string `json:"case,omitempty"`
	// Follows is the bundle the request was written for.
	Follows RequestFollows `json:"follows"`
	// Items are the items to collect again: expected but missing, failed,
	// or under a variable that was wrong. Ids of the profile's (or the
	// host profile's) collect items.
	Items []RequestItem `json:"items"`
	// Variables were wrong or missing in the earlier bundle. A Value is
	// applied as if given with --set; without one the collector works
	// the variable out again (its detectors, then its default) instead
	// of reusing the earlier --set.
	Variables []RequestVariable `json:"variables,omitempty"`
	// Resample lists items a rule wants sampled a second time, no earlier
	// than NotBefore, so that two samples can be compared.
	Resample []RequestResample `json:"resample,omitempty"`
	// Note is the help desk's message to the person collecting.
	Note string `json:"note,omitempty"`
}

// RequestFollows identifies the earlier bundle.
type RequestFollows struct {
	Bundle      string    `json:"bundle"` // its name (top folder)
	SHA256      string    `json:"sha256"` // of the bundle file as received
	Host        string    `json:"host"`
	CollectedAt time.Time `json:"collected_at"`
}

// RequestItem is one item to collect again, and why.
type RequestItem struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// RequestVariable is a variable that was wrong or missing.
type RequestVariable struct {
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
	Was    string `json:"was,omitempty"`
	Reason string `json:"reason"`
}

// RequestResample is a rule's wish for a second sample of some items.
type RequestResample struct {
	Rule      string    `json:"rule"`
	Items     []string  `json:"items"`
	After     string    `json:"after"` // after the earlier bundle, as the profile says it ("1h")
	NotBefore time.Time `json:"not_before"`
}

// ItemIDs returns every item id the request names (items and resample),
// each once, in order.
func (r *Request) ItemIDs() []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, it := range r.Items {
		add(it.ID)
	}
	for _, rs := range r.Resample {
		for _, id := range rs.Items {
			add(id)
		}
	}
	return out
}

// NotBefore is the latest not_before of the resample entries (zero: none).
func (r *Request) NotBefore() time.Time {
	var t time.Time
	for _, rs := range r.Resample {
		if rs.NotBefore.After(t) {
			t = rs.NotBefore
		}
	}
	return t
}

// The request's patterns are compiled on first use, not at start-up:
// the bounded repeats ({0,127}) make large programs, and analyze reads
// requests only with --request (docs/engine.md, Cost: start-up).
var (
	reqItemID  = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	reqVarName = lazyre.New(`^[a-zA-Z_][a-zA-Z0-9_]{0,63}$`)
	reqProfile = lazyre.New(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	reqRuleID  = reqItemID
	reqHex64   = lazyre.New(`^[0-9a-f]{64}$`)
	reqAfter   = lazyre.New(`^([0-9]{1,4})(s|m|h|d)$`)
)

// ParseAfter reads a resample delay: a number and s, m, h or d ("1h").
func ParseAfter(s string) (time.Duration, error) {
	m := reqAfter().FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("after %q: want a number and s, m, h or d (30m, 1h, 1d)", clip(s))
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	return time.Duration(n) * unit, nil
}

// MarshalRequest writes r as the exact bytes to sign and send (indented
// JSON with a final newline), after checking it as ParseRequest would.
func MarshalRequest(r *Request) ([]byte, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ParseRequest parses and checks a request. It refuses unknown fields,
// other format versions, and anything outside the limits: ids that are
// not ids, variable values with control characters, more than 1000
// items. What it accepts names things only.
func ParseRequest(data []byte) (*Request, error) {
	if len(data) > MaxRequestSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxRequestSize)
	}
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Request
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not a follow-up request: %v", clip(err.Error()))
	}
	if dec.More() {
		return nil, errors.New("not a follow-up request: data after the JSON object")
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	// An empty list reads as none, as it is written (omitempty).
	if len(r.Variables) == 0 {
		r.Variables = nil
	}
	if len(r.Resample) == 0 {
		r.Resample = nil
	}
	return &r, nil
}

// check is what every request must satisfy.
func (r *Request) check() error {
	if r.Kind != RequestKind {
		return fmt.Errorf("not a follow-up request (kind %q, want %q)", clip(r.Kind), RequestKind)
	}
	if r.FormatVersion != RequestFormatVersion {
		return fmt.Errorf("request format_version %d is not supported (want %d)", r.FormatVersion, RequestFormatVersion)
	}
	if !reqProfile().MatchString(r.Profile) {
		return fmt.Errorf("request profile %q is not a profile name", clip(r.Profile))
	}
	if r.Case != "" {
		if err := CheckCase(r.Case); err != nil {
			return fmt.Errorf("request %w", err)
		}
	}
	if err := checkText("case", r.Case, 256, false); err != nil {
		return err
	}
	if err := checkText("note", r.Note, maxRequestText, true); err != nil {
		return err
	}
	if !reqHex64().MatchString(r.Follows.SHA256) {
		return errors.New("request follows.sha256 is not a SHA-256 (64 lower-case hex digits)")
	}
	if err := checkText("follows.bundle", r.Follows.Bundle, 512, false); err != nil {
		return err
	}
	if err := checkText("follows.host", r.Follows.Host, 512, false); err != nil {
		return err
	}
	if len(r.Items) > maxRequestItems {
		return fmt.Errorf("request names %d items (at most %d)", len(r.Items), maxRequestItems)
	}
	for _, it := range r.Items {
		if !reqItemID().MatchString(it.ID) {
			return fmt.Errorf("request item %q is not an item id", clip(it.ID))
		}
		if err := checkText("reason of item "+it.ID, it.Reason, maxRequestText, false); err != nil {
			return err
		}
	}
	if len(r.Variables) > maxRequestVars {
		return fmt.Errorf("request names %d variables (at most %d)", len(r.Variables), maxRequestVars)
	}
	seen := map[string]bool{}
	for _, v := range r.Variables {
		if !reqVarName().MatchString(v.Name) {
			return fmt.Errorf("request variable %q is not a variable name", clip(v.Name))
		}
		if seen[v.Name] {
			return fmt.Errorf("request names variable %s twice", v.Name)
		}
		seen[v.Name] = true
		if err := CheckVariableValue(v.Value); err != nil {
			return fmt.Errorf("request variable %s: %w", v.Name, err)
		}
		if err := checkText("was of variable "+v.Name, v.Was, maxRequestValue, false); err != nil {
			return err
		}
		if err := checkText("reason of variable "+v.Name, v.Reason, maxRequestText, false); err != nil {
			return err
		}
	}
	if len(r.Resample) > maxRequestResample {
		return fmt.Errorf("request has %d resample entries (at most %d)", len(r.Resample), maxRequestResample)
	}
	for _, rs := range r.Resample {
		if !reqRuleID().MatchString(rs.Rule) {
			return fmt.Errorf("request resample rule %q is not a rule id", clip(rs.Rule))
		}
		if len(rs.Items) == 0 || len(rs.Items) > maxRequestItems {
			return fmt.Errorf("request resample of %s names %d items (1 to %d)", rs.Rule, len(rs.Items), maxRequestItems)
		}
		for _, id := range rs.Items {
			if !reqItemID().MatchString(id) {
				return fmt.Errorf("request resample item %q is not an item id", clip(id))
			}
		}
		if _, err := ParseAfter(rs.After); err != nil {
			return fmt.Errorf("request resample of %s: %w", rs.Rule, err)
		}
	}
	return nil
}

// CheckVariableValue is the check every variable value from outside the
// profile passes (collect --set, a request): printable text of at most
// 4 KiB, no line breaks, no NUL, no {variable} reference.
func CheckVariableValue(v string) error {
	if len(v) > maxRequestValue {
		return fmt.Errorf("value longer than %d bytes", maxRequestValue)
	}
	if !utf8.ValidString(v) {
		return errors.New("value is not UTF-8")
	}
	for _, c := range v {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029' {
			return fmt.Errorf("value holds control character %U", c)
		}
	}
	if strings.Contains(v, "{") && strings.Contains(v, "}") {
		if varRefLike().MatchString(v) {
			return errors.New("value holds a {variable} reference")
		}
	}
	return nil
}

var varRefLike = lazyre.New(`\{[a-zA-Z_][a-zA-Z0-9_]*\}`)

// checkText bounds a free-text field; multiline allows line breaks and tabs.
func checkText(what, s string, limit int, multiline bool) error {
	if len(s) > limit {
		return fmt.Errorf("request %s longer than %d bytes", what, limit)
	}
	for _, c := range s {
		if (c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f {
			return fmt.Errorf("request %s holds control character %U", what, c)
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

// RequestID is the id of a request: the SHA-256 of its signed bytes.
func RequestID(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// RequestTrustedComment is the trusted comment of a request's signature.
func RequestTrustedComment(r *Request, id string) string {
	s := fmt.Sprintf("request:%s profile:%s follows:%s", id[:16], r.Profile, r.Follows.SHA256[:16])
	if r.Case != "" {
		s += " case:" + r.Case // CheckCase: no spaces
	}
	return s
}

// SignRequest signs the request's bytes; the result is REQ.json.minisig.
func SignRequest(priv minisign.PrivateKey, data []byte) ([]byte, error) {
	r, err := ParseRequest(data)
	if err != nil {
		return nil, err
	}
	return minisign.SignWithComments(priv, data, RequestTrustedComment(r, RequestID(data)), "casefile follow-up request"), nil
}

// VerifiedRequest is a request whose signature a trusted key made.
type VerifiedRequest struct {
	*Request
	ID          string // RequestID of its bytes
	SignerKeyID string // minisign key id, upper-case hex
	Signer      string // the trusted key's name, else its key id
}

// VerifyRequest checks sig over data with the trusted keys only (never a
// key the request or anything else carries), then parses the request.
// The trusted comment must be the one SignRequest writes for it.
func VerifyRequest(data, sig []byte, trusted []TrustedKey) (*VerifiedRequest, error) {
	if len(trusted) == 0 {
		return nil, errors.New("no trusted key (--trust)")
	}
	if len(sig) == 0 {
		return nil, errors.New("not signed (no .minisig beside it)")
	}
	// The bundle's check with no embedded key: only a trusted key can
	// make the result valid.
	res := VerifySignature(data, sig, trusted, "")
	switch {
	case res.Status == SigValid && res.Trusted:
	case strings.HasPrefix(res.Reason, "signature file is malformed"):
		return nil, fmt.Errorf("signature is malformed: %v", clip(strings.TrimPrefix(res.Reason, "signature file is malformed: ")))
	case strings.HasPrefix(res.Reason, "no public key"):
		return nil, fmt.Errorf("signed by key %s, which is not a trusted key (--trust)", res.KeyID)
	default:
		return nil, fmt.Errorf("signature by key %s does not match the request (altered?)", res.KeyID)
	}
	r, err := ParseRequest(data)
	if err != nil {
		return nil, err
	}
	id := RequestID(data)
	if res.TrustedComment != RequestTrustedComment(r, id) {
		return nil, errors.New("the signature's trusted comment does not name this request")
	}
	return &VerifiedRequest{Request: r, ID: id, SignerKeyID: res.KeyID, Signer: res.Signer}, nil
}
