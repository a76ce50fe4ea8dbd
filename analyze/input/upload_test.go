package input_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
)

// Hostile uploads at the help desk, part 2 (issue 12 and 18): the cases
// that are not a row of TestHostile.

// TestStdin: "analyze -" reads a bundle from standard input: Open reads
// the manifest and Walk the whole bundle, as for a file.
func TestStdin(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	for _, tc := range []struct {
		name string
		data []byte
	}{{"tar.gz", b.TarGz()}, {"zip", b.Zip()}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := input.Options{Stdin: bytes.NewReader(tc.data), Trust: trust(b)}
			ins, err := input.Open(context.Background(), "-", opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(ins) != 1 || ins[0].Path != "-" || ins[0].Name != b.Name {
				t.Fatalf("inputs %+v", ins)
			}
			got := map[string]string{}
			v, err := ins[0].Walk(context.Background(), func(m input.Member, r io.Reader) error {
				data, err := io.ReadAll(r)
				got[m.Path] = string(data)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !v.Intact() {
				t.Errorf("not intact: %s", v.Shortfall())
			}
			if len(got) != len(wantContent(b)) {
				t.Errorf("got %d members, want %d", len(got), len(wantContent(b)))
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		_, err := input.Open(context.Background(), "-", input.Options{Stdin: bytes.NewReader(nil)})
		refusal(t, err, "-", "empty file")
	})
	t.Run("larger than the limit", func(t *testing.T) {
		_, err := input.Open(context.Background(), "-", input.Options{Stdin: bytes.NewReader(b.TarGz()), MaxTotalBytes: 100})
		refusal(t, err, "-", "standard input is larger than 100 bytes")
	})
}
