package bundle

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
)

// MaxSumsSize bounds the SHA256SUMS a reader accepts (about a million lines).
const MaxSumsSize = 128 << 20

// Sums is the content of SHA256SUMS: member path -> lower-case hex SHA-256.
type Sums map[string]string

// Format writes s in coreutils format ("<hex>  <path>"), sorted by path, so
// that `sha256sum -c SHA256SUMS` checks it. Names holding a backslash or a
// newline are escaped the way coreutils does (line starts with '\').
func (s Sums) Format(w io.Writer) error {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	bw := bufio.NewWriter(w)
	for _, n := range names {
		if strings.ContainsAny(n, "\\\n\r") {
			esc := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`).Replace(n)
			fmt.Fprintf(bw, "\\%s  %s\n", s[n], esc)
			continue
		}
		fmt.Fprintf(bw, "%s  %s\n", s[n], n)
	}
	return bw.Flush()
}

// Bytes returns the formatted sums.
func (s Sums) Bytes() []byte {
	var b bytes.Buffer
	_ = s.Format(&b)
	return b.Bytes()
}

// ParseSums parses coreutils sha256sum output (text or binary mode lines,
// escaped names). It is strict: a malformed line is an error naming its
// line number, and a path listed twice is an error.
func ParseSums(data []byte) (Sums, error) {
	if len(data) > MaxSumsSize {
		return nil, fmt.Errorf("SHA256SUMS larger than %d bytes", MaxSumsSize)
	}
	s := Sums{}
	for i, line := range strings.Split(string(data), "\n") {
		lineNo := i + 1
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		escaped := false
		if line[0] == '\\' {
			escaped = true
			line = line[1:]
		}
		if len(line) < 64+2+1 {
			return nil, fmt.Errorf("SHA256SUMS line %d: too short", lineNo)
		}
		sum := strings.ToLower(line[:64])
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("SHA256SUMS line %d: not a hex SHA-256", lineNo)
		}
		if line[64] != ' ' || (line[65] != ' ' && line[65] != '*') {
			return nil, fmt.Errorf("SHA256SUMS line %d: expected two separators after the hash", lineNo)
		}
		name := line[66:]
		if escaped {
			var err error
			if name, err = unescapeSumName(name); err != nil {
				return nil, fmt.Errorf("SHA256SUMS line %d: %v", lineNo, err)
			}
		}
		name = strings.TrimPrefix(name, "./")
		if err := CheckMemberPath(name); err != nil {
			return nil, fmt.Errorf("SHA256SUMS line %d: %v", lineNo, err)
		}
		if _, dup := s[name]; dup {
			return nil, fmt.Errorf("SHA256SUMS line %d: %s listed twice", lineNo, name)
		}
		s[name] = sum
	}
	return s, nil
}

func unescapeSumName(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			return "", fmt.Errorf("dangling escape in name")
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", fmt.Errorf("unknown escape \\%c in name", s[i])
		}
	}
	return b.String(), nil
}
