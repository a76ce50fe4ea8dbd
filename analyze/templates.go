package analyze

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"casefile/analyze/input"
	"casefile/internal/drain"
)

// TemplateFile is the message templates of one file of an input
// (analyze templates).
type TemplateFile struct {
	Input     string          `json:"input"`
	Path      string          `json:"path"`
	Lines     int             `json:"lines"`
	Dropped   int             `json:"dropped,omitempty"`
	Templates []*FileTemplate `json:"templates"`
}

// FileTemplate is one template of a file.
type FileTemplate struct {
	ID       string     `json:"id"`
	Template string     `json:"template"`
	Count    int        `json:"count"`
	First    *time.Time `json:"first_seen,omitempty"`
	Last     *time.Time `json:"last_seen,omitempty"`
	// Lines are the 1-based line numbers of the template's lines (at most
	// maxTemplateLines are listed).
	Lines   []int  `json:"lines"`
	Example string `json:"example"`
	// cluster order and the clusters merged into the template.
	seq int
}

// maxTemplateLines caps the line numbers listed per template.
const maxTemplateLines = 100000

// Templates mines the message templates of every text file of the inputs
// (bundles, archives, folders, plain logs), as analyze reads them.
func Templates(ctx context.Context, paths []string, opts Options) ([]TemplateFile, error) {
	iopts := opts.inputOptions()
	iopts.Raw = true
	loc := opts.Timezone
	if loc == nil {
		loc = time.UTC
	}
	var out []TemplateFile
	for _, path := range paths {
		srcs, err := openSources(ctx, path, iopts)
		if err != nil {
			return nil, err
		}
		for _, src := range srcs {
			in := src.Input()
			l := loc
			if in.Manifest != nil {
				l = in.Manifest.Host.Location()
			}
			_, err := src.Walk(ctx, func(m input.Member, r io.Reader) error {
				if skipForTemplates(m.Path) {
					return nil
				}
				tf, err := mineFile(r, timeCtx{loc: l, ref: m.ModTime})
				if err != nil || tf == nil {
					return err
				}
				tf.Input, tf.Path = in.Name, m.Path
				out = append(out, *tf)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func skipForTemplates(p string) bool {
	base := p[strings.LastIndexByte(p, '/')+1:]
	return p == "manifest.json" || strings.HasPrefix(base, "SHA256SUMS")
}

// mineFile mines one file; nil for a binary file.
func mineFile(r io.Reader, tc timeCtx) (*TemplateFile, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, nil
	}
	if tc.ref.IsZero() {
		tc.ref = time.Now()
	}
	parser := detectParser(firstLines(head, 20), &tc)
	miner := drain.New(drain.Config{MaxTemplates: maxTemplatesPerLog})
	type stat struct {
		lines       []int
		first, last time.Time
		example     string
	}
	stats := map[*drain.Cluster]*stat{}
	var order []*drain.Cluster
	tf := &TemplateFile{}
	var toks []string
	no := 0
	for {
		line, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			// A line longer than the buffer: its first part stands for it.
			var rest []byte
			rest, err = br.ReadSlice('\n')
			_ = rest
		}
		if len(line) > 0 {
			no++
			b := bytes.TrimRight(line, "\r\n")
			if len(bytes.TrimSpace(b)) > 0 {
				toks = MessageTokens(string(b), toks[:0])
				c := miner.AddTokens(toks)
				if c != nil {
					st := stats[c]
					if st == nil {
						st = &stat{example: cleanText(b, maxLineText)}
						stats[c] = st
						order = append(order, c)
					}
					if len(st.lines) < maxTemplateLines {
						st.lines = append(st.lines, no)
					}
					if parser != nil && !parser.todOnly {
						if t, ok := parser.parse(b, &tc); ok {
							if st.first.IsZero() || t.Before(st.first) {
								st.first = t
							}
							if t.After(st.last) {
								st.last = t
							}
						}
					}
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	tf.Lines = no
	tf.Dropped = miner.Dropped
	by := map[string]*FileTemplate{}
	for i, c := range order {
		st := stats[c]
		text := c.Template()
		ft := by[text]
		if ft == nil {
			ft = &FileTemplate{ID: drain.ID(text), Template: text, Example: st.example, seq: i}
			by[text] = ft
			tf.Templates = append(tf.Templates, ft)
		}
		ft.Count += c.Count
		ft.Lines = append(ft.Lines, st.lines...)
		if !st.first.IsZero() {
			f, l := st.first.UTC(), st.last.UTC()
			if ft.First == nil || f.Before(*ft.First) {
				ft.First = &f
			}
			if ft.Last == nil || l.After(*ft.Last) {
				ft.Last = &l
			}
		}
	}
	for _, ft := range tf.Templates {
		sort.Ints(ft.Lines)
	}
	if tf.Templates == nil {
		tf.Templates = []*FileTemplate{}
	}
	return tf, nil
}

// DraftRule returns a YAML match rule for the template with id found in
// the inputs, to paste into a profile's rules.
func DraftRule(ctx context.Context, id string, paths []string, opts Options) (string, error) {
	files, err := Templates(ctx, paths, opts)
	if err != nil {
		return "", err
	}
	for _, f := range files {
		for _, t := range f.Templates {
			if t.ID == id {
				return draftRule(f, t), nil
			}
		}
	}
	return "", fmt.Errorf("no template %s in %s (analyze templates lists them)", id, strings.Join(paths, " "))
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

func draftRule(f TemplateFile, t *FileTemplate) string {
	toks := strings.Fields(t.Template)
	var pat []string
	var title []string
	vars := 0
	for _, tok := range toks {
		switch {
		case tok == drain.Wildcard:
			vars++
			pat = append(pat, fmt.Sprintf(`(?P<v%d>\S+)`, vars))
			title = append(title, fmt.Sprintf("{v%d}", vars))
		case strings.HasSuffix(tok, drain.Wildcard):
			vars++
			k := strings.TrimSuffix(tok, drain.Wildcard)
			pat = append(pat, regexp.QuoteMeta(k)+fmt.Sprintf(`(?P<v%d>\S*)`, vars))
			title = append(title, k+fmt.Sprintf("{v%d}", vars))
		default:
			pat = append(pat, regexp.QuoteMeta(tok))
			title = append(title, tok)
		}
	}
	words := strings.Join(title, " ")
	var consts []string
	for _, tok := range toks {
		if !strings.Contains(tok, drain.Wildcard) {
			consts = append(consts, strings.ToLower(tok))
		}
	}
	slug := strings.Trim(slugRe.ReplaceAllString(strings.Join(consts, " "), "-"), "-")
	if len(slug) > 40 {
		slug = strings.TrimRight(slug[:40], "-")
	}
	if slug == "" {
		slug = strings.ToLower(t.ID)
	}
	base := f.Path[strings.LastIndexByte(f.Path, '/')+1:]
	glob := "files/**/" + base + "*"
	if !strings.HasPrefix(f.Path, "files/") {
		glob = f.Path
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Drafted by analyze --draft-rule %s from %s (%d lines, first at line %d):\n", t.ID, f.Path, t.Count, firstOr(t.Lines))
	fmt.Fprintf(&b, "#   %s\n", t.Example)
	fmt.Fprintf(&b, "- id: local.%s\n", slug)
	fmt.Fprintf(&b, "  title: %s\n", yamlQuote(words+" ({hits} times)"))
	b.WriteString("  severity: warning\n")
	b.WriteString("  match:\n")
	fmt.Fprintf(&b, "    in: [%s]\n", yamlQuote(glob))
	fmt.Fprintf(&b, "    pattern: %s\n", yamlQuote(strings.Join(pat, `\s+`)))
	b.WriteString("  explanation: >-\n    TODO: what this message means and what it causes.\n")
	b.WriteString("  remedy: >-\n    TODO: what to do about it.\n")
	return b.String()
}

func firstOr(ls []int) int {
	if len(ls) == 0 {
		return 0
	}
	return ls[0]
}

// yamlQuote quotes s as a single-quoted YAML scalar.
func yamlQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
