package analyze

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"casefile/profiles"
)

// Text helpers and the address and time functions of the profile
// language (profiles.AnalyzeFuncs; docs/profiles.md, "Texts"). They are
// written once here so that profiles do not assemble prose with
// operators. Arguments are untyped: a nil fact never makes a call fail.

// addHelpers binds the helpers for expressions over bundles in zone loc,
// collected at ref (the year of a syslog time). Helpers that print a time
// print it in display, the report's one zone (--timezone); loc is only
// for reading times that carry no zone.
func addHelpers(m map[string]any, loc, display *time.Location, ref time.Time) {
	addRecordHelpers(m)
	addListHelpers(m, display)
	addPathHelpers(m)
	addWindowHelpers(m)
	addSpanHelpers(m)
	m["count_phrase"] = func(n, first, last any) string { return countPhrase(n, first, last, display) }
	m["plural"] = func(args ...any) (string, error) {
		if len(args) < 2 || len(args) > 3 {
			return "", fmt.Errorf("plural takes a number, a word and optionally its plural")
		}
		n := leadingNumber(args[0])
		word := toString(args[1])
		words := word + "s"
		if len(args) == 3 {
			words = toString(args[2])
		}
		if n == 1 {
			return "1 " + word, nil
		}
		return formatNumber(n) + " " + words, nil
	}
	m["and_list"] = func(x any) string { return joinList(x, "and", display) }
	m["or_list"] = func(x any) string { return joinList(x, "or", display) }
	m["elapsed"] = func(x any) string {
		switch d := x.(type) {
		case nil:
			return ""
		case time.Duration:
			return compactDuration(d)
		case string:
			if v, err := profiles.ParseDuration(d); err == nil {
				return compactDuration(v)
			}
			return d
		}
		return compactDuration(time.Duration(leadingNumber(x) * float64(time.Second)))
	}
	m["clock"] = func(t any) string {
		tt, ok := t.(time.Time)
		if !ok || tt.IsZero() {
			return ""
		}
		return tt.In(display).Format("15:04:05")
	}
	m["bytes"] = func(x any) string {
		if x == nil {
			return ""
		}
		return humanBytes(leadingNumber(x))
	}
	m["number"] = func(x any) string {
		if x == nil {
			return ""
		}
		return formatNumber(leadingNumber(x))
	}
	m["wrap"] = wrapHelper(display)
	m["default"] = func(x, y any) any {
		if x == nil || x == "" {
			return y
		}
		return x
	}
	m["ip"] = func(x any) any {
		a, ok := parseAddr(x)
		if !ok {
			return nil
		}
		return a.String()
	}
	m["cidr_contains"] = func(prefix, x any) bool {
		p, err := netip.ParsePrefix(strings.TrimSpace(toString(prefix)))
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
	m["same_subnet"] = func(x, y, bits any) bool {
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
	m["parse_time"] = func(s, layout any) (any, error) {
		name := toString(layout)
		l, ok := profiles.TimeLayouts[name]
		if !ok {
			return nil, fmt.Errorf("parse_time: no layout %q", name)
		}
		txt := strings.Join(strings.Fields(toString(s)), " ")
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

// countPhrase: "once, at T" / "N times between A and B" / "" for none.
func countPhrase(n, first, last any, loc *time.Location) string {
	k := int(leadingNumber(n))
	f, l := formatValue(first, loc), formatValue(last, loc)
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
			if s := formatValue(y, loc); s != "" {
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
		return formatValue(x, loc)
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
	s := strings.TrimSpace(toString(x))
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
	s := strings.TrimPrefix(strings.TrimSpace(toString(x)), "/")
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

// textNames binds profiles.TextNames for a finding: the count phrase of
// its hits and the rule's own thresholds.
func textNames(env map[string]any, r *profiles.Rule, loc *time.Location) {
	env["occurrences"] = countPhrase(env["hits"], env["first_seen"], env["last_seen"], loc)
	env["min"], env["within"] = nil, nil
	switch k := r.Kind.(type) {
	case *profiles.MatchSpec:
		n := k.Min
		if n <= 0 {
			n = 1
		}
		env["min"] = n
		if k.Within.Duration > 0 {
			env["within"] = compactDuration(k.Within.Duration)
		}
	case *profiles.SequenceSpec:
		if k.Within.Duration > 0 {
			env["within"] = compactDuration(k.Within.Duration)
		}
	}
}

// renderTitle renders the first title_when entry that holds, else the
// title.
func renderTitle(prof *profiles.Profile, r *profiles.Rule, env map[string]any, loc *time.Location) (string, error) {
	for i := range r.TitleWhen {
		tw := &r.TitleWhen[i]
		ok, err := truth(&tw.When, env)
		if err != nil {
			return "", exprError(prof, &tw.When, "title_when", err)
		}
		if ok {
			return renderText(prof, &tw.Title, env, loc)
		}
	}
	return renderText(prof, &r.Title, env, loc)
}

// joinNote adds a note's text: a paragraph, or inline a sentence of the
// paragraph before.
func joinNote(a, b string, inline bool) string {
	if !inline || a == "" || b == "" {
		return joinPara(a, b)
	}
	return a + " " + b
}
