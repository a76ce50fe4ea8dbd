package analyze

import (
	"context"
	"fmt"
	"io"

	"casefile/analyze/input"
	"casefile/profiles"
	"sort"
	"strings"
	"sync"
	"time"
)

// A log's time zone (docs/profiles.md, "A log's time zone"): times
// without a zone are read in the log's zone (its logs entry's
// timezone: a zone name, or a fact; else the host's), and a zone
// abbreviation after the time stamp ("2024-03-01 10:00:00.123 CET") is
// resolved: exactly when it is one of the log's zone's own (CET and
// CEST in Europe/Berlin) or UTC/GMT; by its one offset when it is a
// well-known unambiguous one of another zone (JST in a Berlin log:
// noted); an ambiguous one (IST, CST) is noted and its line read in
// the log's zone. Notes name the file and the abbreviation, in the
// coverage of the rules reading it.

// universalAbbrevs mean UTC whatever the zone.
var universalAbbrevs = map[string]bool{"UTC": true, "GMT": true, "UT": true}

// knownAbbrevs are abbreviations with one offset (seconds east of UTC)
// in current use.
var knownAbbrevs = map[string]int{
	"WET": 0, "WEST": 3600, "CET": 3600, "CEST": 7200, "MET": 3600, "MEST": 7200,
	"EET": 7200, "EEST": 10800, "MSK": 10800, "PKT": 5 * 3600, "WIB": 7 * 3600,
	"HKT": 8 * 3600, "SGT": 8 * 3600, "AWST": 8 * 3600, "JST": 9 * 3600, "KST": 9 * 3600,
	"ACST": 9*3600 + 1800, "ACDT": 10*3600 + 1800, "AEST": 10 * 3600, "AEDT": 11 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600, "HST": -10 * 3600, "AKST": -9 * 3600, "AKDT": -8 * 3600,
	"PST": -8 * 3600, "PDT": -7 * 3600, "MST": -7 * 3600, "MDT": -6 * 3600,
	"EST": -5 * 3600, "EDT": -4 * 3600, "NST": -3*3600 - 1800, "NDT": -2*3600 - 1800,
}

// ambiguousAbbrevs name several zones; what they stand for.
var ambiguousAbbrevs = map[string]string{
	"IST": "India, Ireland or Israel", "CST": "US Central, China or Cuba", "CDT": "US Central or Cuba",
	"BST": "British Summer or Bangladesh", "AST": "Atlantic or Arabia", "ADT": "Atlantic or Arabia",
	"GST": "Gulf or South Georgia", "SST": "Samoa or Singapore",
}

// zoneAbbrevs are a zone's own abbreviations and their offsets; an
// abbreviation the zone used with several offsets maps to none (-1
// in multi).
type zoneAbbrevs struct {
	off   map[string]int
	multi map[string]bool
}

var zoneAbbrevCache sync.Map // *time.Location -> *zoneAbbrevs

// abbrevsOf probes a zone's abbreviations from 1970 to 2037, twice a
// year (winter and summer).
func abbrevsOf(loc *time.Location) *zoneAbbrevs {
	if v, ok := zoneAbbrevCache.Load(loc); ok {
		return v.(*zoneAbbrevs)
	}
	z := &zoneAbbrevs{off: map[string]int{}, multi: map[string]bool{}}
	for y := 1970; y <= 2037; y++ {
		for _, mo := range []time.Month{time.January, time.July} {
			name, off := time.Date(y, mo, 15, 12, 0, 0, 0, loc).Zone()
			if !isAbbrev(name) {
				continue
			}
			if o, ok := z.off[name]; ok && o != off {
				z.multi[name] = true
			}
			z.off[name] = off
		}
	}
	zoneAbbrevCache.Store(loc, z)
	return z
}

// isAbbrev: 2 to 5 capital letters.
func isAbbrev(s string) bool {
	if len(s) < 2 || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// zoneState is a member's zone: its abbreviations (zoneLookup, shared
// by the members read in one zone) and the ones its lines used that need
// a note (shared by the workers).
type zoneState struct {
	*zoneLookup
	mu    sync.Mutex
	notes map[string]string
}

// zoneLookup is what reading abbreviations in a zone needs: one per
// zone, not per member (a bundle of 10,000 logs made 10,000).
type zoneLookup struct {
	loc   *time.Location
	own   *zoneAbbrevs
	fixed sync.Map // abbreviation -> *time.Location (FixedZone)
}

// zoneLookups caches the zoneLookup of each zone.
var zoneLookups sync.Map

func newZoneState(loc *time.Location) *zoneState {
	if v, ok := zoneLookups.Load(loc); ok {
		return &zoneState{zoneLookup: v.(*zoneLookup)}
	}
	v, _ := zoneLookups.LoadOrStore(loc, &zoneLookup{loc: loc, own: abbrevsOf(loc)})
	return &zoneState{zoneLookup: v.(*zoneLookup)}
}

// fixedZone is a fixed zone named abbr (one per abbreviation).
func (z *zoneLookup) fixedZone(abbr string, off int) *time.Location {
	if v, ok := z.fixed.Load(abbr); ok {
		return v.(*time.Location)
	}
	l := time.FixedZone(abbr, off)
	z.fixed.Store(abbr, l)
	return l
}

func (z *zoneState) note(abbr, how string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.notes == nil {
		z.notes = map[string]string{}
	}
	if _, ok := z.notes[abbr]; !ok {
		z.notes[abbr] = how
	}
}

// noteList is the member's notes, by abbreviation.
func (z *zoneState) noteList(path string) []string {
	if z == nil {
		return nil
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	var out []string
	for abbr, how := range z.notes {
		out = append(out, fmt.Sprintf("%s: zone abbreviation %s %s", oneLine(path), abbr, how))
	}
	sort.Strings(out)
	return out
}

// resolve reads the wall clock of a line that names zone abbr. ok
// false: abbr is no zone abbreviation casefile knows (a word: INFO),
// the line has no zone.
func (z *zoneState) resolve(abbr string, y, mo, d, h, mi, s, ns int) (time.Time, bool) {
	wall := func(loc *time.Location) time.Time {
		return time.Date(y, time.Month(mo), d, h, mi, s, ns, loc)
	}
	if off, own := z.own.off[abbr]; own {
		t := wall(z.loc)
		if name, _ := t.Zone(); name == abbr {
			return t, true
		}
		if !z.own.multi[abbr] {
			// The other side of a change of offset (the hour a clock is
			// turned back is read with the offset the line names).
			return wall(z.fixedZone(abbr, off)), true
		}
		z.note(abbr, fmt.Sprintf("had several offsets in %s: its lines are read in %s", z.loc, z.loc))
		return t, true
	}
	if universalAbbrevs[abbr] {
		return wall(time.UTC), true
	}
	if off, ok := knownAbbrevs[abbr]; ok {
		z.note(abbr, fmt.Sprintf("is not one of %s's: its lines are read as %s", z.loc, offsetName(off)))
		return wall(z.fixedZone(abbr, off)), true
	}
	if what, ok := ambiguousAbbrevs[abbr]; ok {
		z.note(abbr, fmt.Sprintf("is ambiguous (%s) and not one of %s's: its lines are read in %s", what, z.loc, z.loc))
		return wall(z.loc), true
	}
	return time.Time{}, false
}

// knows reports whether resolve reads abbr as a zone.
func (z *zoneState) knows(abbr []byte) bool {
	if _, ok := z.own.off[string(abbr)]; ok {
		return true
	}
	if _, ok := knownAbbrevs[string(abbr)]; ok {
		return true
	}
	if _, ok := ambiguousAbbrevs[string(abbr)]; ok {
		return true
	}
	return universalAbbrevs[string(abbr)]
}

// offsetName writes an offset as UTC+09:00.
func offsetName(off int) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, off/3600, off%3600/60)
}

// abbrevAt reads " ABBR" at b[i:] (2 to 5 capital letters ending the
// line or followed by a character that is no letter or digit) and
// resolves it; end is the index after it.
func (c *timeCtx) abbrevAt(b []byte, i int, y, mo, d, h, mi, s, ns int) (t time.Time, end int, ok bool) {
	if c.zs == nil || i >= len(b) || b[i] != ' ' {
		return time.Time{}, i, false
	}
	j := i + 1
	for j < len(b) && j-i-1 < 6 && b[j] >= 'A' && b[j] <= 'Z' {
		j++
	}
	n := j - i - 1
	if n < 2 || n > 5 || j < len(b) && (b[j] >= 'a' && b[j] <= 'z' || b[j] >= '0' && b[j] <= '9' || b[j] >= 'A' && b[j] <= 'Z') {
		return time.Time{}, i, false
	}
	if !c.zs.knows(b[i+1 : j]) {
		return time.Time{}, i, false // a word (INFO, WARN): no allocation on every line
	}
	t, ok = c.zs.resolve(string(b[i+1:j]), y, mo, d, h, mi, s, ns)
	if !ok {
		return time.Time{}, i, false
	}
	return t, j, true
}

// fabricated re-reads a time a Go layout with a zone abbreviation
// (MST) parsed: Go gives an abbreviation the location does not know a
// made-up zone of offset 0, which would read the line as UTC.
func (c *timeCtx) fabricated(t time.Time) time.Time {
	if c.zs == nil || t.Location() == c.loc || t.Location() == time.UTC {
		return t
	}
	name, off := t.Zone()
	if off != 0 || t.Location().String() != name || !isAbbrev(name) {
		return t
	}
	if r, ok := c.zs.resolve(name, t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()); ok {
		return r
	}
	c.zs.note(name, fmt.Sprintf("is not known: its lines are read in %s", c.loc))
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.loc)
}

// logZoneOf is the zone of a member's times without one: its logs
// entry's timezone (a zone name, or the bundle's value of the fact it
// names), else the bundle's.
func (b *bundleState) logZoneOf(spec *logSpec) *time.Location {
	if spec == nil || spec.spec == nil {
		return b.loc
	}
	if z, ok := b.logZones[spec]; ok {
		return z
	}
	if tz := spec.spec.Timezone; tz != "" && profiles.ZoneFact(tz) == "" {
		if v, ok := literalZones.Load(tz); ok {
			return v.(*time.Location)
		}
		if z, err := profiles.LoadZone(tz); err == nil {
			literalZones.Store(tz, z)
			return z
		}
	}
	return b.loc
}

// literalZones caches the zones profiles name.
var literalZones sync.Map

// zoneNotesOf are the zone notes of a member.
func (b *bundleState) zoneNotesOf(path string) []string {
	m := b.memberOf(path)
	if m == nil {
		return nil
	}
	out := m.tc.zs.noteList(path)
	if n := b.zoneNotes[m.spec]; n != "" {
		out = append(out, n)
	}
	return out
}

// zoneFactLogs are the plan's logs entries whose timezone names a fact.
func (p *plan) zoneFactLogs() []*logSpec {
	var out []*logSpec
	for _, l := range p.logs {
		if profiles.ZoneFact(l.spec.Timezone) != "" {
			out = append(out, l)
		}
	}
	return out
}

// zoneRewalks works out, from the facts of a first pass, the zones of
// the logs whose timezone names a fact. A bundle where one differs from
// the zone the pass read it in is returned as a fresh state with the
// zones set, to be read again (the zone decides every time of those
// logs: counts in windows, order, year inference); the others keep
// their pass and a note when the fact gave no zone.
func zoneRewalks(states []*bundleState, opts Options) []*bundleState {
	var again []*bundleState
	for i, b := range states {
		logs := b.plan.zoneFactLogs()
		if len(logs) == 0 {
			continue
		}
		e := &evaluator{opts: opts, capped: map[string]int{}}
		e.prepare(b)
		e.evalFacts(b)
		zones := map[*logSpec]*time.Location{}
		notes := map[*logSpec]string{}
		differs := false
		for _, l := range logs {
			name := profiles.ZoneFact(l.spec.Timezone)
			files := strings.Join(l.spec.Files, ", ")
			v, _ := b.facts[name].(string)
			if strings.TrimSpace(v) == "" {
				notes[l] = fmt.Sprintf("timezone fact %s has no value: %s read in %s", name, files, b.loc)
				continue
			}
			z, err := profiles.LoadZone(v)
			if err != nil {
				notes[l] = fmt.Sprintf("timezone fact %s: %v: %s read in %s", name, err, files, b.loc)
				continue
			}
			zones[l] = z
			if z.String() != b.loc.String() {
				differs = true
			}
		}
		if !differs {
			b.zoneNotes = notes
			continue
		}
		nb := &bundleState{idx: b.idx, src: b.src, in: b.in, name: b.name, manifest: b.manifest, loc: b.loc, ref: b.ref,
			plan: b.plan, group: b.group, logZones: zones, zoneNotes: notes}
		nb.slots = make([]slotStore, len(b.plan.slots))
		for k, x := range b.group.bundles {
			if x == b {
				b.group.bundles[k] = nb
			}
		}
		states[i] = nb
		again = append(again, nb)
	}
	return again
}

// rewalkZones reads again, with their zones, the bundles zoneRewalks
// finds read in the wrong zone (the pass of Run, one input at a time),
// and releases the inputs the pass kept for it.
func rewalkZones(ctx context.Context, states []*bundleState, opts Options, now time.Time, mine *mineRun) error {
	again := zoneRewalks(states, opts)
	if len(again) > 0 {
		sc := newScanner(opts.Workers)
		if mine != nil {
			// The bundles read again are mined again, into the run's
			// templates (what the first reading mined is dropped with
			// its bundle state).
			sc.observers = append(sc.observers, mineObserver{})
			sc.mine = mine
		}
		var firstErr error
		for _, b := range again {
			ver, err := b.src.Walk(ctx, func(m input.Member, r io.Reader) error {
				if m.Original != "" {
					b.noteReadAs(m)
				}
				ms := sc.setup(b, m, now)
				if ms == nil {
					return nil
				}
				return sc.read(ctx, ms, r)
			})
			if err != nil {
				firstErr = err
				break
			}
			b.ver = ver
		}
		sc.close()
		if firstErr != nil {
			return firstErr
		}
		for _, b := range again {
			sc.endBundle(b)
		}
	}
	for _, b := range states {
		if in := b.src.Input(); in != nil && len(b.plan.zoneFactLogs()) > 0 {
			in.Release()
		}
	}
	return nil
}
