package collect

import (
	"context"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"casefile/bundle"
	"casefile/profiles"
)

// varRef is a {variable} reference.
var varRef = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)\}`)

// Variable sources recorded in the manifest.
const (
	SourceSet     = "set"     // --set
	SourceRequest = "request" // a signed follow-up request (collect --request)
	SourceEnv     = "env"     // an environment variable
	SourcePath    = "path"    // the first existing candidate path
	SourceProcess = "process" // captured from the process list
	SourceFile    = "file"    // read from a file with a pattern
	SourceDefault = "default" // the profile's default (for this OS)
	SourceUnset   = "unset"   // no value at all
)

// resolveVars works out every variable of p, in order (a variable's
// detectors and default may use the ones before it): --set, then each
// detector, then the default for this OS, then the default.
func (c *collector) resolveVars(ctx context.Context, p *profiles.Profile) {
	for _, v := range p.Variables {
		c.vars[v.Name] = c.resolveVar(ctx, v)
	}
}

func (c *collector) resolveVar(ctx context.Context, v profiles.Variable) bundle.Variable {
	if r := c.opts.Request; r != nil {
		if val, ok := r.Vars[v.Name]; ok {
			return bundle.Variable{Value: val, Source: SourceRequest}
		}
	}
	if val, ok := c.opts.Set[v.Name]; ok {
		return bundle.Variable{Value: val, Source: SourceSet}
	}
	for _, d := range v.Detect {
		if !forOS(d.OS) {
			continue
		}
		if val, src, ok := c.detect(ctx, d); ok {
			return bundle.Variable{Value: val, Source: src}
		}
	}
	if val, ok := v.Defaults[currentOS()]; ok {
		return bundle.Variable{Value: c.expand(val), Source: SourceDefault}
	}
	if v.Default != "" {
		return bundle.Variable{Value: c.expand(v.Default), Source: SourceDefault}
	}
	return bundle.Variable{Source: SourceUnset}
}

// detect runs one detector.
func (c *collector) detect(ctx context.Context, d profiles.VarDetect) (string, string, bool) {
	switch {
	case d.Env != "":
		// The collector's environment is not the host's under a fake root.
		if !c.fs.isRealRoot() {
			return "", "", false
		}
		if val := os.Getenv(d.Env); val != "" {
			return val, SourceEnv, true
		}
	case d.Process != nil:
		procs := c.processList(ctx)
		for _, p := range procs.list {
			if val, ok := captureValue(d.Process.Re, p.Cmdline); ok {
				return val, SourceProcess, true
			}
		}
	case len(d.FirstExisting) > 0:
		for _, cand := range d.FirstExisting {
			cand = c.expand(cand)
			if hasMeta(cand) {
				if m, _ := c.fs.glob(cand); len(m) > 0 {
					return m[0], SourcePath, true
				}
				continue
			}
			if c.fs.exists(cand) {
				return cand, SourcePath, true
			}
		}
	case d.File != "" && d.Pattern != nil:
		data, err := c.fs.readSmall(c.expand(d.File), 1<<20)
		if err != nil {
			return "", "", false
		}
		for _, line := range strings.Split(string(data), "\n") {
			if val, ok := captureValue(d.Pattern.Re, strings.TrimSuffix(line, "\r")); ok {
				return val, SourceFile, true
			}
		}
		if val, ok := captureValue(d.Pattern.Re, string(data)); ok {
			return val, SourceFile, true
		}
	}
	return "", "", false
}

// captureValue returns the "value" group of re's first match in s.
func captureValue(re *regexp.Regexp, s string) (string, bool) {
	if re == nil {
		return "", false
	}
	m := re.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	if i := re.SubexpIndex("value"); i > 0 {
		if m[i] == "" {
			return "", false
		}
		return m[i], true
	}
	return m[0], true
}

// statHost stats a host path, following links inside the root.
func (c *collector) statHost(p string) (fs.FileInfo, error) {
	r, _, err := c.fs.resolve(p)
	if err != nil {
		return nil, err
	}
	return os.Stat(c.fs.real(r))
}
