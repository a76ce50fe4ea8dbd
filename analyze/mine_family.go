package analyze

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"casefile/analyze/report"
)

// The unexplained list has one entry per template per log family of a
// bundle: the log and its rotations (epp.log, epp.log.1, epp.log.2.gz;
// logKey, in the same folder) repeat the same templates, and a bundle of
// thousands of rotated logs would list each once per file. The coverage
// lines (report.Logs) stay per file: they say what was read.

// famKey names one log family of one bundle.
type famKey struct {
	b   *bundleState
	fam string
}

// logFamily is the family of a log's path: its folder and logKey.
func logFamily(path string) string {
	return path[:strings.LastIndexByte(path, '/')+1] + logKey(path)
}

// rotationNum is a rotated log's number (epp.log.2.gz: 2; the log
// itself 0): the higher, the older.
func rotationNum(path string) int {
	m := rotationSuffix.FindStringSubmatch(path)
	if len(m) < 2 || m[1] == "" {
		return 0
	}
	n, err := strconv.Atoi(m[1][1:])
	if err != nil {
		return 0
	}
	return n
}

// famSpan is the time a family's logs cover.
type famSpan struct{ first, last time.Time }

func (s *famSpan) add(lm *logMine) {
	first, last := lm.firstT(), lm.lastT()
	if !first.IsZero() && (s.first.IsZero() || first.Before(s.first)) {
		s.first = first
	}
	if last.After(s.last) {
		s.last = last
	}
}

// minutes is the span in minutes (at least one), as logSpan.
func (s famSpan) minutes() float64 {
	return max(1, s.last.Sub(s.first).Minutes())
}

// famTemplate is one unexplained template of a family, its files' groups
// merged: counts summed, the earliest first and latest last time, the
// busiest minute of its files, the most severe level, and the example of
// the earliest line.
type famTemplate struct {
	key    famKey
	tw     tplWords
	g      tplGroup
	exFile string
	exRot  int
	files  []int32 // the members (index in the bundle's) of its files
}

// famFile is one file of a family template as entry sorts them: its
// member (the index in its bundle's members) and rotation number. A
// bundle of 10,000 logs has tens of thousands of files in its templates:
// they keep the member only (a path and a number took 24 bytes, the
// member and number 8), the number is worked out when sorted.
type famFile struct {
	m, rot int32
}

func (f *famTemplate) add(g *tplGroup, m *member) {
	path := m.path
	rot := rotationNum(path)
	f.files = append(f.files, int32(m.idx))
	if len(f.files) == 1 {
		f.g, f.exFile, f.exRot = *g, path, rot
		return
	}
	// Earlier: the earlier time read; without times, the older rotation.
	earlier := !g.first.IsZero() && (f.g.first.IsZero() || g.first.Before(f.g.first)) ||
		g.first.IsZero() && f.g.first.IsZero() && rot > f.exRot
	if earlier {
		f.g.firstLine, f.g.example, f.exFile, f.exRot = g.firstLine, g.example, path, rot
	}
	f.g.count += g.count
	if !g.first.IsZero() && (f.g.first.IsZero() || g.first.Before(f.g.first)) {
		f.g.first = g.first
	}
	if g.last.After(f.g.last) {
		f.g.last = g.last
	}
	if g.level == "ERROR" || g.level != "" && f.g.level == "" {
		f.g.level = g.level
	}
	f.g.peak = max(f.g.peak, g.peak)
}

// entry is the family's report entry: scored on the merged counts and
// times, File the newest file, Files all of them when more than one.
func (f *famTemplate) entry(e *evaluator, span famSpan) report.Unexplained {
	ms := f.key.b.members
	files := make([]famFile, len(f.files))
	for i, x := range f.files {
		files[i] = famFile{x, int32(min(rotationNum(ms[x].path), math.MaxInt32))}
	}
	slices.SortFunc(files, func(a, c famFile) int {
		return cmp.Or(cmp.Compare(a.rot, c.rot), strings.Compare(ms[a.m].path, ms[c.m].path))
	})
	u := unexplainedEntry(e, f.key.b, f.exFile, &f.g, f.tw, span.minutes())
	u.File = ms[files[0].m].path
	if len(files) > 1 {
		u.FileCount = len(files)
		u.Files = make([]string, len(files))
		for i, x := range files {
			u.Files[i] = ms[x.m].path
		}
	}
	return u
}
