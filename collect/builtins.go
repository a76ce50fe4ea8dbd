package collect

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"casefile/bundle"
)

// errUnsupported reports a builtin that does not work on this OS or
// under this root.
var errUnsupported = errors.New("unsupported")

func builtinErrorKind(err error) string {
	if errors.Is(err, errUnsupported) {
		return bundle.ErrSkipped
	}
	return errorKind(err)
}

// builtin runs the named builtin collector.
func (c *collector) builtin(ctx context.Context, name string, args map[string]string) ([]byte, error) {
	switch name {
	case "host-facts":
		return c.hostFactsText(), nil
	case "processes":
		return c.builtinProcesses(ctx)
	case "sockets":
		return c.builtinSockets()
	case "process-limits":
		return c.builtinProcessLimits(ctx, args["process"])
	case "disk-free":
		return c.builtinDiskFree(args["paths"])
	case "matching-lines":
		return c.builtinMatchingLines(ctx, args["files"], args["pattern"])
	}
	return nil, fmt.Errorf("unknown builtin %q", name)
}

// procUnsupported explains why a /proc-based builtin cannot run.
func (c *collector) procUnsupported() error {
	if runtime.GOOS == "windows" && c.fs.isRealRoot() {
		return fmt.Errorf("%w on windows", errUnsupported)
	}
	return fmt.Errorf("no /proc under %s: %w", c.fs.root, os.ErrNotExist)
}

// builtinProcesses lists processes from /proc like `ps -elf`, with full
// command lines; on Windows from the process list (wmic or PowerShell,
// with command lines; tasklist without).
func (c *collector) builtinProcesses(ctx context.Context) ([]byte, error) {
	procs := c.readProcDir()
	if len(procs) == 0 {
		if runtime.GOOS == "windows" && c.fs.isRealRoot() {
			return c.windowsProcesses(ctx)
		}
		return nil, c.procUnsupported()
	}
	btime := c.bootTime()
	now := c.now().In(c.loc)
	var b bytes.Buffer
	fmt.Fprintf(&b, "F S UID          PID    PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD\n")
	for _, p := range procs {
		user := p.User
		if user == "" {
			user = "?"
		}
		if len(user) > 8 {
			user = user[:7] + "+"
		}
		flags := (p.Flags >> 6) & 1
		if p.UID == 0 {
			flags |= 4
		}
		stime, cputime, pri, ni, sz := "?", "?", "-", "-", "-"
		if p.hasStat {
			pri, ni = strconv.Itoa(p.Priority+60), strconv.Itoa(p.Nice)
			sz = strconv.FormatInt(p.VSize/4096, 10)
			secs := p.CPUTicks / 100
			cputime = fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
			if !btime.IsZero() {
				st := btime.Add(time.Duration(p.StartTicks) * 10 * time.Millisecond).In(c.loc)
				switch {
				case st.YearDay() == now.YearDay() && st.Year() == now.Year():
					stime = st.Format("15:04")
				case st.Year() == now.Year():
					stime = st.Format("Jan02")
				default:
					stime = st.Format("2006")
				}
			}
		}
		state := p.State
		if state == "" {
			state = "?"
		}
		cmd := p.Cmdline
		if cmd == "" {
			cmd = "[" + p.Comm + "]"
		}
		fmt.Fprintf(&b, "%d %s %-8s %7d %7d  0 %3s %3s - %5s -      %5s %-8s %8s %s\n",
			flags, state, user, p.PID, p.PPID, pri, ni, sz, stime, ttyName(p.TTY), cputime, cmd)
	}
	return b.Bytes(), nil
}

// windowsProcesses formats the Windows process list: PID, parent PID and
// command line (the image name when the source gives no command line).
func (c *collector) windowsProcesses(ctx context.Context) ([]byte, error) {
	pl := c.processList(ctx)
	if pl.err != nil {
		return nil, pl.err
	}
	return formatProcessTable(pl), nil
}

func formatProcessTable(pl *procList) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# processes from %s\n", pl.source)
	fmt.Fprintf(&b, "%7s %7s  %s\n", "PID", "PPID", "COMMAND")
	for _, p := range pl.list {
		cmd := p.Cmdline
		if cmd == "" {
			cmd = "[" + p.Comm + "]"
		}
		fmt.Fprintf(&b, "%7d %7d  %s\n", p.PID, p.PPID, cmd)
	}
	return b.Bytes()
}

// bootTime reads btime from the root's /proc/stat.
func (c *collector) bootTime() time.Time {
	data, err := c.fs.readSmall("/proc/stat", 1<<20)
	if err != nil {
		return time.Time{}
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "btime" {
			if n, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				return time.Unix(n, 0)
			}
		}
	}
	return time.Time{}
}

// ttyName decodes a tty_nr from /proc/<pid>/stat.
func ttyName(nr int) string {
	if nr == 0 {
		return "?"
	}
	major := (nr >> 8) & 0xfff
	minor := (nr & 0xff) | ((nr >> 12) & 0xfff00)
	switch {
	case major >= 136 && major <= 143:
		return fmt.Sprintf("pts/%d", minor+(major-136)*256)
	case major == 4 && minor < 64:
		return fmt.Sprintf("tty%d", minor)
	case major == 4:
		return fmt.Sprintf("ttyS%d", minor-64)
	}
	return "?"
}

// socketOwners maps socket inodes to "pid/program" from /proc/*/fd.
func (c *collector) socketOwners(procs []process) map[string]string {
	owners := map[string]string{}
	for _, p := range procs {
		dir, _, err := c.fs.resolve(fmt.Sprintf("/proc/%d/fd", p.PID))
		if err != nil {
			continue
		}
		entries, err := readDirReal(c.fs.real(dir))
		if err != nil {
			continue
		}
		prog := p.Comm
		if prog == "" {
			if f := strings.Fields(p.Cmdline); len(f) > 0 {
				prog = baseName(f[0])
			}
		}
		for _, e := range entries {
			t, err := readlink(c.fs.real(dir + "/" + e.Name()))
			if err != nil || !strings.HasPrefix(t, "socket:[") {
				continue
			}
			inode := strings.TrimSuffix(strings.TrimPrefix(t, "socket:["), "]")
			if _, ok := owners[inode]; !ok {
				owners[inode] = fmt.Sprintf("%d/%s", p.PID, prog)
			}
		}
	}
	return owners
}

var tcpStates = map[string]string{
	"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
	"06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING",
}

// builtinSockets lists TCP and UDP sockets from /proc/net like
// `netstat -anp`, so the analyzer's netstat patterns match either.
func (c *collector) builtinSockets() ([]byte, error) {
	var b bytes.Buffer
	procs := c.readProcDir()
	owners := c.socketOwners(procs)
	fmt.Fprintf(&b, "Active Internet connections (servers and established)\n")
	fmt.Fprintf(&b, "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\n")
	read := 0
	for _, proto := range []string{"tcp", "tcp6", "udp", "udp6"} {
		data, err := c.fs.readSmall("/proc/net/"+proto, 64<<20)
		if err != nil {
			continue
		}
		read++
		for i, l := range strings.Split(string(data), "\n") {
			f := strings.Fields(l)
			if i == 0 || len(f) < 10 {
				continue
			}
			local, ok1 := procAddr(f[1])
			remote, ok2 := procAddr(f[2])
			if !ok1 || !ok2 {
				continue
			}
			state := tcpStates[strings.ToUpper(f[3])]
			if strings.HasPrefix(proto, "udp") {
				state = map[bool]string{true: "ESTABLISHED", false: ""}[strings.ToUpper(f[3]) == "01"]
			}
			txq, rxq, _ := strings.Cut(f[4], ":")
			tx, _ := strconv.ParseInt(txq, 16, 64)
			rx, _ := strconv.ParseInt(rxq, 16, 64)
			owner := owners[f[9]]
			if owner == "" {
				owner = "-"
			}
			fmt.Fprintf(&b, "%-5s %6d %6d %-23s %-23s %-11s %s\n", proto, rx, tx, local, remote, state, owner)
		}
	}
	if read == 0 {
		if runtime.GOOS == "windows" && c.fs.isRealRoot() {
			return nil, fmt.Errorf("%w on windows", errUnsupported)
		}
		return nil, fmt.Errorf("no /proc/net/tcp under %s: %w", c.fs.root, os.ErrNotExist)
	}
	return b.Bytes(), nil
}

// procAddr decodes "0100007F:0016" (IPv4) or a 32-digit IPv6 address.
func procAddr(s string) (string, bool) {
	h, p, ok := strings.Cut(s, ":")
	if !ok {
		return "", false
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return "", false
	}
	raw, err := hex.DecodeString(h)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return "", false
	}
	// The kernel prints each 32-bit word in host (little-endian) order.
	for i := 0; i+4 <= len(raw); i += 4 {
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	addr, _ := netip.AddrFromSlice(raw)
	ps := strconv.FormatUint(port, 10)
	if port == 0 {
		ps = "*"
	}
	return addr.String() + ":" + ps, true
}

// builtinProcessLimits reports the open-file limits and open descriptors
// of processes whose command line matches pattern (all when empty), and
// the system-wide file handle counts.
func (c *collector) builtinProcessLimits(ctx context.Context, pattern string) ([]byte, error) {
	var re *regexp.Regexp
	if pattern != "" {
		var err error
		if re, err = regexp.Compile(pattern); err != nil {
			return nil, fmt.Errorf("bad process pattern %q: %w", pattern, err)
		}
	}
	procs := c.readProcDir()
	if len(procs) == 0 {
		return nil, c.procUnsupported()
	}
	var b bytes.Buffer
	for _, f := range []string{"file-max", "file-nr", "nr_open"} {
		if data, err := c.fs.readSmall("/proc/sys/fs/"+f, 4096); err == nil {
			fmt.Fprintf(&b, "fs.%-10s %s\n", f+":", strings.Join(strings.Fields(string(data)), " "))
		}
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%7s %10s %10s %7s  %s\n", "PID", "SOFT", "HARD", "OPEN", "COMMAND")
	n := 0
	for _, p := range procs {
		cmd := p.Cmdline
		if cmd == "" {
			cmd = "[" + p.Comm + "]"
		}
		if re != nil && !re.MatchString(cmd) {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		soft, hard := "?", "?"
		if data, err := c.fs.readSmall(fmt.Sprintf("/proc/%d/limits", p.PID), 64<<10); err == nil {
			for _, l := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(l, "Max open files") {
					if f := strings.Fields(strings.TrimPrefix(l, "Max open files")); len(f) >= 2 {
						soft, hard = f[0], f[1]
					}
				}
			}
		}
		open := "?"
		if dir, _, err := c.fs.resolve(fmt.Sprintf("/proc/%d/fd", p.PID)); err == nil {
			if entries, err := readDirReal(c.fs.real(dir)); err == nil {
				open = strconv.Itoa(len(entries))
			}
		}
		if re == nil && soft == "?" && open == "?" {
			continue // another user's process: nothing to say
		}
		n++
		fmt.Fprintf(&b, "%7d %10s %10s %7s  %s\n", p.PID, soft, hard, open, cmd)
	}
	if n == 0 {
		if re != nil {
			fmt.Fprintf(&b, "no process matches %s\n", pattern)
		} else {
			fmt.Fprintf(&b, "no process limits readable\n")
		}
	}
	return b.Bytes(), nil
}

// builtinDiskFree reports free and total space of paths (comma-separated).
func (c *collector) builtinDiskFree(paths string) ([]byte, error) {
	if !c.fs.isRealRoot() {
		return nil, fmt.Errorf("%w: the real machine's disks are not the root's (root-only mode)", errUnsupported)
	}
	if strings.TrimSpace(paths) == "" {
		paths = "/"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%-24s %12s %12s %12s %5s %10s %10s %5s\n", "Path", "1K-blocks", "Used", "Available", "Use%", "Inodes", "IFree", "IUse%")
	ok := 0
	var firstErr error
	for _, p := range strings.Split(paths, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		r, _, err := c.fs.resolve(p)
		var d diskUsage
		if err == nil {
			d, err = statDisk(c.fs.real(r))
		}
		if err != nil {
			if errors.Is(err, errUnsupported) {
				return nil, err
			}
			fmt.Fprintf(&b, "%-24s %s\n", p, errorText(err))
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %s: %w", p, errorText(err), err)
			}
			continue
		}
		ok++
		pct := func(used, total uint64) string {
			if total == 0 {
				return "-"
			}
			return fmt.Sprintf("%d%%", (used*100+total-1)/total)
		}
		used := d.total - d.free
		fmt.Fprintf(&b, "%-24s %12d %12d %12d %5s %10d %10d %5s\n", p, d.total/1024, used/1024, d.avail/1024,
			pct(used, used+d.avail), d.files, d.filesFree, pct(d.files-d.filesFree, d.files))
	}
	if ok == 0 && firstErr != nil {
		return b.Bytes(), firstErr
	}
	return b.Bytes(), nil
}

// diskUsage is what statDisk reports, in bytes and inodes.
type diskUsage struct {
	total, free, avail uint64
	files, filesFree   uint64
}

func readDirReal(dir string) ([]os.DirEntry, error) { return os.ReadDir(dir) }

func readlink(p string) (string, error) { return os.Readlink(p) }

// maxMatchingLines is how much builtinMatchingLines keeps: the newest
// matching lines when there are more.
const maxMatchingLines = 16 << 20

// builtinMatchingLines prints the lines of host files (under the root,
// like a files item) that match a regular expression: grep without a
// program and without a path on a command line. files is a
// comma-separated list of paths; ";" separates alternatives, of which
// the first with a file that exists is read ("/var/log/syslog,
// /var/log/kern.log; /var/log/messages"). No file at all is not found.
func (c *collector) builtinMatchingLines(ctx context.Context, files, pattern string) ([]byte, error) {
	re, err := regexp.Compile(pattern)
	if err != nil || pattern == "" {
		return nil, fmt.Errorf("pattern %q: not a regular expression", pattern)
	}
	var lines [][]byte
	size := 0
	for _, alt := range strings.Split(files, ";") {
		read := 0
		for _, p := range strings.Split(alt, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			of, _, err := c.fs.open(p)
			if err != nil {
				continue
			}
			read++
			// A line longer than the reader's buffer is matched on its
			// first MiB and the rest of it skipped: the file is read to
			// its end either way (a bufio.Scanner would stop there).
			// Read up to the size the file has now (a log being written
			// is not followed), counted like every other read.
			var limit int64 = maxReadFactor * maxMatchingLines
			if fi, err := of.file.Stat(); err == nil && fi.Size() > 0 {
				limit = fi.Size()
			}
			br := bufio.NewReaderSize(ctxReader{ctx, io.LimitReader(of.file, limit), &c.read}, 1<<20)
			for long := false; ; {
				if ctx.Err() != nil {
					of.file.Close()
					return nil, ctx.Err()
				}
				l, err := br.ReadSlice('\n')
				cont := long
				long = err == bufio.ErrBufferFull
				text := bytes.TrimSuffix(bytes.TrimSuffix(l, []byte("\n")), []byte("\r"))
				if len(l) > 0 && !cont && re.Match(text) {
					l = append([]byte(nil), text...)
					lines = append(lines, l)
					size += len(l) + 1
					for size > maxMatchingLines && len(lines) > 0 {
						size -= len(lines[0]) + 1
						lines = lines[1:]
					}
				}
				if err != nil && !long {
					if err != io.EOF {
						of.file.Close()
						return nil, fmt.Errorf("%s: %w", p, err)
					}
					break
				}
			}
			of.file.Close()
		}
		if read > 0 {
			var b bytes.Buffer
			for _, l := range lines {
				b.Write(l)
				b.WriteByte('\n')
			}
			return b.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("none of %s: %w", strings.TrimSpace(files), os.ErrNotExist)
}
