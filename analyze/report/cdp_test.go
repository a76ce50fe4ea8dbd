//go:build !windows

package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"casefile/internal/testenv"
)

// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe
// (fd 3: commands to the browser, fd 4: replies and events, each message
// JSON ended by a NUL byte). It is enough to load a page, read the
// console, run a few expressions and take a screenshot, without a
// WebSocket library or a browser-automation dependency.

// findChromium returns the browser to test with, or skips the test.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CASEFILE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Unavailable(t, "chromium not installed (scripts/test-deps.sh installs it): HTML report not tested in a browser")
	return ""
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

type browser struct {
	t      *testing.T
	cmd    *exec.Cmd
	w      io.WriteCloser
	stderr bytes.Buffer

	mu      sync.Mutex
	nextID  int
	pending map[int]chan cdpMessage
	events  []cdpMessage
	notify  chan struct{}
	done    chan struct{}
	readErr error
}

// startBrowser runs headless Chromium with the flags this machine needs
// (no sandbox as root, no background networking that floods refusals on a
// closed network) and a throw-away profile.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	bin := findChromium(t)
	toBrowser, browserIn, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	browserOut, fromBrowser, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "--window-size=1280,900",
		"about:blank")
	b := &browser{t: t, cmd: cmd, w: browserIn, pending: map[int]chan cdpMessage{}, notify: make(chan struct{}, 1), done: make(chan struct{})}
	cmd.Stderr = &b.stderr
	cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser} // fd 3, fd 4
	if err := cmd.Start(); err != nil {
		t.Skipf("chromium (%s) does not start: %v", bin, err)
	}
	toBrowser.Close()
	fromBrowser.Close()
	go b.read(browserOut)
	t.Cleanup(b.close)
	return b
}

func (b *browser) read(r io.ReadCloser) {
	defer close(b.done)
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			for _, ch := range b.pending {
				close(ch)
			}
			b.pending = map[int]chan cdpMessage{}
			b.mu.Unlock()
			return
		}
		var m cdpMessage
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.pending[m.ID]; ok {
				ch <- m
				delete(b.pending, m.ID)
			}
		} else {
			b.events = append(b.events, m)
			select {
			case b.notify <- struct{}{}:
			default:
			}
		}
		b.mu.Unlock()
	}
}

func (b *browser) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = b.call(ctx, "", "Browser.close", nil)
	b.w.Close()
	exited := make(chan struct{})
	go func() { b.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-ctx.Done():
		b.cmd.Process.Kill()
		<-exited
	}
}

// call sends one command and waits for its reply.
func (b *browser) call(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	readErr := b.readErr
	b.mu.Unlock()
	if readErr != nil {
		return nil, fmt.Errorf("%s: browser gone: %v; stderr:\n%s", method, readErr, b.stderr.String())
	}
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	if _, err := b.w.Write(append(data, 0)); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("%s: browser closed the pipe", method)
		}
		if m.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		return m.Result, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// page is one tab, attached in flat session mode.
type page struct {
	b       *browser
	session string
}

func (b *browser) newPage(ctx context.Context) (*page, error) {
	res, err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"})
	if err != nil {
		return nil, err
	}
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := json.Unmarshal(res, &target); err != nil {
		return nil, err
	}
	res, err = b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true})
	if err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := json.Unmarshal(res, &att); err != nil {
		return nil, err
	}
	p := &page{b: b, session: att.SessionID}
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable"} {
		if _, err := p.call(ctx, m, nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *page) call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	return p.b.call(ctx, p.session, method, params)
}

// eventsSince returns this page's events from index i on.
func (p *page) eventsSince(i int) ([]cdpMessage, int) {
	p.b.mu.Lock()
	defer p.b.mu.Unlock()
	var out []cdpMessage
	for _, e := range p.b.events[i:] {
		if e.SessionID == p.session {
			out = append(out, e)
		}
	}
	return out, len(p.b.events)
}

// waitEvent waits for an event of this page named method, after index from.
func (p *page) waitEvent(ctx context.Context, from int, method string) error {
	for {
		evs, next := p.eventsSince(from)
		for _, e := range evs {
			if e.Method == method {
				return nil
			}
		}
		from = next
		select {
		case <-p.b.notify:
		case <-p.b.done:
			return fmt.Errorf("waiting for %s: browser exited; stderr:\n%s", method, p.b.stderr.String())
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", method, ctx.Err())
		}
	}
}

func (p *page) eventCount() int {
	p.b.mu.Lock()
	defer p.b.mu.Unlock()
	return len(p.b.events)
}

// navigate loads url and waits for its load event.
func (p *page) navigate(ctx context.Context, url string) error {
	from := p.eventCount()
	res, err := p.call(ctx, "Page.navigate", map[string]any{"url": url})
	if err != nil {
		return err
	}
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := json.Unmarshal(res, &nav); err == nil && nav.ErrorText != "" {
		return errors.New("navigate: " + nav.ErrorText)
	}
	return p.waitEvent(ctx, from, "Page.loadEventFired")
}

// eval runs a JavaScript expression and decodes its JSON value into out.
func (p *page) eval(ctx context.Context, expr string, out any) error {
	res, err := p.call(ctx, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true})
	if err != nil {
		return err
	}
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return fmt.Errorf("evaluating %q: %s %s", expr, r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Result.Value, out)
}

// problems lists what the page reported: console errors and warnings,
// uncaught exceptions, log entries (CSP violations, blocked loads) and
// dialogs (alert() means a payload ran).
func (p *page) problems(from int) []string {
	evs, _ := p.eventsSince(from)
	var out []string
	for _, e := range evs {
		switch e.Method {
		case "Runtime.consoleAPICalled":
			var c struct {
				Type string `json:"type"`
				Args []struct {
					Value       any    `json:"value"`
					Description string `json:"description"`
				} `json:"args"`
			}
			json.Unmarshal(e.Params, &c)
			if c.Type == "error" || c.Type == "warning" || c.Type == "assert" {
				out = append(out, fmt.Sprintf("console.%s: %v", c.Type, c.Args))
			}
		case "Runtime.exceptionThrown":
			out = append(out, "exception: "+string(e.Params))
		case "Log.entryAdded":
			var l struct {
				Entry struct {
					Level  string `json:"level"`
					Source string `json:"source"`
					Text   string `json:"text"`
				} `json:"entry"`
			}
			json.Unmarshal(e.Params, &l)
			if l.Entry.Level == "error" || l.Entry.Level == "warning" {
				out = append(out, fmt.Sprintf("log %s (%s): %s", l.Entry.Level, l.Entry.Source, l.Entry.Text))
			}
		case "Page.javascriptDialogOpening":
			out = append(out, "dialog opened: "+string(e.Params))
		}
	}
	return out
}

// screenshot captures the whole page as PNG into path.
func (p *page) screenshot(ctx context.Context, path string) error {
	var size struct{ W, H float64 }
	if err := p.eval(ctx, `({W: document.documentElement.scrollWidth, H: document.documentElement.scrollHeight})`, &size); err != nil {
		return err
	}
	size.W = min(size.W, 4000)
	size.H = min(size.H, 16000)
	res, err := p.call(ctx, "Page.captureScreenshot", map[string]any{
		"format":                "png",
		"captureBeyondViewport": true,
		"clip":                  map[string]any{"x": 0, "y": 0, "width": size.W, "height": size.H, "scale": 1},
	})
	if err != nil {
		return err
	}
	var shot struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(res, &shot); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// artifactDir is where screenshots go: $CASEFILE_ARTIFACTS when set (CI
// keeps it), else the test's temporary folder.
func artifactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("CASEFILE_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	return t.TempDir()
}
