package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"casefile/bundle"
	"casefile/collect"
	"casefile/profiles"
)

// requestFlags are --request and --trust (docs/followup.md).
type requestFlags struct {
	path  string
	trust []string
	// verified is the request once read and verified (nil: none).
	verified *bundle.VerifiedRequest
}

// requestError is a refused request: exit 2, one line, no usage hint.
type requestError struct{ err error }

func (r requestError) Error() string { return r.err.Error() }
func (r requestError) Unwrap() error { return r.err }

func addRequestFlags(cmd *cobra.Command, r *requestFlags) {
	fl := cmd.Flags()
	fl.StringVar(&r.path, "request", "", "collect what the signed follow-up request `REQ.json` names (REQ.json.minisig beside it; see --trust)")
	fl.StringArrayVar(&r.trust, "trust", nil, "`FILE` of minisign public keys whose requests --request accepts (a .pub file works; repeatable)")
}

// load reads and verifies the request when --request is given, and
// returns the profile to collect with: the request's, which --profile
// may name too but not contradict.
func (r *requestFlags) load(profile string) (string, error) {
	if r.path == "" {
		if len(r.trust) > 0 {
			return profile, usagef("--trust is for --request")
		}
		return profile, nil
	}
	if profile == "auto" {
		return profile, requestError{fmt.Errorf("--request names its profile; not with --profile auto")}
	}
	if len(r.trust) == 0 {
		return profile, requestError{fmt.Errorf("--request %s: give the help desk's public key with --trust; a request is only followed when a trusted key signed it", r.path)}
	}
	var keys []bundle.TrustedKey
	for _, t := range r.trust {
		ks, err := bundle.ParseTrustFile(t)
		if err != nil {
			return profile, requestError{fmt.Errorf("--trust %s: %v", t, err)}
		}
		keys = append(keys, ks...)
	}
	v, err := collect.ReadRequest(r.path, keys)
	if err != nil {
		return profile, requestError{fmt.Errorf("--request %v", err)}
	}
	r.verified = v
	if profile != "" && profile != v.Profile {
		if p, err := profiles.Load(profile); err != nil || p.Name != v.Profile {
			return profile, requestError{fmt.Errorf("--request %s: the request is for profile %s, not %s", r.path, v.Profile, profile)}
		}
		return profile, nil
	}
	return v.Profile, nil
}

// apply makes opts a follow-up collection of profile p.
func (r *requestFlags) apply(e *env, opts *collect.Options, p *profiles.Profile, now time.Time) error {
	if r.verified == nil {
		return nil
	}
	host, err := profiles.HostProfile()
	if err != nil {
		return err
	}
	fu, notes, err := collect.NewFollowUp(r.verified, p, host, opts.Set)
	if err != nil {
		return requestError{fmt.Errorf("--request %s: %v", r.path, err)}
	}
	opts.Request = fu
	v := r.verified
	fmt.Fprintf(e.stderr, "collect: follow-up request %s signed by %s: %d item(s) for bundle %s\n", v.ID[:16], v.Signer, len(fu.Items), v.Follows.Bundle)
	if v.Note != "" {
		fmt.Fprintf(e.stderr, "collect: the help desk says: %s\n", v.Note)
	}
	for _, n := range notes {
		fmt.Fprintf(e.stderr, "collect: %s\n", n)
	}
	if nb := v.NotBefore(); now.Before(nb) {
		fmt.Fprintf(e.stderr, "collect: warning: the request asks for a second sample no earlier than %s (%s from now); this one may be too early to compare\n",
			nb.UTC().Format(time.RFC3339), nb.Sub(now).Round(time.Minute))
	}
	return nil
}

// clock is the command's current time.
func (e *env) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}
