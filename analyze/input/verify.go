package input

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"casefile/analyze/report"
	"casefile/bundle"
)

// Problem kinds that make a bundle's integrity "mismatch". The others
// ("unreadable", "invalid_utf8") describe content whose stored bytes are
// intact.
var mismatchKinds = map[string]bool{"missing": true, "extra": true, "altered": true, "size": true, "provenance": true}

// trailingMember names the problem of data after the end of an archive.
const trailingMember = "(after the end of the archive)"

// verify compares what was read with SHA256SUMS and the manifest, and
// checks the signature.
func (w *walker) verify() *Verification {
	v := &Verification{Members: w.members}
	if w.raw {
		v.Signature = report.Signature{Status: bundle.SigUnsigned, Detail: "raw logs carry no signature"}
		v.Integrity = report.Integrity{Status: report.IntegrityMissing, Problems: append([]report.Problem{{
			Member: bundle.SumsName, Kind: "missing",
			Detail: "raw logs: there is no SHA256SUMS to check the files against",
		}}, sortProblems(w.problems)...)}
		return v
	}
	var embedded string
	if w.in.Manifest != nil {
		embedded = w.in.Manifest.Signer.PublicKey
	}
	res := bundle.VerifySignature(w.sums, w.sig, w.s.opts.Trust, embedded)
	v.Signature = report.Signature{Status: res.Status, Trusted: res.Trusted, Signer: res.Signer,
		KeyID: res.KeyID, TrustedComment: oneLine(res.TrustedComment), Detail: res.Reason}
	if !w.haveSums && w.haveSig {
		v.Signature.Detail = "SHA256SUMS is missing, so the signature cannot match"
	}

	problems := w.problems
	status := report.IntegrityOK
	var sums bundle.Sums
	switch {
	case !w.haveSums:
		status = report.IntegrityMissing
		problems = append(problems, report.Problem{Member: bundle.SumsName, Kind: "missing",
			Detail: "the bundle has no SHA256SUMS: its members cannot be checked"})
	default:
		var err error
		if sums, err = bundle.ParseSums(w.sums); err != nil {
			problems = append(problems, report.Problem{Member: bundle.SumsName, Kind: "altered", Detail: oneLine(err.Error())})
			sums = nil
		}
	}
	reported := map[string]bool{}
	if sums != nil {
		for p, want := range sums {
			got, ok := w.hashes[p]
			switch {
			case ok && hex.EncodeToString(got.sum[:]) != want:
				problems = append(problems, report.Problem{Member: p, Kind: "altered",
					Detail: fmt.Sprintf("SHA-256 is %s, SHA256SUMS says %s", short(hex.EncodeToString(got.sum[:])), short(want))})
				reported[p] = true
			case !ok && w.links[p] != "":
				problems = append(problems, report.Problem{Member: p, Kind: "altered", Detail: "replaced by a " + w.links[p]})
				reported[p] = true
			case !ok:
				problems = append(problems, report.Problem{Member: p, Kind: "missing", Detail: "listed in SHA256SUMS"})
				reported[p] = true
			}
		}
		for p := range w.hashes {
			if p == bundle.SumsName || p == bundle.SignatureName {
				continue
			}
			if _, ok := sums[p]; !ok {
				problems = append(problems, report.Problem{Member: p, Kind: "extra", Detail: "not listed in SHA256SUMS"})
				reported[p] = true
			}
		}
		for p, desc := range w.links {
			if _, ok := sums[p]; !ok {
				problems = append(problems, report.Problem{Member: p, Kind: "extra", Detail: desc})
			}
		}
	}
	if w.in.Manifest != nil {
		problems = append(problems, w.manifestProblems(reported, sums != nil)...)
		if res.Status == bundle.SigValid {
			problems = append(problems, provenanceProblems(res.TrustedComment, w.in)...)
		}
	}
	if status == report.IntegrityOK {
		for _, p := range problems {
			if mismatchKinds[p.Kind] {
				status = report.IntegrityMismatch
				break
			}
		}
	}
	v.Integrity = report.Integrity{Status: status, Problems: sortProblems(problems)}
	return v
}

// manifestProblems checks the manifest's stored sizes and hashes against
// the members read.
func (w *walker) manifestProblems(reported map[string]bool, haveSums bool) []report.Problem {
	var out []report.Problem
	for it := range w.in.Items() {
		for _, st := range it.Stored {
			if reported[st.Path] {
				continue
			}
			got, ok := w.hashes[st.Path]
			if !ok {
				if st.ErrorKind == "" && it.ErrorKind == "" && !haveSums {
					out = append(out, report.Problem{Member: st.Path, Kind: "missing", Detail: "listed in manifest.json"})
				} else if st.ErrorKind == "" && it.ErrorKind == "" && haveSums {
					out = append(out, report.Problem{Member: st.Path, Kind: "missing", Detail: "listed in manifest.json but not in SHA256SUMS"})
				}
				continue
			}
			if size := got.size; size != st.Size {
				out = append(out, report.Problem{Member: st.Path, Kind: "size",
					Detail: fmt.Sprintf("manifest.json says %d bytes, the member has %d", st.Size, size)})
			}
			if st.SHA256 != "" && !strings.EqualFold(st.SHA256, hex.EncodeToString(got.sum[:])) {
				out = append(out, report.Problem{Member: st.Path, Kind: "altered",
					Detail: fmt.Sprintf("SHA-256 is %s, manifest.json says %s", short(hex.EncodeToString(got.sum[:])), short(st.SHA256))})
			}
		}
	}
	return out
}

func short(hexSum string) string {
	if len(hexSum) > 16 {
		return hexSum[:16] + "..."
	}
	return oneLine(hexSum)
}

func sortProblems(p []report.Problem) []report.Problem {
	if p == nil {
		return []report.Problem{}
	}
	sort.SliceStable(p, func(i, j int) bool {
		if p[i].Member != p[j].Member {
			return p[i].Member < p[j].Member
		}
		return p[i].Kind < p[j].Kind
	})
	return p
}

// Intact reports whether the input is what --require-signature demands:
// a bundle whose members all match SHA256SUMS, signed by a trusted key.
func (v *Verification) Intact() bool {
	return v.Signature.Status == bundle.SigValid && v.Signature.Trusted && v.Integrity.Status == report.IntegrityOK
}

// Shortfall says in one line why the input is not intact and trusted,
// or "" when it is.
func (v *Verification) Shortfall() string {
	if v.Intact() {
		return ""
	}
	var why []string
	switch {
	case v.Signature.Status == bundle.SigUnsigned:
		why = append(why, "not signed")
	case v.Signature.Status == bundle.SigInvalid:
		why = append(why, "signature invalid: "+v.Signature.Detail)
	case !v.Signature.Trusted:
		why = append(why, fmt.Sprintf("signed by key %s, which is not in --trust", v.Signature.KeyID))
	}
	if v.Integrity.Status == report.IntegrityMissing {
		why = append(why, "no SHA256SUMS")
	}
	n := 0
	var first string
	for _, p := range v.Integrity.Problems {
		if mismatchKinds[p.Kind] {
			if n == 0 {
				first = p.Kind + " " + quoteName(p.Member)
			}
			n++
		}
	}
	if n > 0 && v.Integrity.Status != report.IntegrityMissing {
		why = append(why, fmt.Sprintf("%d integrity problem(s), first: %s", n, first))
	}
	return oneLine(strings.Join(why, "; "))
}

// provenanceProblems compares what a valid signature's trusted comment
// says of the bundle (bundle.TrustedComment: "bundle:NAME host:HOST [case:ID]
// profile:PROFILE time:TIME") with its manifest and its top folder. The
// comment is signed; the manifest is covered by SHA256SUMS, but the top
// folder's name is in no hash: a renamed folder, or a manifest and sums
// taken from another bundle and signed again, show here. A comment that
// is not in that form (another tool's) is not compared.
func provenanceProblems(comment string, in *Input) []report.Problem {
	fields := map[string]string{}
	for _, f := range strings.Fields(comment) {
		if k, v, ok := strings.Cut(f, ":"); ok {
			fields[k] = v
		}
	}
	if _, ok := fields["bundle"]; !ok {
		return nil
	}
	m := in.Manifest
	var out []report.Problem
	add := func(format string, args ...any) {
		out = append(out, report.Problem{Member: bundle.SignatureName, Kind: "provenance", Detail: oneLine(fmt.Sprintf(format, args...))})
	}
	if v := fields["bundle"]; v != m.Name {
		add("the signature names bundle %q, the manifest %q", v, m.Name)
	}
	if top := strings.TrimSuffix(in.prefix, "/"); top != "" {
		if i := strings.LastIndexByte(top, '/'); i >= 0 {
			top = top[i+1:]
		}
		if v := fields["bundle"]; v != top {
			add("the signature names bundle %q, but its top folder is %q (renamed?)", v, top)
		}
	}
	if v, ok := fields["host"]; ok && v != m.Host.Hostname {
		add("the signature names host %q, the manifest %q", v, m.Host.Hostname)
	}
	if v := fields["case"]; v != m.Case {
		add("the signature names case %q, the manifest %q", v, m.Case)
	}
	if v, ok := fields["profile"]; ok && v != m.Profile.Name {
		add("the signature names profile %q, the manifest %q", v, m.Profile.Name)
	}
	if v, ok := fields["time"]; ok {
		if t := m.Collection.EndUTC.UTC().Format("2006-01-02T15:04:05Z"); v != t {
			add("the signature names time %s, the manifest %s", v, t)
		}
	}
	return out
}
