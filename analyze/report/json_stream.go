package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// streamUnexplained is how many unexplained templates a report holds
// before WriteJSON writes them one at a time (a report of a bundle of
// thousands of logs may hold tens of thousands: encoded and indented in
// one piece they took twice their size at once).
const streamUnexplained = 256

// unexplainedMark stands for the unexplained list in the encoded report
// while its entries are written one at a time; an ID no template has (its
// NUL bytes are escaped in the output, so no text of a report can spell
// the mark's encoding).
const unexplainedMark = "\x00unexplained\x00"

// writeJSONStreamed writes the normalized report c as WriteJSON does,
// byte for byte, encoding its unexplained entries one at a time: the
// report is encoded with one mark entry, which is replaced by the entries.
func writeJSONStreamed(w io.Writer, c *Report) error {
	list := c.Unexplained
	c.Unexplained = []Unexplained{{ID: unexplainedMark}}
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return err
	}
	// The entries of a top-level list: "    {" then lines indented by
	// "    " more than their depth, as the encoder indents them.
	mark, err := json.MarshalIndent(c.Unexplained[0], "    ", "  ")
	if err != nil {
		return err
	}
	i := bytes.Index(doc.Bytes(), mark)
	if i < 0 {
		// Not expected; the slow way keeps the output right.
		c.Unexplained = list
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(doc.Bytes()[:i])
	for k := range list {
		if k > 0 {
			bw.WriteString(",\n    ")
		}
		b, err := json.MarshalIndent(&list[k], "    ", "  ")
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.Write(doc.Bytes()[i+len(mark):])
	return bw.Flush()
}
