package analyze

import "strings"

// A finished log's templates go straight into what the report makes of
// them (buildUnexplained): the unexplained templates of its log family,
// merged as famTemplate merges them, and two numbers the log keeps (its
// templates, and the lines its benign templates cover). Before, every log
// kept its templates until the report, with an example line each: 1 KiB
// and more a log, 16 MiB of the live heap for a bundle of 10,000 logs
// (issue 13: memory flat in the number of members). A baseline snapshot
// reads every log's templates (baseline.go): then logs keep them too
// (mineRun.keepGroups).

// logTemplates is what a bundle's finished logs left for the report: the
// unexplained templates of each family, in the order first met (members
// finish in their order: mineRun.merged).
type logTemplates struct {
	byTpl map[famTpl]*famTemplate
	order []*famTemplate
	// benign are the profile's benign templates, isBenign what they say of
	// each template met.
	benign   [][]string
	isBenign map[string]bool
}

// famTpl is one template of one log family.
type famTpl struct {
	famKey
	tpl string
}

// foldLog takes the templates kept of b's finished log m.
func (b *bundleState) foldLog(m *member, kept []tplGroup) {
	lm := m.mine
	if lm.lines == 0 || !lm.isLog() {
		return // buildUnexplained skips it
	}
	t := b.tpls
	if t == nil {
		t = &logTemplates{}
		if b.plan != nil && b.plan.prof != nil {
			for _, x := range b.plan.prof.Benign {
				t.benign = append(t.benign, strings.Fields(x))
			}
		}
		b.tpls = t
	}
	if t.byTpl == nil { // a bundle read again (rewalkZones) after its end
		t.byTpl, t.isBenign = map[famTpl]*famTemplate{}, map[string]bool{}
	}
	fk := famKey{b, logFamily(m.path)}
	for i := range kept {
		g := &kept[i]
		bn, ok := t.isBenign[g.template]
		if !ok {
			bn = benignMatch(t.benign, strings.Fields(g.template))
			t.isBenign[g.template] = bn
		}
		if bn {
			lm.benign += g.count - g.matched
			continue
		}
		if g.matched > 0 {
			continue
		}
		k := famTpl{fk, g.template}
		ft := t.byTpl[k]
		if ft == nil {
			ft = &famTemplate{key: fk}
			t.byTpl[k] = ft
			t.order = append(t.order, ft)
		}
		ft.add(g, m)
	}
}
