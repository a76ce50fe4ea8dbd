package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"

	"casefile/collect"
)

// progress shows the collector's per-item lines on stderr. On a terminal
// the item lines overwrite each other as a one-line bar ("[12/38] ...");
// while an item runs the bar names it with the time it has taken so far
// (and, for files, how much has been read), so a slow command or a large
// log is visible as it happens. Lines reporting a problem (marked "!")
// and other messages stay. Off a terminal every line is printed as it
// comes.
type progress struct {
	e       *env
	mu      sync.Mutex
	buf     []byte
	pending bool // a bar line is on screen

	now     func() time.Time
	cur     *runningItem // the item being collected (terminal only)
	stop    chan struct{}
	stopped chan struct{}
}

// runningItem is what the bar shows while an item runs.
type runningItem struct {
	index, total int
	id, kind     string
	read         func() int64
	start        time.Time
}

// tickEvery is how often the running item's line is redrawn.
const tickEvery = 250 * time.Millisecond

func newProgress(e *env) *progress { return &progress{e: e, now: time.Now} }

// StartItem implements collect.ItemProgress: the bar shows the item now
// running, and a ticker keeps its elapsed time (and bytes read) current.
func (p *progress) StartItem(index, total int, id, kind string, read func() int64) {
	if !p.e.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur = &runningItem{index: index, total: total, id: id, kind: kind, read: read, start: p.now()}
	p.drawRunning()
	if p.stop == nil {
		stop, stopped := make(chan struct{}), make(chan struct{})
		p.stop, p.stopped = stop, stopped
		go func() {
			defer close(stopped)
			t := time.NewTicker(tickEvery)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					p.tick()
				}
			}
		}()
	}
}

// tick redraws the running item's line.
func (p *progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur != nil {
		p.drawRunning()
	}
}

// drawRunning shows "[12/38] host.uname command  running 3.2s" (with
// ", 12.0 MiB read" once a file item has read a MiB).
func (p *progress) drawRunning() {
	r := p.cur
	l := fmt.Sprintf("[%*d/%d] %-28s %-7s running %.1fs", len(fmt.Sprint(r.total)), r.index, r.total, r.id, r.kind, p.now().Sub(r.start).Seconds())
	if n := r.read(); n >= 1<<20 {
		l += fmt.Sprintf(", %s read", collect.HumanSize(n))
	}
	p.bar(l)
}

// bar puts l on the bar line, replacing what was there.
func (p *progress) bar(l string) {
	w := p.e.stderr
	if p.pending {
		fmt.Fprint(w, "\r\x1b[K")
	}
	width := p.e.width()
	if len(l) > width-1 {
		l = l[:width-1]
	}
	fmt.Fprint(w, l)
	p.pending = true
}

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
	if isItem {
		p.cur = nil // the item ended: its line replaces the running one
	}
	if !isItem || strings.Contains(l, " ! ") {
		if p.pending {
			fmt.Fprint(w, "\r\x1b[K")
			p.pending = false
		}
		fmt.Fprintln(w, l)
		return
	}
	p.bar(l)
}

// finish ends the bar line.
func (p *progress) finish() {
	p.mu.Lock()
	stop, stopped := p.stop, p.stopped
	p.stop = nil
	p.cur = nil
	p.mu.Unlock()
	if stop != nil {
		close(stop)
		<-stopped
	}
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
