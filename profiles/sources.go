package profiles

import (
	"fmt"
	"regexp"
	"strings"
)

// Typed fact sources (Fact.Format): the analyzer reads the lines of the
// members with the pattern SourcePattern gives, and turns them into rows
// by the format's rules (analyze/sources.go). Every row keeps the
// file:line it came from, so that a fact read this way is evidence like a
// pattern fact.

// SourcePattern is the line pattern a typed source reads: the lines its
// rows are made of.
func SourcePattern(f *Fact) Pattern {
	var src string
	switch f.Format {
	case "ini":
		src = `^\s*(?:\[(?P<section>[^\]]*)\]|(?P<name>[^=;#\[\s][^=]*?)\s*=\s*(?P<value>.*?))\s*$`
	case "keyvalue":
		sep := f.Separator
		switch {
		case sep == "":
			sep = "="
		case strings.TrimSpace(sep) == "":
			sep = " "
		}
		if sep == " " {
			src = `^\s*(?P<key>[^#\s]\S*)(?:\s+(?P<value>.*?))?\s*$`
		} else {
			q := regexp.QuoteMeta(sep)
			src = `^\s*(?P<key>[^#\s` + q + `][^` + q + `]*?)\s*` + q + `\s*(?P<value>.*?)\s*$`
		}
	default: // columns, json, yaml, xml: every line that is not blank
		src = `\S`
	}
	p := MustPattern(src)
	p.Line = f.Line
	return p
}

// SourceFields are the fields a typed source's rows have besides the
// record fields (value, file, line, ...); nil when they come from the data
// (a table's header).
func SourceFields(f *Fact) []string {
	switch f.Format {
	case "ini":
		return []string{"section", "name", "key"}
	case "keyvalue":
		return []string{"key"}
	case "columns":
		return f.Columns
	case "json", "yaml", "xml":
		return []string{"key", "name"}
	}
	return nil
}

// ColumnName makes a table header word into a field name: "Recv-Q" is
// recv_q, "%CPU" cpu, "PID/Program" pid_program; a name that is a record
// field (TIME) takes a col_ prefix (col_time).
func ColumnName(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	n := strings.TrimSuffix(b.String(), "_")
	if n == "" || n[0] >= '0' && n[0] <= '9' {
		n = "c" + n
	}
	if contains(RecordFields, n) {
		n = "col_" + n
	}
	return n
}

// checkSource validates a typed source's own keys.
func checkSource(fa *Fact) error {
	if _, ok := SourceFormats[fa.Format]; !ok {
		return fmt.Errorf("fact %q: unknown format %q (one of %s)", fa.Name, fa.Format, strings.Join(sortedKeys(SourceFormats), ", "))
	}
	if fa.Pattern != nil || fa.Expr.IsSet() {
		return fmt.Errorf("fact %q: format reads the members itself: no pattern or expr", fa.Name)
	}
	if len(fa.In) == 0 && len(fa.InFirst) == 0 {
		return fmt.Errorf("fact %q: format needs in (member globs) or in_first", fa.Name)
	}
	only := func(key string, set bool, formats ...string) error {
		if set && !contains(formats, fa.Format) {
			return fmt.Errorf("fact %q: %s is for format %s", fa.Name, key, strings.Join(formats, " or "))
		}
		return nil
	}
	for _, err := range []error{
		only("separator", fa.Separator != "", "keyvalue"),
		only("columns", len(fa.Columns) > 0, "columns"),
		only("rows", fa.Rows != nil, "columns"),
		only("value", fa.Value != "", "columns"),
		only("path", fa.Path != "", "json", "yaml", "xml"),
		only("key", fa.Key != "", "ini", "keyvalue", "json", "yaml", "xml"),
	} {
		if err != nil {
			return err
		}
	}
	if len([]rune(fa.Separator)) > 1 {
		return fmt.Errorf("fact %q: separator must be one character (\" \" for white space)", fa.Name)
	}
	for _, c := range fa.Columns {
		if !validIdent.MatchString(c) {
			return fmt.Errorf("fact %q: column name %q must be lower case letters, digits and _", fa.Name, c)
		}
		if contains(RecordFields, c) {
			return fmt.Errorf("fact %q: column name %q is a record field (%s): name it otherwise", fa.Name, c, strings.Join(RecordFields, ", "))
		}
	}
	if fa.Value != "" && len(fa.Columns) > 0 && !contains(fa.Columns, fa.Value) {
		return fmt.Errorf("fact %q: value %q is not one of the columns (%s)", fa.Name, fa.Value, strings.Join(fa.Columns, ", "))
	}
	if fa.Format == "xml" && strings.Contains(fa.Path, ".") && !strings.Contains(fa.Path, "/") {
		return fmt.Errorf("fact %q: an XML path separates elements with /, as in config/server/@port", fa.Name)
	}
	if fa.Pick == "map" && fa.Format == "" {
		return fmt.Errorf("fact %q: pick map needs a format (its rows have keys)", fa.Name)
	}
	return nil
}
