package analyze

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"casefile/profiles"
)

// Typed fact sources (profiles.Fact.Format): the scan keeps the lines of
// the fact's members (profiles.SourcePattern); typedRecords makes them
// into rows, each a record of its own whose captures are the row's
// fields and whose file:line is where the row's value is written.

// typedRecords turns a typed fact's line records (sorted) into rows; the
// error names the member and line a document did not parse at.
func typedRecords(f *profiles.Fact, recs []*record) ([]*record, error) {
	byMember := map[*member][]*record{}
	var order []*member
	for _, r := range recs {
		if _, ok := byMember[r.m]; !ok {
			order = append(order, r.m)
		}
		byMember[r.m] = append(byMember[r.m], r)
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if byMember[a][0].b.idx != byMember[b][0].b.idx {
			return byMember[a][0].b.idx < byMember[b][0].b.idx
		}
		return a.idx < b.idx
	})
	var out []*record
	var firstErr error
	for _, m := range order {
		lines := byMember[m]
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].line < lines[j].line })
		var rows []*record
		var err error
		switch f.Format {
		case "ini":
			rows = iniRows(f, lines)
		case "keyvalue":
			rows = keyRows(f, lines)
		case "columns":
			rows = columnRows(f, lines)
		case "json", "yaml":
			rows, err = treeRows(f, lines)
		case "xml":
			rows, err = xmlRows(f, lines)
		}
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("fact %s: %s: %v", f.Name, m.path, err)
		}
		out = append(out, rows...)
	}
	return out, firstErr
}

// row makes a record for a row at line src: fields become its captures;
// "value" is its value.
func row(src *record, names, vals []string) *record {
	pat := &pattern{names: names, value: -1}
	for i, n := range names {
		if n == "value" {
			pat.value = i
		}
	}
	r := *src
	r.pat = pat
	r.caps = vals
	r.fnames, r.fcaps = nil, nil
	r.match = ""
	return &r
}

func keyWanted(want, key, name string) bool {
	if want == "" {
		return true
	}
	return strings.EqualFold(want, key) || strings.EqualFold(want, name)
}

func iniRows(f *profiles.Fact, lines []*record) []*record {
	var out []*record
	section := ""
	for _, r := range lines {
		if s, ok := r.capture("section"); ok && s != "" || strings.HasPrefix(strings.TrimSpace(r.text), "[") {
			section = strings.ToLower(strings.TrimSpace(s))
			continue
		}
		name, _ := r.capture("name")
		if name == "" {
			continue
		}
		name = strings.ToLower(name)
		val, _ := r.capture("value")
		key := name
		if section != "" {
			key = section + "." + name
		}
		if !keyWanted(f.Key, key, name) {
			continue
		}
		out = append(out, row(r, []string{"section", "name", "key", "value"}, []string{section, name, key, unquote(val)}))
	}
	return out
}

func keyRows(f *profiles.Fact, lines []*record) []*record {
	var out []*record
	for _, r := range lines {
		key, _ := r.capture("key")
		if key == "" || strings.HasPrefix(key, "#") {
			continue
		}
		if !keyWanted(f.Key, key, key) {
			continue
		}
		val, _ := r.capture("value")
		out = append(out, row(r, []string{"key", "value"}, []string{key, unquote(val)}))
	}
	return out
}

// unquote drops one pair of matching quotes around a value.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

func columnRows(f *profiles.Fact, lines []*record) []*record {
	names := f.Columns
	start := 0
	if len(names) == 0 {
		if len(lines) == 0 {
			return nil
		}
		for _, h := range strings.Fields(lines[0].text) {
			names = append(names, profiles.ColumnName(h))
		}
		names = dedupeNames(names)
		start = 1
	}
	if len(names) == 0 {
		return nil
	}
	valueCol := 0
	if f.Value != "" {
		for i, n := range names {
			if n == f.Value || n == profiles.ColumnName(f.Value) {
				valueCol = i
			}
		}
	}
	fields := append(append([]string{}, names...), "key", "value")
	var out []*record
	for _, r := range lines[start:] {
		if f.Rows != nil && !f.Rows.Re.MatchString(r.text) {
			continue
		}
		vals := splitColumns(r.text, len(names))
		if len(vals) == 0 {
			continue
		}
		for len(vals) < len(names) {
			vals = append(vals, "")
		}
		out = append(out, row(r, fields, append(vals, vals[0], vals[valueCol])))
	}
	return out
}

// dedupeNames numbers repeated column names: time, time_2.
func dedupeNames(names []string) []string {
	seen := map[string]int{}
	for i, n := range names {
		seen[n]++
		if seen[n] > 1 {
			names[i] = n + "_" + strconv.Itoa(seen[n])
		}
	}
	return names
}

// splitColumns splits on white space into at most n fields; the last
// takes the rest of the line.
func splitColumns(s string, n int) []string {
	var out []string
	s = strings.TrimSpace(s)
	for s != "" {
		if len(out) == n-1 {
			out = append(out, s)
			break
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		s = strings.TrimLeft(s[i:], " \t")
	}
	return out
}

// document rebuilds a member's text from its kept lines (blank lines
// were not kept: they come back empty, so line numbers hold).
func document(lines []*record) ([]byte, map[int]*record) {
	var b bytes.Buffer
	at := map[int]*record{}
	n := 1
	for _, r := range lines {
		for n < r.line {
			b.WriteByte('\n')
			n++
		}
		if r.line < n { // a split segment of a line already written
			continue
		}
		b.WriteString(r.text)
		b.WriteByte('\n')
		at[r.line] = r
		n++
	}
	return b.Bytes(), at
}

// lineRecord is the record of line n, or the nearest before it.
func lineRecord(at map[int]*record, n int, lines []*record) *record {
	for k := n; k > 0; k-- {
		if r, ok := at[k]; ok {
			return r
		}
	}
	return lines[0]
}

// splitPath splits a path at sep; "" is every leaf.
func splitPath(p, sep string) []string {
	p = strings.Trim(strings.TrimSpace(p), sep)
	if p == "" {
		return nil
	}
	return strings.Split(p, sep)
}

func treeRows(f *profiles.Fact, lines []*record) ([]*record, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	data, at := document(lines)
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	path := splitPath(f.Path, ".")
	var out []*record
	var walk func(n *yaml.Node, rest []string, where []string, name string)
	walk = func(n *yaml.Node, rest []string, where []string, name string) {
		if n.Kind == yaml.AliasNode {
			// Not followed: an alias may hold its own anchor, or
			// multiply (a billion laughs); the anchored value is
			// read where it is written.
			return
		}
		if len(rest) == 0 && n.Kind == yaml.ScalarNode {
			key := strings.Join(where, ".")
			if keyWanted(f.Key, key, name) {
				out = append(out, row(lineRecord(at, n.Line, lines), []string{"key", "name", "value"}, []string{key, name, n.Value}))
			}
			return
		}
		every := len(path) == 0
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				switch {
				case every:
					walk(v, nil, append(where, k), k)
				case len(rest) > 0 && (rest[0] == "*" || rest[0] == k):
					walk(v, rest[1:], append(where, k), k)
				}
			}
		case yaml.SequenceNode:
			for i, v := range n.Content {
				k := strconv.Itoa(i)
				switch {
				case every:
					walk(v, nil, append(where, k), name)
				case len(rest) > 0 && (rest[0] == "*" || rest[0] == k):
					walk(v, rest[1:], append(where, k), name)
				}
			}
		}
	}
	walk(doc, path, nil, "")
	return out, nil
}

func xmlRows(f *profiles.Fact, lines []*record) ([]*record, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	data, at := document(lines)
	path := splitPath(f.Path, "/")
	attr := ""
	if len(path) > 0 && strings.HasPrefix(path[len(path)-1], "@") {
		attr = strings.TrimPrefix(path[len(path)-1], "@")
		path = path[:len(path)-1]
	}
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte{'\n'}) }
	match := func(stack []string) bool {
		if len(path) == 0 {
			return true
		}
		if len(stack) != len(path) {
			return false
		}
		for i, p := range path {
			if p != "*" && p != stack[i] {
				return false
			}
		}
		return true
	}
	type open struct {
		line int
		text strings.Builder
	}
	var stack []string
	var opens []*open
	var out []*record
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, fmt.Errorf("line %d: %v", lineAt(dec.InputOffset()), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			o := &open{line: lineAt(off)}
			opens = append(opens, o)
			if attr != "" && match(stack) {
				for _, a := range t.Attr {
					if a.Name.Local == attr && keyWanted(f.Key, strings.Join(stack, "/")+"/@"+attr, attr) {
						out = append(out, row(lineRecord(at, o.line, lines), []string{"key", "name", "value"},
							[]string{strings.Join(stack, "/") + "/@" + attr, attr, a.Value}))
					}
				}
			}
		case xml.CharData:
			if len(opens) > 0 {
				opens[len(opens)-1].text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			o := opens[len(opens)-1]
			txt := strings.TrimSpace(o.text.String())
			name := stack[len(stack)-1]
			key := strings.Join(stack, "/")
			if attr == "" && match(stack) && (txt != "" || len(path) > 0) && keyWanted(f.Key, key, name) {
				out = append(out, row(lineRecord(at, o.line, lines), []string{"key", "name", "value"}, []string{key, name, txt}))
			}
			stack = stack[:len(stack)-1]
			opens = opens[:len(opens)-1]
		}
	}
	return out, nil
}
