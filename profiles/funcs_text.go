package profiles

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Text helpers, the values of facts, and the address and time functions
// of the profile language (Bindings; docs/profiles.md, "Texts"): written
// once here so that profiles do not assemble prose with operators.
// Arguments are untyped: a nil fact never makes a call fail. Helpers that
// print a time print it in the report's one zone (Scope.Display); the
// bundle's zone (Scope.Zone) is only for reading times that carry none.

// timeLayout is how times print in texts: in the report's one zone
// (Options.DisplayZone, UTC by default), "Z" for UTC, else the offset.
const timeLayout = "2006-01-02 15:04:05Z07:00"

// FormatValue prints a value as a text's hole does: times in loc (the
// report's zone),
// durations compact, lists joined with ", ", nil as nothing, numbers
// without trailing zeros, records as their line.
func FormatValue(v any, loc *time.Location) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case time.Time:
		if x.IsZero() {
			return ""
		}
		if loc != nil {
			x = x.In(loc)
		}
		return x.Format(timeLayout)
	case *time.Time:
		if x == nil {
			return ""
		}
		return FormatValue(*x, loc)
	case time.Duration:
		return CompactDuration(x)
	case []any:
		parts := make([]string, len(x))
		for i, y := range x {
			parts[i] = FormatValue(y, loc)
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	case map[string]any:
		if t, ok := x["text"].(string); ok {
			if _, rec := x["file"]; rec {
				return t
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + FormatValue(x[k], loc)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// CompactDuration prints 1h2m, 45s, 2d3h, 150ms.
func CompactDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	neg := d < 0
	if neg {
		d = -d
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if d < time.Second {
		b.WriteString(d.String())
		return b.String()
	}
	d = d.Round(time.Second)
	units := []struct {
		n time.Duration
		s string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for _, u := range units {
		if d >= u.n {
			b.WriteString(strconv.FormatInt(int64(d/u.n), 10))
			b.WriteString(u.s)
			d %= u.n
		}
	}
	return b.String()
}

// ToString is a value as a function argument reads it: "" for nil,
// numbers as written.
func ToString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// LeadingNumber is num(): the number a value starts with ("512 kB" is
// 512), 0 when none.
func LeadingNumber(x any) float64 {
	switch v := x.(type) {
	case nil:
		return 0
	case float64:
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case bool:
		if v {
			return 1
		}
		return 0
	}
	f, _ := ParseLeadingNumber(ToString(x))
	return f
}

// ParseLeadingNumber reads the number a string starts with, false when
// it starts with none.
func ParseLeadingNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	digits := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		if s[end] != '.' {
			digits++
		}
		end++
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimRight(s[:end], "."), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

func vercmp(a, b any) int {
	if a == nil || b == nil {
		return 0
	}
	return CompareVersions(ToString(a), ToString(b))
}

func versionLT(a, b any) bool {
	if a == nil || b == nil {
		return false
	}
	return CompareVersions(ToString(a), ToString(b)) < 0
}

func sizeOf(s any) (int, error) {
	if s == nil {
		return 0, nil
	}
	n, err := ParseSize(ToString(s))
	return int(n), err
}

func fieldsOf(s any) []any {
	out := []any{}
	if s == nil {
		return out
	}
	for _, f := range strings.Fields(ToString(s)) {
		out = append(out, f)
	}
	return out
}

func agoFunc(s Scope) any {
	return func(t any, d any) (bool, error) {
		tt, ok := t.(time.Time)
		if !ok || tt.IsZero() {
			return false, nil
		}
		dur, err := ParseDuration(ToString(d))
		if err != nil {
			return false, err
		}
		return s.End().Sub(tt) > dur, nil
	}
}

func fmtTimeFunc(s Scope) any {
	display := s.Display()
	return func(t any) string {
		if t == nil {
			return ""
		}
		return FormatValue(t, display)
	}
}

func countPhraseFunc(s Scope) any {
	display := s.Display()
	return func(n, first, last any) string { return CountPhrase(n, first, last, display) }
}

func andListFunc(s Scope) any {
	display := s.Display()
	return func(x any) string { return joinList(x, "and", display) }
}

func orListFunc(s Scope) any {
	display := s.Display()
	return func(x any) string { return joinList(x, "or", display) }
}

func clockFunc(s Scope) any {
	display := s.Display()
	return func(t any) string {
		tt, ok := t.(time.Time)
		if !ok || tt.IsZero() {
			return ""
		}
		return tt.In(display).Format("15:04:05")
	}
}

func plural(args ...any) (string, error) {
	if len(args) < 2 || len(args) > 3 {
		return "", fmt.Errorf("plural takes a number, a word and optionally its plural")
	}
	n := LeadingNumber(args[0])
	word := ToString(args[1])
	words := word + "s"
	if len(args) == 3 {
		words = ToString(args[2])
	}
	if n == 1 {
		return "1 " + word, nil
	}
	return formatNumber(n) + " " + words, nil
}

func elapsed(x any) string {
	switch d := x.(type) {
	case nil:
		return ""
	case time.Duration:
		return CompactDuration(d)
	case string:
		if v, err := ParseDuration(d); err == nil {
			return CompactDuration(v)
		}
		return d
	}
	return CompactDuration(time.Duration(LeadingNumber(x) * float64(time.Second)))
}

func bytesText(x any) string {
	if x == nil {
		return ""
	}
	return humanBytes(LeadingNumber(x))
}

func numberText(x any) string {
	if x == nil {
		return ""
	}
	return formatNumber(LeadingNumber(x))
}

func defaultOf(x, y any) any {
	if x == nil || x == "" {
		return y
	}
	return x
}

func ipOf(x any) any {
	a, ok := parseAddr(x)
	if !ok {
		return nil
	}
	return a.String()
}

func cidrContains(prefix, x any) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(ToString(prefix)))
	if err != nil {
		if a, ok := parseAddr(prefix); ok { // a bare address: itself
			b, ok := parseAddr(x)
			return ok && a == b
		}
		return false
	}
	a, ok := parseAddr(x)
	return ok && p.Masked().Contains(a)
}

func sameSubnet(x, y, bits any) bool {
	a, ok1 := parseAddr(x)
	b, ok2 := parseAddr(y)
	if !ok1 || !ok2 || a.Is4() != b.Is4() {
		return false
	}
	n, ok := prefixBits(bits)
	if !ok {
		return false
	}
	pa, err1 := a.Prefix(n)
	pb, err2 := b.Prefix(n)
	return err1 == nil && err2 == nil && pa == pb
}

// parseTimeFunc is parse_time(s, layout): times without a zone are read
// in the bundle's zone, a syslog time gets the collection's year.
func parseTimeFunc(sc Scope) any {
	loc, ref := sc.Zone(), sc.End()
	return func(s, layout any) (any, error) {
		name := ToString(layout)
		l, ok := TimeLayouts[name]
		if !ok {
			return nil, fmt.Errorf("parse_time: no layout %q", name)
		}
		txt := strings.Join(strings.Fields(ToString(s)), " ")
		if txt == "" {
			return nil, nil
		}
		if name == "epoch" {
			f, err := strconv.ParseFloat(txt, 64)
			if err != nil {
				return nil, nil
			}
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(frac*1e9)).In(loc), nil
		}
		if name == "ctime" || name == "syslog" {
			// Days are space-padded in the source; fields were joined by one space.
			l = strings.ReplaceAll(l, "_2", "2")
		}
		t, err := time.ParseInLocation(l, txt, loc)
		if err != nil {
			return nil, nil
		}
		if name == "syslog" {
			y := ref.In(loc).Year()
			t = time.Date(y, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
			if !ref.IsZero() && t.After(ref.Add(24*time.Hour)) {
				t = t.AddDate(-1, 0, 0)
			}
		}
		return t, nil
	}
}

// CountPhrase is count_phrase, times in loc: "once, at T" / "N times between A and B" / "" for none.
func CountPhrase(n, first, last any, loc *time.Location) string {
	k := int(LeadingNumber(n))
	f, l := FormatValue(first, loc), FormatValue(last, loc)
	switch {
	case k <= 0:
		return ""
	case k == 1 && f != "":
		return "once, at " + f
	case k == 1:
		return "once"
	case f == "":
		return strconv.Itoa(k) + " times"
	case l == "" || l == f:
		return strconv.Itoa(k) + " times at " + f
	}
	return strconv.Itoa(k) + " times between " + f + " and " + l
}

// joinList: "a", "a and b", "a, b and c"; nils and "" are left out.
func joinList(x any, conj string, loc *time.Location) string {
	var items []string
	switch v := x.(type) {
	case []any:
		for _, y := range v {
			if s := FormatValue(y, loc); s != "" {
				items = append(items, s)
			}
		}
	case []string:
		for _, s := range v {
			if s != "" {
				items = append(items, s)
			}
		}
	default:
		return FormatValue(x, loc)
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// humanBytes: 900 B, 512 KiB, 70 MiB, 1.5 GiB (one decimal under 10).
func humanBytes(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for math.Abs(n) >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 || math.Abs(n) >= 10 || n == math.Trunc(n) {
		return strconv.FormatFloat(math.Trunc(n), 'f', 0, 64) + " " + units[i]
	}
	return strconv.FormatFloat(math.Trunc(n*10)/10, 'f', -1, 64) + " " + units[i]
}

// formatNumber groups thousands: 48,213; fractions as written (0.5).
func formatNumber(f float64) string {
	s := formatFloat(f)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) > 4 && !strings.ContainsAny(intPart, "e+") {
		var b strings.Builder
		for i, c := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		intPart = b.String()
	}
	if neg {
		return "-" + intPart + frac
	}
	return intPart + frac
}

// parseAddr finds an IP address in a value: "10.0.0.1", "10.0.0.1:443",
// "[::1]:22", "::ffff:10.0.0.1" (as 10.0.0.1), "fe80::1%eth0".
func parseAddr(x any) (netip.Addr, bool) {
	s := strings.TrimSpace(ToString(x))
	if s == "" {
		return netip.Addr{}, false
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	s = strings.Trim(s, "[]")
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 && strings.Count(s, ":") == 1 {
		if a, err := netip.ParseAddr(s[:i]); err == nil {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// prefixBits reads 24, "24", "/24" or a mask "255.255.255.0".
func prefixBits(x any) (int, bool) {
	switch v := x.(type) {
	case int:
		return v, v >= 0 && v <= 128
	case float64:
		return int(v), v >= 0 && v <= 128
	}
	s := strings.TrimPrefix(strings.TrimSpace(ToString(x)), "/")
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 0 && n <= 128
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
		b := a.As4()
		u := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		n := 0
		for u&0x80000000 != 0 {
			n++
			u <<= 1
		}
		return n, u == 0
	}
	return 0, false
}

// wrapFunc is wrap(x, before[, after]), the text helper for an optional
// piece of a sentence: before + x + after when x has a value, "" when x
// is nil, "" or an empty list, so that a text need not write
// `x != "" ? " (" + x + ")" : ""`. x prints as a text's hole does.
func wrapFunc(sc Scope) any {
	loc := sc.Display()
	return func(args ...any) (string, error) {
		if len(args) < 2 || len(args) > 3 {
			return "", fmt.Errorf("wrap takes a value, the text before it and optionally the text after it")
		}
		s := FormatValue(args[0], loc)
		if s == "" {
			return "", nil
		}
		after := ""
		if len(args) == 3 {
			after = ToString(args[2])
		}
		return ToString(args[1]) + s + after, nil
	}
}

// The span a log covers, written once: from its oldest line to the
// collection (a live log is silent, not ended, until it is collected), or
// to its newest line (docs/profiles.md, "Helpers"). It knows nothing of
// a product.

// logSpanFunc is log_span(globs[, end]): [from, to], where from is the
// oldest line time of the first glob whose members have one and to is end
// when end is set, else the newest line time of the first glob that has
// one. A glob may be given alone, as a string.
func logSpanFunc(s Scope) any {
	return func(args ...any) ([]any, error) { return logSpan(s, args...) }
}

func logSpan(s Scope, args ...any) ([]any, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, fmt.Errorf("log_span takes a list of globs and optionally the end")
	}
	var globs []any
	switch g := args[0].(type) {
	case []any:
		globs = g
	case string:
		globs = []any{g}
	default:
		return nil, fmt.Errorf("log_span: the globs must be a list of strings, not %T", args[0])
	}
	first := func(f func(any) (any, error)) (any, error) {
		for _, g := range globs {
			t, err := f(g)
			if err != nil {
				return nil, err
			}
			if t != nil {
				return t, nil
			}
		}
		return nil, nil
	}
	from, err := first(s.Oldest)
	if err != nil {
		return nil, err
	}
	var end any
	if len(args) == 2 {
		end = args[1]
	}
	if end == nil {
		if end, err = first(s.Newest); err != nil {
			return nil, err
		}
	}
	return []any{from, end}, nil
}
