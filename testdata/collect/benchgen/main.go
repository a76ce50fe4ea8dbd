// Command benchgen writes the benchmark's log files: realistic, varied
// text (syslog- and application-style lines with timestamps, hosts,
// counters, some key=value pairs and a few secrets for the redactor),
// deterministic for a given seed, so that gzip ratios are those of real
// logs rather than of repeated lines.
//
//	go run ./testdata/collect/benchgen -dir ROOT/var/log/bench -size 1GiB -files 50
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	dir := flag.String("dir", "", "folder to write the logs into")
	size := flag.String("size", "1GiB", "total size")
	files := flag.Int("files", 50, "number of files")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	total, err := parseSize(*size)
	if err != nil || *dir == "" || *files < 1 {
		fmt.Fprintln(os.Stderr, "usage: benchgen -dir DIR [-size 1GiB] [-files 50]")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rng := rand.New(rand.NewSource(*seed))
	per := total / int64(*files)
	for i := 0; i < *files; i++ {
		name := fmt.Sprintf("app%02d.log", i)
		if i%5 == 4 {
			name = fmt.Sprintf("app%02d.log.%d", i-i%5, i%5) // rotations
		}
		if err := writeLog(filepath.Join(*dir, name), per, rng, i); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

var (
	components = []string{"epproxy", "gwproxy", "relay", "sshd", "kernel", "cron", "appd", "dbpool", "httpd", "ha-monitor"}
	levels     = []string{"INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARN", "ERROR"}
	verbs      = []string{"accepted", "closed", "opened", "refused", "timed out", "retrying", "established", "reset", "forwarded", "queued", "dropped", "completed"}
	nouns      = []string{"connection", "session", "request", "handshake", "upload", "query", "heartbeat", "routed session", "transaction", "keepalive", "lease", "checkpoint"}
	paths      = []string{"/api/v1/status", "/api/v1/events", "/login", "/static/app.js", "/upload", "/health", "/metrics", "/api/v2/nodes/%d"}
	users      = []string{"root", "appsvc", "admin", "operator", "backup", "nagios", "alice", "bob"}
	words      = strings.Fields("the a of to in for on with from by at is was will be has have not no yes cache queue buffer peer node cluster primary secondary standby replica manager thread pool worker timer socket file descriptor memory heap limit threshold retry backoff latency throughput")
)

func writeLog(path string, size int64, rng *rand.Rand, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	t := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	var written int64
	var b strings.Builder
	for written < size {
		b.Reset()
		t = t.Add(time.Duration(rng.Intn(2000)) * time.Millisecond)
		comp := components[rng.Intn(len(components))]
		fmt.Fprintf(&b, "%s %s %s[%d]: ", t.Format("2006-01-02 15:04:05.000"), levels[rng.Intn(len(levels))], comp, 1000+rng.Intn(30000))
		switch rng.Intn(10) {
		case 0:
			path := paths[rng.Intn(len(paths))]
			if strings.Contains(path, "%d") {
				path = fmt.Sprintf(path, rng.Intn(500))
			}
			fmt.Fprintf(&b, "GET %s from 10.%d.%d.%d:%d status=%d bytes=%d time=%dms",
				path, rng.Intn(256), rng.Intn(256), rng.Intn(256), 1024+rng.Intn(60000), []int{200, 200, 200, 304, 404, 500}[rng.Intn(6)], rng.Intn(100000), rng.Intn(3000))
		case 1:
			fmt.Fprintf(&b, "%s %s for %s from 192.0.2.%d port %d", nouns[rng.Intn(len(nouns))], verbs[rng.Intn(len(verbs))], users[rng.Intn(len(users))], rng.Intn(256), 1024+rng.Intn(60000))
		case 2:
			fmt.Fprintf(&b, "pool stats active=%d idle=%d waiting=%d max=%d", rng.Intn(64), rng.Intn(64), rng.Intn(10), 64)
		case 3:
			if rng.Intn(50) == 0 {
				fmt.Fprintf(&b, "connecting user=%s password=%x", users[rng.Intn(len(users))], rng.Int63())
			} else {
				fmt.Fprintf(&b, "routingManager: TELL command received [l=%d] from gw%02d.example.net", rng.Intn(100000), rng.Intn(40))
			}
		default:
			k := 4 + rng.Intn(10)
			for j := 0; j < k; j++ {
				if j > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(words[rng.Intn(len(words))])
			}
			fmt.Fprintf(&b, " (%s %s, id=%s)", nouns[rng.Intn(len(nouns))], verbs[rng.Intn(len(verbs))], strconv.FormatInt(rng.Int63n(1<<40), 36))
		}
		b.WriteByte('\n')
		m, err := w.WriteString(b.String())
		if err != nil {
			f.Close()
			return err
		}
		written += int64(m)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suf, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if strings.HasSuffix(s, suf) {
			s, mult = strings.TrimSuffix(s, suf), m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}
