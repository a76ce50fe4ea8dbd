package main

import (
	"fmt"
	"io"
	"strings"

	"aead.dev/minisign"
	"github.com/spf13/pflag"

	"casefile/analyze"
	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/internal/safefile"
)

// requestOpts are --request-out and its companions (docs/followup.md).
type requestOpts struct {
	out  string
	key  string
	note string
	set  []string

	priv minisign.PrivateKey
	spec *analyze.RequestSpec
}

func addRequestFlags(f *pflag.FlagSet, r *requestOpts) {
	f.StringVar(&r.out, "request-out", "", "write a signed follow-up request to `REQ.json` (and REQ.json.minisig): the items missing or failed, wrong variables, second samples rules ask for; the customer runs collect --request REQ.json")
	f.StringVar(&r.key, "request-key", "", "minisign secret key `FILE` signing the request (the help desk's; collect --trust takes its .pub)")
	f.StringVar(&r.note, "request-note", "", "the help desk's message to the person collecting, as `TEXT` in the request")
	f.StringArrayVar(&r.set, "request-set", nil, "variable `KEY=VALUE` the request sets (repeatable), e.g. install_dir=/opt/product for a wrong install dir")
}

// prepare checks the flags and loads the key before anything is read.
func (r *requestOpts) prepare(e *env, opts *analyze.Options) error {
	if r.out == "" {
		if r.key != "" || r.note != "" || len(r.set) > 0 {
			return refuse("--request-key, --request-note and --request-set go with --request-out")
		}
		return nil
	}
	if r.key == "" {
		return refuse("--request-out needs --request-key: a request is signed with the help desk's minisign key (collect keygen makes one)")
	}
	k, err := bundle.LoadPrivateKey(r.key, e.getenv("CASEFILE_KEY_PASSWORD"))
	if err != nil {
		return refuse("--request-key %v", err)
	}
	r.priv = k
	r.spec = &analyze.RequestSpec{Note: r.note, Set: map[string]string{}}
	for _, kv := range r.set {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return refuse("--request-set %q: want KEY=VALUE", kv)
		}
		if err := bundle.CheckVariableValue(val); err != nil {
			return refuse("--request-set %s: %v", name, err)
		}
		r.spec.Set[strings.TrimSpace(name)] = val
	}
	opts.Request = r.spec
	return nil
}

// write signs and writes the request Run worked out.
func (r *requestOpts) write(e *env) error {
	if r.spec == nil {
		return nil
	}
	req := r.spec.Result
	if req == nil {
		fmt.Fprintf(e.stderr, "analyze: --request-out: nothing to ask for (no item missing or failed, no variable wrong, no rule wants a second sample); no request written\n")
		return nil
	}
	data, err := bundle.MarshalRequest(req)
	if err != nil {
		return refuse("--request-out: %v", err)
	}
	sig, err := bundle.SignRequest(r.priv, data)
	if err != nil {
		return refuse("--request-out: %v", err)
	}
	for _, f := range []struct {
		path string
		data []byte
	}{{r.out, data}, {r.out + ".minisig", sig}} {
		err := safefile.WriteFile(f.path, 0o644, func(w io.Writer) error {
			_, err := w.Write(f.data)
			return err
		})
		if err != nil {
			return refuse("--request-out %s: %v", f.path, err)
		}
	}
	fmt.Fprintf(e.stderr, "analyze: wrote follow-up request %s and %s.minisig (%d items, %d variables, %d second samples) for %s; the customer runs: collect --request %s --trust HELPDESK.pub\n",
		report.CleanLine(r.out), report.CleanLine(r.out), len(req.Items), len(req.Variables), len(req.Resample),
		report.CleanLine(req.Follows.Bundle), report.CleanLine(r.out))
	return nil
}
