package input_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
)

// FuzzOpenWalk feeds arbitrary bytes to Open and Walk as a file: they
// never panic or hang, and every failure is an *input.Error on one line.
func FuzzOpenWalk(f *testing.F) {
	b := inputtest.Build(f, inputtest.Spec{Files: map[string]string{
		"files/var/log/m.log":      "line\n",
		"files/var/log/m.log.1.gz": string(gzBytes(f, []byte("rotated\n"))),
		"files/opt/diag.tar.gz":    string(gzBytes(f, tarOf(f, reg("d/x", "inner\n")))),
	}})
	f.Add(b.TarGz())
	f.Add(b.Tar())
	f.Add(b.Zip())
	f.Add(zstdBytes(f, b.Tar()))
	f.Add(gzBytes(f, tarOf(f, reg("logs/ha.log", "x\n"), reg("logs/../../x", "y"))))
	f.Add([]byte("plain log line\n"))
	dir := f.TempDir()
	f.Add(gzBytes(f, tarOf(f, reg("console.txt", "junk\nLOG: x\n"), reg("messages", "Dec  7 12:00:01 h p[1]: y\n"))))
	// raw files are also recognised by content (the shapes of a log's lines)
	opts := input.Options{Raw: true, CommandIDs: []string{"x"}, Trust: trust(b),
		MaxTotalBytes: 64 << 20, MaxMemberBytes: 16 << 20, MaxMembers: 10000,
		Content: []input.ContentShape{
			{Name: "a log", As: "files/{name}/a_log", Lines: []*regexp.Regexp{regexp.MustCompile(`^LOG: `)}},
			{Name: "syslog", As: "commands/x.out", Lines: []*regexp.Regexp{regexp.MustCompile(` p\[\d+\]: `)}},
		},
		Claimed: func(p string) bool { return strings.HasSuffix(p, ".log") }}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "in.tar.gz")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ins, err := input.Open(context.Background(), p, opts)
		check(t, err)
		for _, in := range ins {
			_, err := in.Walk(context.Background(), func(m input.Member, r io.Reader) error {
				_, err := io.Copy(io.Discard, r)
				if errors.Is(err, input.ErrUnreadable) {
					return nil
				}
				return err
			})
			check(t, err)
		}
	})
}

func check(t *testing.T, err error) {
	if err == nil {
		return
	}
	var ie *input.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not an *input.Error", err, err)
	}
	if strings.ContainsAny(ie.Error(), "\n\r\x1b") {
		t.Fatalf("error is not one clean line: %q", ie.Error())
	}
}
