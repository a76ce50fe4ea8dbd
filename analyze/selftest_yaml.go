package analyze

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"casefile/internal/suggest"
)

// expect.yaml's decoding errors in the author's words: "file:line:
// unknown key ...", "expected a number, found a string", not yaml.v3's
// Go type names (analyze.ExpectFinding).

var (
	expectUnknown = regexp.MustCompile(`^line (\d+): field (\S+) not found in type analyze\.(\w+)$`)
	expectKind    = regexp.MustCompile(`^line (\d+): cannot unmarshal !!(\w+)(?: ` + "`" + `([^` + "`" + `]*)` + "`" + `)? into (\S+)$`)
	expectLine    = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)
)

var expectTypes = map[string]reflect.Type{"Expect": reflect.TypeOf(Expect{}), "ExpectFinding": reflect.TypeOf(ExpectFinding{})}

// expectYAMLErr is file:line: reason for the first decoding error of
// data.
func expectYAMLErr(file string, data []byte, err error) error {
	var pe *time.ParseError
	if errors.As(err, &pe) {
		// yaml.v3 passes the time's own error, without a line: clock is
		// the one time of expect.yaml.
		line := ""
		for i, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "clock:") {
				line = fmt.Sprintf(":%d", i+1)
			}
		}
		return fmt.Errorf("%s%s: expected a time (2024-03-01T12:00:00Z), found a string (%q)", file, line, pe.Value)
	}
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := expectUnknown.FindStringSubmatch(msg); m != nil {
		if t, ok := expectTypes[m[3]]; ok {
			var keys []string
			for i := 0; i < t.NumField(); i++ {
				if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
					keys = append(keys, k)
				}
			}
			hint := ""
			if s := suggest.Nearest(m[2], keys); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			msg = fmt.Sprintf("line %s: unknown key %q%s (known here: %s)", m[1], m[2], hint, strings.Join(keys, ", "))
		}
	} else if m := expectKind.FindStringSubmatch(msg); m != nil {
		got := map[string]string{"str": "a string", "int": "a number", "float": "a number", "bool": "true or false", "map": "a mapping", "seq": "a list"}[m[2]]
		if got == "" {
			got = "!!" + m[2]
		}
		if m[3] != "" {
			got += " (" + strconv.Quote(m[3]) + ")"
		}
		want := "another kind of value"
		switch into := m[4]; {
		case strings.HasPrefix(into, "[]"):
			want = "a list"
		case into == "int":
			want = "a number"
		case into == "string":
			want = "a string"
		case into == "time.Time":
			want = "a time (2024-03-01T12:00:00Z)"
		case strings.HasPrefix(into, "analyze."):
			want = "a mapping"
		}
		msg = fmt.Sprintf("line %s: expected %s, found %s", m[1], want, got)
	}
	if m := expectLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", file, m[1], msg[len(m[0]):])
	}
	return fmt.Errorf("%s: %s", file, strings.ReplaceAll(msg, "\n", " "))
}
