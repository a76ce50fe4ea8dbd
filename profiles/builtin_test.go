package profiles

import "testing"

// TestBuiltinProfilesValidate loads every embedded profile: a profile that
// does not validate fails here with file:line and the reason.
func TestBuiltinProfilesValidate(t *testing.T) {
	if _, err := HostProfile(); err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		p, err := Builtin(name)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if p.Name != name {
			t.Errorf("%s.yaml: name is %q, want %q", name, p.Name, name)
		}
	}
}
