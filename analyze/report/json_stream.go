package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// WriteJSON writes the lists of a report that grow with its bundles'
// members (its unexplained templates, with the files of each, its logs,
// a bundle's items) one entry at a time: a report of a bundle of
// thousands of logs may hold tens of thousands of entries, and encoded
// and indented in one piece the report was in memory three times over
// (63 MB allocated to write the 7.5 MB report of a bundle of 10,000
// logs, at the run's peak of memory; issue 13).

// streamUnexplained is how many unexplained templates the tests write.
const streamUnexplained = 256

// The marks stand for the lists in the encoded report while their
// entries are written one at a time: values no entry has (their NUL
// bytes are escaped in the output, and a mark's encoding spans lines,
// which no text of a report can spell).
const (
	unexplainedMark = "\x00unexplained\x00"
	logsMark        = "\x00logs\x00"
	itemsMark       = "\x00items\x00"
)

// streamMissed counts the reports written the slow way because a mark
// was not found (tests: never).
var streamMissed int

// streamed is a list written one entry at a time: the encoding of its
// mark entry (at the indentation of its entries) and of each entry.
type streamed struct {
	mark  []byte
	n     int
	entry func(enc *json.Encoder, k int) error
	// restore puts the list back in the report (the slow way).
	restore func()
}

// streamList replaces *list by one mark entry in the report to encode.
func streamList[T any](list *[]T, mark T, prefix string) (streamed, error) {
	all := *list
	m, err := json.MarshalIndent(&mark, prefix, "  ")
	if err != nil {
		return streamed{}, err
	}
	*list = []T{mark}
	return streamed{mark: m, n: len(all),
		entry:   func(enc *json.Encoder, k int) error { return enc.Encode(&all[k]) },
		restore: func() { *list = all },
	}, nil
}

// writeJSONStreamed writes the normalized report c as WriteJSON does,
// byte for byte, encoding the entries of its long lists one at a time:
// the report is encoded with one mark entry per list, each replaced by
// the list's entries. c's lists are its own (normalized copies them).
func writeJSONStreamed(w io.Writer, c *Report) error {
	// In the order the report holds them: bundles (their items) first,
	// then the unexplained templates and the logs.
	var lists []streamed
	add := func(s streamed, err error) error {
		if err == nil {
			lists = append(lists, s)
		}
		return err
	}
	for i := range c.Bundles {
		// A bundle's items: "bundles": [ {  "items": [ at 8 spaces.
		if its := &c.Bundles[i].Items; len(*its) > 0 {
			if err := add(streamList(its, Item{ID: itemsMark}, "        ")); err != nil {
				return err
			}
		}
	}
	if len(c.Unexplained) > 0 {
		if err := add(streamList(&c.Unexplained, Unexplained{ID: unexplainedMark}, "    ")); err != nil {
			return err
		}
	}
	if len(c.Logs) > 0 {
		if err := add(streamList(&c.Logs, LogCoverage{Bundle: logsMark}, "    ")); err != nil {
			return err
		}
	}
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return err
	}
	at := make([]int, len(lists))
	from := 0
	for k, l := range lists {
		i := bytes.Index(doc.Bytes()[from:], l.mark)
		if i < 0 {
			// Not expected; the slow way keeps the output right.
			streamMissed++
			for _, l := range lists {
				l.restore()
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(c)
		}
		at[k] = from + i
		from += i + len(l.mark)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var eb bytes.Buffer
	prev := 0
	for k, l := range lists {
		bw.Write(doc.Bytes()[prev:at[k]])
		// The entries of a list at the mark's indentation: "{" then
		// lines indented by the prefix and their depth, as the encoder
		// indents them; Encode ends each with a newline, not written.
		prefix := doc.Bytes()[bytes.LastIndexByte(doc.Bytes()[:at[k]], '\n')+1 : at[k]]
		ee := json.NewEncoder(&eb)
		ee.SetIndent(string(prefix), "  ")
		for j := range l.n {
			if j > 0 {
				bw.WriteString(",\n")
				bw.Write(prefix)
			}
			eb.Reset()
			if err := l.entry(ee, j); err != nil {
				return err
			}
			bw.Write(eb.Bytes()[:eb.Len()-1])
		}
		prev = at[k] + len(l.mark)
	}
	bw.Write(doc.Bytes()[prev:])
	return bw.Flush()
}
