package profiles

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// YAML decoding errors in the words of the profile, not of Go: an unknown
// key with the keys that place has (and the nearest one), a value of the
// wrong kind, a tab where YAML wants spaces.

var (
	unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type profiles\.(\w+)$`)
	badKind      = regexp.MustCompile(`^line (\d+): cannot unmarshal !!(\w+)(?: ` + "`" + `([^` + "`" + `]*)` + "`" + `)? into (\S+)$`)
	lineOf       = regexp.MustCompile(`^line (\d+): `)
)

// profileTypes are the types a profile decodes into, by Go name.
var profileTypes = map[string]reflect.Type{}

func init() {
	for _, v := range []any{Profile{}, Detect{}, Variable{}, VarDetect{}, CollectItem{}, RedactRule{}, Analyze{},
		LogSpec{}, Fact{}, Rule{}, SeverityWhen{}, TitleWhen{}, Note{}, Matcher{}, Related{}, MatchSpec{},
		Resolution{}, AbsentSpec{}, SequenceSpec{}, StateSpec{}, Tracker{}, CheckSpec{}, Context{}} {
		t := reflect.TypeOf(v)
		profileTypes[t.Name()] = t
	}
}

// yamlKeys lists the keys a struct type takes (inline structs included).
func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
		case strings.Contains(opts, "inline"):
			out = append(out, yamlKeys(f.Type)...)
		case name != "":
			out = append(out, name)
		}
	}
	return out
}

// kindWords names what a Go type is in YAML terms.
func kindWords(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping"
	case goType == "int" || goType == "int64" || strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "profiles.") || strings.HasPrefix(goType, "*profiles."):
		return "a mapping"
	}
	return "another kind of value"
}

var yamlKindWords = map[string]string{"str": "a string", "int": "a number", "float": "a number", "bool": "true or false", "map": "a mapping", "seq": "a list", "null": "nothing"}

// plainYAMLErr rewrites a yaml.v3 message; others pass unchanged.
func plainYAMLErr(msg string, data []byte) string {
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		if t, ok := profileTypes[m[3]]; ok {
			keys := yamlKeys(t)
			return fmt.Sprintf("line %s: unknown key %q%s (known here: %s)", m[1], m[2], didYouMean(m[2], keys), strings.Join(keys, ", "))
		}
	}
	if m := badKind.FindStringSubmatch(msg); m != nil {
		got := yamlKindWords[m[2]]
		if got == "" {
			got = "!!" + m[2]
		}
		if m[3] != "" {
			got += " (" + strconv.Quote(m[3]) + ")"
		}
		return fmt.Sprintf("line %s: expected %s, found %s", m[1], kindWords(m[4]), got)
	}
	if strings.Contains(msg, "tab") {
		if m := lineOf.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			lines := strings.Split(string(data), "\n")
			for _, k := range []int{n - 1, n, n - 2} {
				if k >= 0 && k < len(lines) && strings.Contains(lines[k], "\t") {
					return fmt.Sprintf("line %d: a tab character indents this line: YAML indents with spaces only", k+1)
				}
			}
		}
	}
	// After a quoted value yaml.v3 says only that a character cannot
	// start a token: name the tab when one indents that line.
	if strings.Contains(msg, "cannot start any token") {
		if m := lineOf.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			if lines := strings.Split(string(data), "\n"); n >= 1 && n <= len(lines) {
				l := lines[n-1]
				if indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]; strings.Contains(indent, "\t") {
					return fmt.Sprintf("line %d: a tab character indents this line: YAML indents with spaces only", n)
				}
			}
		}
	}
	return msg
}
