package collect

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

// Captured outputs of the Windows process listings (a TFST endpoint
// proxy host; the epproxy command line holds commas and quotes).
const (
	wmicCSV = "\r\r\n" +
		"Node,CommandLine,ParentProcessId,ProcessId\r\r\n" +
		"TIVGW04,,0,0\r\r\n" +
		"TIVGW04,,0,4\r\r\n" +
		"TIVGW04,\\SystemRoot\\System32\\smss.exe,4,388\r\r\n" +
		"TIVGW04,C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p -s PlugPlay,640,812\r\r\n" +
		"TIVGW04,\"C:\\Tivoli\\EPProxy\\epproxy.exe\" -c C:\\Tivoli\\EPProxy\\epproxy.cfg -o trace=1,level=3,1620,3312\r\r\n" +
		"\r\r\n"
	powershellCSV = "#TYPE Selected.Microsoft.Management.Infrastructure.CimInstance\r\n" +
		"\"ProcessId\",\"ParentProcessId\",\"CommandLine\"\r\n" +
		"\"0\",\"0\",\r\n" +
		"\"4\",\"0\",\r\n" +
		"\"388\",\"4\",\"\\SystemRoot\\System32\\smss.exe\"\r\n" +
		"\"812\",\"640\",\"C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p -s PlugPlay\"\r\n" +
		"\"3312\",\"1620\",\"\"\"C:\\Tivoli\\EPProxy\\epproxy.exe\"\" -c C:\\Tivoli\\EPProxy\\epproxy.cfg -o trace=1,level=3\"\r\n"
	// PowerShell 7 quotes empty values too and writes no #TYPE line.
	powershell7CSV = "\"ProcessId\",\"ParentProcessId\",\"CommandLine\"\n" +
		"\"0\",\"0\",\"\"\n" +
		"\"3312\",\"1620\",\"\"\"C:\\Tivoli\\EPProxy\\epproxy.exe\"\" -c C:\\Tivoli\\EPProxy\\epproxy.cfg -o trace=1,level=3\"\n"
)

type procRow struct {
	PID, PPID int
	Comm, Cmd string
}

func rows(list []process) []procRow {
	var out []procRow
	for _, p := range list {
		out = append(out, procRow{p.PID, p.PPID, p.Comm, p.Cmdline})
	}
	return out
}

var wantWindowsProcs = []procRow{
	{0, 0, "", ""},
	{4, 0, "", ""},
	{388, 4, "smss.exe", `\SystemRoot\System32\smss.exe`},
	{812, 640, "svchost.exe", `C:\Windows\system32\svchost.exe -k DcomLaunch -p -s PlugPlay`},
	{3312, 1620, "epproxy.exe", `"C:\Tivoli\EPProxy\epproxy.exe" -c C:\Tivoli\EPProxy\epproxy.cfg -o trace=1,level=3`},
}

// TestParseWindowsProcessLists: wmic's unquoted CSV (command lines with
// commas, CR CR LF line ends, also as UTF-16) and PowerShell's quoted
// CSV (5.1 and 7) give the same processes with full command lines.
func TestParseWindowsProcessLists(t *testing.T) {
	utf16le := func(s string) string {
		u := utf16.Encode([]rune(s))
		b := []byte{0xff, 0xfe}
		for _, c := range u {
			b = append(b, byte(c), byte(c>>8))
		}
		return string(b)
	}
	for _, tc := range []struct {
		name  string
		out   string
		parse func(string) []process
		want  []procRow
	}{
		{"wmic", wmicCSV, parseWMICSV, wantWindowsProcs},
		{"wmic utf-16", decodeText([]byte(utf16le(wmicCSV))), parseWMICSV, wantWindowsProcs},
		{"powershell 5.1", powershellCSV, parsePowerShellCSV, wantWindowsProcs},
		{"powershell 7", powershell7CSV, parsePowerShellCSV, []procRow{wantWindowsProcs[0], wantWindowsProcs[4]}},
		{"wmic error", "\r\r\nNode,\r\r\n", parseWMICSV, nil},
		{"powershell error", "Get-CimInstance : Access denied\r\n", parsePowerShellCSV, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rows(tc.parse(tc.out))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := decodeText([]byte("plain")); got != "plain" {
		t.Errorf("decodeText(plain) = %q", got)
	}
	table := string(formatProcessTable(&procList{list: parseWMICSV(wmicCSV), source: "wmic process get ProcessId,ParentProcessId,CommandLine /format:csv"}))
	if !strings.Contains(table, "   3312    1620  \"C:\\Tivoli\\EPProxy\\epproxy.exe\" -c") || !strings.HasPrefix(table, "# processes from wmic ") {
		t.Errorf("process table:\n%s", table)
	}
}

// TestWindowsProcessSources: wmic first, then PowerShell, then tasklist.
func TestWindowsProcessSources(t *testing.T) {
	var got []string
	for _, s := range processSources("windows") {
		got = append(got, s.argv[0])
	}
	if diff := cmp.Diff([]string{"wmic", "powershell", "tasklist"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
