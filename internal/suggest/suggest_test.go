package suggest

import "testing"

func TestNearest(t *testing.T) {
	profiles := []string{"fsigk", "ipsec", "samhain", "sms", "tfst"}
	rules := []string{"tfst.fd-exhaustion", "tfst.closewait-buildup", "sms.active-active"}
	for _, c := range []struct {
		name  string
		cands []string
		want  string
	}{
		{"tsft", profiles, "tfst"},       // transposition
		{"samhian", profiles, "samhain"}, // transposition
		{"IPSEC", profiles, "ipsec"},     // case
		{"smx", profiles, "sms"},
		{"nginx", profiles, ""}, // nothing close
		{"", profiles, ""},
		{"tfst.fd-exhaustoin", rules, "tfst.fd-exhaustion"},
		{"fd-exhaustion", rules, "tfst.fd-exhaustion"}, // id without its profile
		{"tfst.closewait", rules, ""},
	} {
		if got := Nearest(c.name, c.cands); got != c.want {
			t.Errorf("Nearest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	if h := Hint("tsft", profiles); h != " (did you mean tfst?)" {
		t.Errorf("Hint = %q", h)
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"ab", "ba", 1}, {"flaw", "lawn", 2},
	} {
		if got := distance(c.a, c.b); got != c.d {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
