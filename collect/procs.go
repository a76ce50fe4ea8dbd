package collect

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// process is one entry of the host's process list.
type process struct {
	PID, PPID int
	UID       int // -1 when unknown
	User      string
	State     string
	Comm      string
	Cmdline   string // full command line, arguments joined by spaces

	hasStat    bool
	Priority   int
	Nice       int
	VSize      int64 // bytes
	StartTicks uint64
	CPUTicks   uint64 // utime + stime
	TTY        int
	Flags      uint64
}

// procList is the process list and where it came from.
type procList struct {
	list   []process
	source string // "/proc", or the ps command that ran
	err    error
}

// processSource is a command that lists processes and its parser.
type processSource struct {
	argv  []string
	parse func(string) []process
}

// processSources are tried in order when the root has no /proc: ps on
// Unix (a fake host supplies its own); on Windows wmic, then PowerShell
// (wmic is gone from recent Windows), both with full command lines (so
// that process detectors find install dirs), then tasklist, which gives
// image names only.
func processSources(goos string) []processSource {
	if goos == "windows" {
		return []processSource{
			{[]string{"wmic", "process", "get", "ProcessId,ParentProcessId,CommandLine", "/format:csv"}, parseWMICSV},
			{[]string{"powershell", "-NoProfile", "-NonInteractive", "-Command",
				"Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,CommandLine | ConvertTo-Csv -NoTypeInformation"}, parsePowerShellCSV},
			{[]string{"tasklist", "/v", "/fo", "csv"}, parseTasklist},
		}
	}
	return []processSource{{[]string{"ps", "-elf"}, parsePS}}
}

// processOS picks processSources; tests set it to try Windows' sources
// on a fake host.
var processOS = runtime.GOOS

// processList reads the process list once per collection: from the
// root's /proc when it has one, else from the first of processSources
// that runs and lists processes.
func (c *collector) processList(ctx context.Context) *procList {
	if c.procs != nil {
		return c.procs
	}
	c.procs = &procList{}
	if list := c.readProcDir(); len(list) > 0 {
		c.procs.list, c.procs.source = list, "/proc"
		return c.procs
	}
	var problems []string
	for _, src := range processSources(processOS) {
		argv := src.argv
		bin, err := c.lookPath(argv[0])
		if err != nil {
			problems = append(problems, argv[0]+": "+err.Error())
			continue
		}
		out, err := c.runForText(ctx, bin, argv)
		if err != nil {
			problems = append(problems, quoteArgs(argv[:1])+": "+err.Error())
			continue
		}
		list := src.parse(out)
		if len(list) == 0 {
			problems = append(problems, quoteArgs(argv[:1])+": no process listed")
			continue
		}
		c.procs.list = list
		c.procs.source = bin.shown + " " + strings.Join(argv[1:], " ")
		return c.procs
	}
	c.procs.err = fmt.Errorf("no /proc under the root; %s", strings.Join(problems, "; "))
	return c.procs
}

// runForText runs a command and returns its standard output as text
// (UTF-16 output, as wmic may write, decoded).
func (c *collector) runForText(ctx context.Context, bin binary, argv []string) (string, error) {
	r := c.run(ctx, bin, argv, c.opts.CommandTimeout, 16<<20, false)
	defer r.close()
	if r.err != nil {
		return "", r.err
	}
	rd, _, err := r.stdout.Reader()
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	out.ReadFrom(rd)
	return decodeText(out.Bytes()), nil
}

// decodeText returns b as a string, decoding UTF-16 (with a byte order
// mark, or ASCII text with every other byte NUL).
func decodeText(b []byte) string {
	le, be := false, false
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		le, b = true, b[2:]
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		be, b = true, b[2:]
	case len(b) >= 4 && b[1] == 0 && b[3] == 0 && b[0] != 0 && b[2] != 0:
		le = true
	}
	if !le && !be {
		return string(b)
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if le {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		} else {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
	}
	return string(utf16.Decode(u))
}

var numeric = regexp.MustCompile(`^[0-9]+$`)

// readProcDir reads /proc/<pid>/{stat,status,cmdline,comm} under the root.
func (c *collector) readProcDir() []process {
	var out []process
	users := c.passwdNames("passwd")
	for _, e := range c.fs.readDir("/proc") {
		if !numeric.MatchString(e.Name()) {
			continue
		}
		pid, _ := strconv.Atoi(e.Name())
		dir := "/proc/" + e.Name()
		p := process{PID: pid, UID: -1}
		if b, err := c.fs.readSmall(dir+"/cmdline", 1<<20); err == nil {
			p.Cmdline = strings.TrimSpace(strings.Join(strings.FieldsFunc(string(b), func(r rune) bool { return r == 0 }), " "))
		}
		if b, err := c.fs.readSmall(dir+"/comm", 4096); err == nil {
			p.Comm = strings.TrimSpace(string(b))
		}
		if b, err := c.fs.readSmall(dir+"/stat", 4096); err == nil {
			parseStat(string(b), &p)
		}
		if b, err := c.fs.readSmall(dir+"/status", 64<<10); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				k, v, _ := strings.Cut(l, ":")
				f := strings.Fields(v)
				switch {
				case k == "Uid" && len(f) > 0:
					p.UID, _ = strconv.Atoi(f[0])
				case k == "PPid" && len(f) > 0 && p.PPID == 0:
					p.PPID, _ = strconv.Atoi(f[0])
				case k == "Name" && len(f) > 0 && p.Comm == "":
					p.Comm = f[0]
				case k == "State" && len(f) > 0 && p.State == "":
					p.State = f[0]
				}
			}
		}
		if p.Cmdline == "" && p.Comm == "" {
			continue // gone while reading, or unreadable
		}
		if p.UID >= 0 {
			if n, ok := users[p.UID]; ok {
				p.User = n
			} else {
				p.User = strconv.Itoa(p.UID)
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// parseStat reads /proc/<pid>/stat: "pid (comm) S ppid ...".
func parseStat(s string, p *process) {
	open, closeP := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closeP < open {
		return
	}
	if p.Comm == "" {
		p.Comm = s[open+1 : closeP]
	}
	f := strings.Fields(s[closeP+1:])
	// f[0]=state f[1]=ppid f[4]=tty_nr f[6]=flags f[11]=utime f[12]=stime
	// f[15]=priority f[16]=nice f[19]=starttime f[20]=vsize
	if len(f) < 21 {
		if len(f) >= 2 {
			p.State = f[0]
			p.PPID, _ = strconv.Atoi(f[1])
		}
		return
	}
	p.hasStat = true
	p.State = f[0]
	p.PPID, _ = strconv.Atoi(f[1])
	p.TTY, _ = strconv.Atoi(f[4])
	p.Flags, _ = strconv.ParseUint(f[6], 10, 64)
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	p.CPUTicks = ut + st
	p.Priority, _ = strconv.Atoi(f[15])
	p.Nice, _ = strconv.Atoi(f[16])
	p.StartTicks, _ = strconv.ParseUint(f[19], 10, 64)
	p.VSize, _ = strconv.ParseInt(f[20], 10, 64)
}

var timeLike = regexp.MustCompile(`^(\d+-)?\d+(:\d\d)+$`)

// parsePS reads ps output whose header names the columns and whose last
// column is the command (ps -ef, ps -elf, ps aux, AIX and Solaris too).
func parsePS(out string) []process {
	lines := strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	if len(lines) == 0 {
		return nil
	}
	header := strings.Fields(lines[0])
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToUpper(h)] = i
	}
	cmdIdx := len(header) - 1
	if cmdIdx < 0 {
		return nil
	}
	pidIdx, ok := col["PID"]
	if !ok {
		return nil
	}
	ppidIdx, hasPPID := col["PPID"]
	userIdx, hasUser := col["UID"]
	if !hasUser {
		userIdx, hasUser = col["USER"]
	}
	var list []process
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		starts := fieldStarts(l)
		if len(starts) <= cmdIdx {
			continue
		}
		f := strings.Fields(l)
		idx := cmdIdx
		// A start time written as two words ("Oct 13") shifts the rest:
		// the command then seems to start at the TIME column.
		for idx+1 < len(f) && timeLike.MatchString(f[idx]) {
			idx++
		}
		p := process{UID: -1}
		p.PID, _ = strconv.Atoi(f[pidIdx])
		if hasPPID && ppidIdx < len(f) {
			p.PPID, _ = strconv.Atoi(f[ppidIdx])
		}
		if hasUser && userIdx < len(f) {
			p.User = f[userIdx]
		}
		p.Cmdline = strings.TrimSpace(l[starts[idx]:])
		if fs := strings.Fields(p.Cmdline); len(fs) > 0 {
			p.Comm = baseName(strings.Trim(fs[0], "[]"))
		}
		list = append(list, p)
	}
	return list
}

// fieldStarts returns the offsets where whitespace-separated fields start.
func fieldStarts(l string) []int {
	var out []int
	in := false
	for i := 0; i < len(l); i++ {
		sp := l[i] == ' ' || l[i] == '\t'
		if !sp && !in {
			out = append(out, i)
		}
		in = !sp
	}
	return out
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// windowsLines splits Windows command output into lines (wmic ends
// them with CR CR LF), without empty ones.
func windowsLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// windowsProcess makes a process from a Windows command line.
func windowsProcess(pid, ppid, cmdline string) (process, bool) {
	p := process{UID: -1, Cmdline: strings.TrimSpace(cmdline)}
	var err error
	if p.PID, err = strconv.Atoi(strings.TrimSpace(pid)); err != nil {
		return p, false
	}
	p.PPID, _ = strconv.Atoi(strings.TrimSpace(ppid))
	p.Comm = imageName(p.Cmdline)
	return p, true
}

// imageName is the executable's base name in a Windows command line
// ("C:\Program Files\x\y.exe" -a, or C:\x\y.exe -a).
func imageName(cmdline string) string {
	if strings.HasPrefix(cmdline, `"`) {
		if i := strings.IndexByte(cmdline[1:], '"'); i >= 0 {
			return baseName(cmdline[1 : i+1])
		}
	}
	if f := strings.Fields(cmdline); len(f) > 0 {
		return baseName(f[0])
	}
	return ""
}

// parseWMICSV reads `wmic process get ProcessId,ParentProcessId,
// CommandLine /format:csv`. wmic orders the columns by name (Node,
// CommandLine, ParentProcessId, ProcessId) and does not quote values,
// though a command line may hold commas: so the node is what comes
// before the first comma, the ids what comes after the last two, and the
// command line all that is between.
func parseWMICSV(out string) []process {
	lines := windowsLines(out)
	if len(lines) < 2 {
		return nil
	}
	header := strings.Split(lines[0], ",")
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	ci, ok1 := col["CommandLine"]
	pi, ok2 := col["ProcessId"]
	ppi, ok3 := col["ParentProcessId"]
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	// Fields after the command line, and before it.
	after := len(header) - 1 - ci
	var list []process
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) < len(header) {
			continue
		}
		// Join the command line back from its comma-split pieces.
		extra := len(f) - len(header)
		cmd := strings.Join(f[ci:ci+1+extra], ",")
		rest := f[ci+1+extra:]
		get := func(i int) string {
			if i < ci {
				return f[i]
			}
			return rest[i-ci-1]
		}
		if len(rest) != after {
			continue
		}
		if p, ok := windowsProcess(get(pi), get(ppi), cmd); ok {
			list = append(list, p)
		}
	}
	return list
}

// parsePowerShellCSV reads `Get-CimInstance Win32_Process | Select-Object
// ProcessId,ParentProcessId,CommandLine | ConvertTo-Csv`: quoted CSV
// (a missing command line is an empty field), perhaps after a #TYPE line.
func parsePowerShellCSV(out string) []process {
	lines := windowsLines(out)
	if len(lines) > 0 && strings.HasPrefix(lines[0], "#TYPE") {
		lines = lines[1:]
	}
	r := csv.NewReader(strings.NewReader(strings.Join(lines, "\n")))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 2 {
		return nil
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	ci, ok1 := col["CommandLine"]
	pi, ok2 := col["ProcessId"]
	ppi, ok3 := col["ParentProcessId"]
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	var list []process
	for _, row := range rows[1:] {
		field := func(i int) string {
			if i < len(row) {
				return row[i]
			}
			return ""
		}
		if p, ok := windowsProcess(field(pi), field(ppi), field(ci)); ok {
			list = append(list, p)
		}
	}
	return list
}

// parseTasklist reads `tasklist /v /fo csv`.
func parseTasklist(out string) []process {
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 2 {
		return nil
	}
	var list []process
	for _, r := range rows[1:] {
		if len(r) < 2 {
			continue
		}
		p := process{UID: -1, Comm: r[0], Cmdline: r[0]}
		p.PID, _ = strconv.Atoi(r[1])
		if len(r) > 6 {
			p.User = r[6]
		}
		list = append(list, p)
	}
	return list
}
