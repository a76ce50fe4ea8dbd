package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// TestJSONStreamed: a report of many unexplained templates, written one
// entry at a time, is byte for byte what one encoding of it writes
// (text that needs escaping, times, empty and full lists alike).
func TestJSONStreamed(t *testing.T) {
	tm := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	r := &Report{SchemaVersion: SchemaVersion, GeneratedAt: tm, Zone: "UTC",
		Logs: []LogCoverage{{Bundle: "b", File: "f", Lines: 3}}}
	for i := 0; i < 2*streamUnexplained+3; i++ {
		u := Unexplained{ID: fmt.Sprint("T", i), Template: fmt.Sprintf("<a & \"b\"> %d \x00 \u2028", i), Bundle: "b", File: "f", Count: i,
			Example: Evidence{Bundle: "b", File: "f", Line: i + 1, Text: "x\ty"}, Score: i % 7, Reasons: []string{}}
		if i%2 == 0 {
			u.FirstSeen, u.LastSeen, u.NearIncident = &tm, &tm, true
			u.Reasons = []string{"rare: 1 line"}
		}
		r.Unexplained = append(r.Unexplained, u)
	}
	// Many logs, and bundles of many items (and one of few) before them.
	for i := 0; i < streamUnexplained+5; i++ {
		r.Logs = append(r.Logs, LogCoverage{Bundle: "b", File: fmt.Sprintf("f<%d>\x00", i), Lines: i, Unknown: i%3 == 0, Cap: 2000})
	}
	for k, n := range []int{streamUnexplained + 1, 2, 2 * streamUnexplained} {
		b := Bundle{Name: fmt.Sprint("b", k), Integrity: Integrity{Status: "ok"}}
		for i := range n {
			it := Item{ID: fmt.Sprint("i", i), Kind: "file", Source: "/x & y", Size: int64(i)}
			if i%2 == 0 {
				it.Stored = []string{"files/x", "files/y"}
				it.Redactions = map[string]int{"pw": i}
			}
			b.Items = append(b.Items, it)
		}
		r.Bundles = append(r.Bundles, b)
	}
	missed := streamMissed
	var got bytes.Buffer
	if err := WriteJSON(&got, r); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(normalized(r)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		i := 0
		for i < min(got.Len(), want.Len()) && got.Bytes()[i] == want.Bytes()[i] {
			i++
		}
		t.Fatalf("streamed JSON differs at byte %d:\n%q\nwant\n%q", i, got.Bytes()[max(0, i-80):min(got.Len(), i+80)], want.Bytes()[max(0, i-80):min(want.Len(), i+80)])
	}
	if len(r.Unexplained) != 2*streamUnexplained+3 || r.Unexplained[0].ID != "T0" || len(r.Logs) != streamUnexplained+6 ||
		len(r.Bundles[0].Items) != streamUnexplained+1 || r.Bundles[2].Items[0].ID != "i0" {
		t.Error("WriteJSON changed the report")
	}
	if streamMissed != missed {
		t.Error("WriteJSON did not find a list's mark: it wrote the report in one piece")
	}
}
