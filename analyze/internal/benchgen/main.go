// Command benchgen writes the bundle scripts/bench-analyze.sh measures:
// about -size bytes of TFST-style component logs in -files members (plain
// and .gz rotations), with a few lines the tfst profile's rules match,
// plus small config files and command outputs, signed with a one-time
// key. With -patterns it prints instead every pattern of a profile,
// rewritten for grep -E, one per line.
package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/pgzip"

	"casefile/bundle"
	"casefile/profiles"
)

func main() {
	out := flag.String("o", "bench.tar.gz", "bundle to write")
	size := flag.String("size", "1GiB", "uncompressed log bytes")
	files := flag.Int("files", 50, "log members")
	patterns := flag.String("patterns", "", "print the patterns of this profile for grep -E and exit")
	gz := flag.Bool("gz", true, "store every third rotation gzip-compressed")
	mixFlag := flag.String("mix", "sparse", "lines: sparse (a rule's line in 200,000), dense (2 of 7 lines routed-session failures), handshake (1 of 4 lines a WHO/TELL handshake line)")
	name := flag.String("name", "tfst-bench-20091013T120000Z", "bundle name")
	host := flag.String("host", "bench", "the manifest's host name")
	caseID := flag.String("case", "", "the manifest's case id (collect --case)")
	flag.Parse()
	switch *mixFlag {
	case "sparse", "dense", "handshake":
		mix = *mixFlag
	default:
		fmt.Fprintln(os.Stderr, "benchgen: -mix is sparse, dense or handshake")
		os.Exit(2)
	}
	bundleName, hostName, caseName = *name, *host, *caseID
	if *patterns != "" {
		if err := printPatterns(*patterns); err != nil {
			fmt.Fprintln(os.Stderr, "benchgen:", err)
			os.Exit(1)
		}
		return
	}
	n, err := profiles.ParseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(2)
	}
	if err := write(*out, n, *files, *gz); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

// printPatterns lists a profile's fact, rule and context patterns in
// POSIX ERE form (named groups unnamed, \d \w \s spelled out).
func printPatterns(name string) error {
	p, err := profiles.Load(name)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	emit := func(pt *profiles.Pattern) {
		if pt == nil || pt.Re == nil || seen[pt.Src] {
			return
		}
		seen[pt.Src] = true
		fmt.Println(toERE(pt.Src))
	}
	for i := range p.Analyze.Facts {
		emit(p.Analyze.Facts[i].Pattern)
	}
	for i := range p.Analyze.Rules {
		r := &p.Analyze.Rules[i]
		for _, u := range r.Kind.Uses() {
			emit(&u.Matcher.Pattern)
		}
		if r.Context != nil {
			emit(r.Context.Pattern)
		}
	}
	return nil
}

var (
	named   = regexp.MustCompile(`\(\?P<\w+>`)
	nongrp  = regexp.MustCompile(`\(\?:`)
	flagsRe = regexp.MustCompile(`\(\?[imsU]+\)`)
	inlineF = regexp.MustCompile(`\(\?[imsU]+:`)
)

func toERE(s string) string {
	s = named.ReplaceAllString(s, "(")
	s = nongrp.ReplaceAllString(s, "(")
	s = flagsRe.ReplaceAllString(s, "")
	s = inlineF.ReplaceAllString(s, "(")
	// A ] in a bracket expression must come first; a backslash there is a
	// literal backslash.
	s = strings.NewReplacer(`[^\]`, `[^]`, `[\]`, `[]`).Replace(s)
	// Inside a bracket expression a class is spelled without its own
	// brackets: [\w.-] is [[:alnum:]_.-], not [[[:alnum:]_].-] (which grep
	// reads as a bracket expression followed by ".-]").
	var out strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			n := s[i+1]
			i++
			cls := map[byte]string{'d': "0-9", 'w': "[:alnum:]_", 's': "[:space:]"}[n]
			neg := map[byte]string{'D': "0-9", 'W': "[:alnum:]_", 'S': "[:space:]"}[n]
			switch {
			case cls != "" && in:
				out.WriteString(cls)
			case cls != "":
				out.WriteString("[" + cls + "]")
			case neg != "" && !in:
				out.WriteString("[^" + neg + "]")
			default:
				out.WriteByte('\\')
				out.WriteByte(n)
			}
			continue
		}
		switch {
		case !in && c == '[':
			in = true
			out.WriteByte(c)
			if i+1 < len(s) && s[i+1] == '^' {
				out.WriteByte('^')
				i++
			}
			if i+1 < len(s) && s[i+1] == ']' { // a literal ] first
				out.WriteByte(']')
				i++
			}
			continue
		case in && c == ']':
			in = false
		case !in && (c == '*' || c == '+' || c == '?') && i+1 < len(s) && s[i+1] == '?':
			out.WriteByte(c) // lazy quantifiers: ERE has only greedy ones
			i++
			continue
		}
		out.WriteByte(c)
	}
	return out.String()
}

// Component log lines in the TFST layout: "YY/MM/DD HH:MM:SS level thread text".
var noise = []string{
	"multiplexer: session %d opened to 10.%d.%d.%d:9494",
	"upcallReceiver [id=%d] data block of %d bytes queued",
	"downcallSender [id=%d,rs=%d] method %d completed in %dms",
	"epmgr: endpoint %d login from 10.%d.%d.%d accepted",
	"connectionManager: keepalive sent on channel %d (%d pending, %d acked)",
	"routedSession [rs=%d] data transfer of %d bytes to gateway %d",
	"threadPool: worker %d idle, %d busy, %d queued, %d max",
	"httpListener: GET /epp/status %d %d bytes in %dms",
}

var needles = []string{
	"routingManager: WHO command received [l=nti281-gwp]",
	"routingManager: TELL reply command received",
	"routedSessionCreate: [rs=8128] open session failed (e =-2)",
	"gatewayProxySender [gw=9] failure creating a routed session for nti281-gwp",
	"multiplex.newsessopen: cannot open connection (-1)",
	"accept() failed (e =24 - Too many open files)",
}

// mix is the kind of log written (-mix); bundleName the bundle's name.
var mix, bundleName = "sparse", "tfst-bench-20091013T120000Z"

// hostName and caseName go into the manifest (-host, -case).
var hostName, caseName = "bench", ""

// Dense logs: routed-session failures through three gateway proxies
// (the tfst.routed-session-failure rule groups them by peer).
var densePeers = []string{"nti281-gwp", "nti282-gwp", "dmz.gwp-03"}

// Handshake lines: requests and replies in both directions.
var handshake = []string{
	"routingManager: TELL command received [l=nti281-gwp]",
	"routingManager: TELL reply command received",
	"routingManager: WHO command received [l=null]",
	"routingManager: WHO reply command received [l=nti281-gwp]",
}

// line appends one generated line's text.
func lineText(rng *rand.Rand, line []byte) []byte {
	switch {
	case mix == "dense" && rng.IntN(7) < 2:
		return fmt.Appendf(line, "gatewayProxySender [gw=%d] failure creating a routed session for %s", rng.IntN(16), densePeers[rng.IntN(len(densePeers))])
	case mix == "handshake" && rng.IntN(4) == 0:
		return append(line, handshake[rng.IntN(len(handshake))]...)
	case rng.IntN(200000) == 0:
		return append(line, needles[rng.IntN(len(needles))]...)
	}
	f := noise[rng.IntN(len(noise))]
	args := make([]any, strings.Count(f, "%d"))
	for i := range args {
		args[i] = rng.IntN(65536)
	}
	return fmt.Appendf(line, f, args...)
}

// logFile makes n bytes of log lines starting at t.
func logFile(rng *rand.Rand, n int64, t time.Time) []byte {
	var b bytes.Buffer
	b.Grow(int(n) + 256)
	line := make([]byte, 0, 256)
	for int64(b.Len()) < n {
		t = t.Add(time.Duration(rng.IntN(400)) * time.Millisecond)
		line = line[:0]
		line = t.AppendFormat(line, "06/01/02 15:04:05")
		line = append(line, ' ', byte('1'+rng.IntN(3)), ' ')
		line = strconv.AppendInt(line, int64(1000+rng.IntN(9000)), 10)
		line = append(line, ' ')
		line = lineText(rng, line)
		line = append(line, '\n')
		b.Write(line)
	}
	return b.Bytes()
}

type member struct {
	path string
	data []byte // stored bytes (gzip for .gz members)
}

func write(out string, total int64, nfiles int, gz bool) error {
	rng := rand.New(rand.NewPCG(1, 2))
	end := time.Date(2009, 10, 13, 12, 0, 0, 0, time.UTC)
	var ms []member
	ms = append(ms,
		member{"files/opt/tivoli/EPProxy/epproxy.cfg", []byte("debug-level=3\nlocal-port=9494\n")},
		member{"files/opt/tivoli/GWProxy/gwproxy.cfg", []byte("debug-level=3\nparent-port=9494\n")},
		member{"commands/epproxy-version.out", []byte("Tivoli Firewall Security Toolbox ver. 1.3.1 - level 20061016A.\nInterim fix ID = 1.3.1-TFS-0002.\n")},
		member{"commands/netstat.out", []byte("tcp 0 0 10.0.0.1:9494 10.0.0.2:40000 CLOSE_WAIT 667710/epproxy\n")},
	)
	per := total / int64(nfiles)
	comps := []string{"EPProxy/epp", "GWProxy/gwp", "Relay/relay", "EventSink/eventsink"}
	for i := 0; i < nfiles; i++ {
		comp := comps[i%len(comps)]
		rot := i / len(comps)
		start := end.Add(-time.Duration(rot+1) * 24 * time.Hour)
		data := logFile(rng, per, start)
		name := "files/opt/tivoli/" + comp + ".log"
		switch {
		case rot == 0:
		case gz && rot%3 == 0: // some rotations compressed, as logrotate leaves them
			var z bytes.Buffer
			zw, _ := kgzip.NewWriterLevel(&z, kgzip.DefaultCompression)
			zw.Write(data)
			zw.Close()
			name += "." + strconv.Itoa(rot) + ".gz"
			data = z.Bytes()
		default:
			name += "." + strconv.Itoa(rot)
		}
		ms = append(ms, member{name, data})
	}
	pub, priv, err := bundle.GenerateKey()
	if err != nil {
		return err
	}
	pubText, _ := pub.MarshalText()
	name := bundleName
	m := &bundle.Manifest{
		FormatVersion: bundle.FormatVersion,
		Tool:          bundle.Tool{Name: "benchgen", Version: "1"},
		Name:          name,
		Profile:       bundle.ProfileRef{Name: "tfst", Version: "bench", Source: "builtin"},
		Host:          bundle.Host{Hostname: hostName, OS: "linux", Timezone: "UTC", UTCOffset: "+00:00"},
		Case:          caseName,
		Root:          "/",
		Collection:    bundle.Collection{StartUTC: end.Add(-time.Minute), EndUTC: end},
		Redaction:     bundle.Redaction{Enabled: true},
		Signer:        bundle.Signer{KeyID: bundle.KeyID(pub.ID()), PublicKey: lastLine(string(pubText)), OneTime: true},
	}
	for _, mb := range ms {
		sum := sha256.Sum256(mb.data)
		kind, id := bundle.KindFile, strings.Trim(strings.ReplaceAll(filepath.Base(mb.path), ".", "-"), "-")
		if strings.HasPrefix(mb.path, "commands/") {
			kind = bundle.KindCommand
			id = strings.TrimSuffix(filepath.Base(mb.path), ".out")
		}
		m.Items = append(m.Items, bundle.Item{ID: id, Kind: kind, Source: strings.TrimPrefix(mb.path, "files"),
			Stored: []bundle.Stored{{Path: mb.path, Size: int64(len(mb.data)), SHA256: hex.EncodeToString(sum[:])}}})
	}
	var mbuf bytes.Buffer
	if err := m.Encode(&mbuf); err != nil {
		return err
	}
	all := append([]member{{bundle.ManifestName, mbuf.Bytes()}}, ms...)
	sums := bundle.Sums{}
	for _, mb := range all {
		sum := sha256.Sum256(mb.data)
		sums[mb.path] = hex.EncodeToString(sum[:])
	}
	sb := sums.Bytes()
	all = append(all, member{bundle.SumsName, sb}, member{bundle.SignatureName, bundle.Sign(priv, sb, bundle.TrustedComment(m))})

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, err := pgzip.NewWriterLevel(f, pgzip.DefaultCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	for _, mb := range all {
		hdr := &tar.Header{Name: name + "/" + mb.path, Mode: 0o644, Size: int64(len(mb.data)), ModTime: end, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := io.Copy(tw, bytes.NewReader(mb.data)); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
