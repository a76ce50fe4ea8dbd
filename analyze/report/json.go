package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes r as indented JSON, schema v1 (docs/report.schema.json).
// Lists the schema requires are written as [] when empty, never null, and
// a zero SchemaVersion is written as SchemaVersion; r itself is not
// changed. Text is written as it is in r (JSON escapes control
// characters; invalid UTF-8 becomes U+FFFD; <, > and & are escaped so the
// output is safe to embed in a page).
func WriteJSON(w io.Writer, r *Report) error {
	c := normalized(r)
	if len(c.Unexplained) > 0 || len(c.Logs) > 0 || hasItems(c) {
		return writeJSONStreamed(w, c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// normalized returns a copy of r with the required lists non-nil.
func normalized(r *Report) *Report {
	c := *r
	if c.SchemaVersion == 0 {
		c.SchemaVersion = SchemaVersion
	}
	c.Bundles = make([]Bundle, len(r.Bundles))
	for i, b := range r.Bundles {
		if b.Integrity.Problems == nil {
			b.Integrity.Problems = []Problem{}
		}
		c.Bundles[i] = b
	}
	c.Findings = make([]Finding, len(r.Findings))
	for i, f := range r.Findings {
		if f.Evidence == nil {
			f.Evidence = []Evidence{}
		}
		c.Findings[i] = f
	}
	if c.Timeline == nil {
		c.Timeline = []Event{}
	}
	if c.Coverage == nil {
		c.Coverage = []RuleCoverage{}
	}
	return &c
}

// hasItems: a bundle of r has items.
func hasItems(r *Report) bool {
	for _, b := range r.Bundles {
		if len(b.Items) > 0 {
			return true
		}
	}
	return false
}
