package analyze

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"casefile/analyze/input"
	"casefile/analyze/report"
	"casefile/bundle"
)

// The engine's tests read folders through the input package. While that
// package was being written they needed a stand-in; dirSource is that
// minimal stand-in for folders only (bundle folders and raw folders). It
// is installed by TestMain only when input.Open says it is not
// implemented, so it never competes with the real thing.

var usingShim bool

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "casefile-probe")
	if err == nil {
		os.WriteFile(filepath.Join(dir, "x.log"), []byte("x\n"), 0o644)
		_, err = input.Open(context.Background(), dir, input.Options{Raw: true})
		os.RemoveAll(dir)
		if err != nil && strings.Contains(err.Error(), "not implemented") {
			usingShim = true
			openSources = openDir
		}
	}
	os.Exit(m.Run())
}

type dirSource struct {
	in     *input.Input
	root   string
	cmdIDs []string
}

func (d *dirSource) Input() *input.Input { return d.in }

func openDir(ctx context.Context, path string, opts input.Options) ([]source, error) {
	st, err := os.Stat(path)
	if err != nil || !st.IsDir() {
		return nil, &input.Error{Path: path, Reason: "test shim reads folders only"}
	}
	in := &input.Input{Path: path, Name: filepath.Base(path), Kind: "raw"}
	if data, err := os.ReadFile(filepath.Join(path, bundle.ManifestName)); err == nil {
		mf, err := bundle.ParseManifest(data)
		if err != nil {
			return nil, &input.Error{Path: path, Reason: err.Error()}
		}
		in.Kind, in.Manifest = "bundle", mf
		if mf.Name != "" {
			in.Name = mf.Name
		}
	} else if !opts.Raw {
		return nil, &input.Error{Path: path, Reason: "no manifest.json (raw logs need --profile)"}
	}
	return []source{&dirSource{in: in, root: path, cmdIDs: opts.CommandIDs}}, nil
}

func (d *dirSource) Walk(ctx context.Context, fn func(m input.Member, r io.Reader) error) (*input.Verification, error) {
	var files []string
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type().IsRegular() {
			rel, _ := filepath.Rel(d.root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool {
		if (files[i] == bundle.ManifestName) != (files[j] == bundle.ManifestName) {
			return files[i] == bundle.ManifestName
		}
		return files[i] < files[j]
	})
	n := 0
	emit := func(rel, name string) error {
		f, err := os.Open(filepath.Join(d.root, rel))
		if err != nil {
			return err
		}
		defer f.Close()
		st, _ := f.Stat()
		m := input.Member{Path: name, Size: st.Size(), ModTime: st.ModTime(), Mode: st.Mode()}
		var r io.Reader = f
		if strings.HasSuffix(rel, ".gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				return err
			}
			r, m.Compression = zr, "gz"
		}
		n++
		return fn(m, r)
	}
	for _, rel := range files {
		if d.in.Kind == "bundle" {
			if err := emit(rel, rel); err != nil {
				return nil, err
			}
			continue
		}
		if err := emit(rel, "files/"+rel); err != nil {
			return nil, err
		}
		base := filepath.Base(rel)
		if i := strings.IndexByte(base, '.'); i > 0 {
			base = base[:i]
		}
		for _, id := range d.cmdIDs {
			if id == base {
				if err := emit(rel, bundle.CommandMember(id, false)); err != nil {
					return nil, err
				}
			}
		}
	}
	return &input.Verification{
		Signature: report.Signature{Status: bundle.SigUnsigned, Detail: fmt.Sprintf("test shim, %d members", n)},
		Integrity: report.Integrity{Status: report.IntegrityMissing, Problems: []report.Problem{}},
	}, nil
}
