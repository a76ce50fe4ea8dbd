package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
)

// progress shows the collector's per-item lines on stderr. On a terminal
// the item lines overwrite each other as a one-line bar ("[12/38] ...");
// lines reporting a problem (marked "!") and other messages stay. Off a
// terminal every line is printed as it comes.
type progress struct {
	e       *env
	mu      sync.Mutex
	buf     []byte
	pending bool // a bar line is on screen
}

func newProgress(e *env) *progress { return &progress{e: e} }

// Write implements io.Writer.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		p.line(string(p.buf[:i]))
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

func (p *progress) line(l string) {
	w := p.e.stderr
	if !p.e.tty {
		fmt.Fprintln(w, l)
		return
	}
	isItem := strings.HasPrefix(l, "[") && strings.Contains(l, "/")
	if p.pending {
		fmt.Fprint(w, "\r\x1b[K")
		p.pending = false
	}
	if !isItem || strings.Contains(l, " ! ") {
		fmt.Fprintln(w, l)
		return
	}
	width := p.e.width()
	if len(l) > width-1 {
		l = l[:width-1]
	}
	fmt.Fprint(w, l)
	p.pending = true
}

// finish ends the bar line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.line(string(p.buf))
		p.buf = nil
	}
	if p.pending {
		fmt.Fprint(p.e.stderr, "\r\x1b[K")
		p.pending = false
	}
}
