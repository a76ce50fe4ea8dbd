package collect

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/user"
	"path"
	"runtime"
	"strconv"
	"strings"
	"time"

	"casefile/bundle"
)

// hostIdentity works out the manifest's host facts. The root's own files
// come first (etc/hostname, etc/os-release, etc/timezone,
// proc/sys/kernel/osrelease, proc/uptime); the running system fills what
// they do not say, except with RootCommandsOnly, where only the root is
// asked so that fake hosts give the same bundle everywhere.
func (c *collector) hostIdentity(now time.Time) (bundle.Host, *time.Location) {
	h := bundle.Host{OS: runtime.GOOS}
	fromRoot := func(p string) string {
		b, err := c.fs.readSmall(p, 64<<10)
		if err != nil {
			return ""
		}
		return string(b)
	}
	live := c.fs.isRealRoot()

	h.Hostname = firstLine(fromRoot("/etc/hostname"))
	if h.Hostname == "" && live {
		h.Hostname, _ = os.Hostname()
	}
	h.OSRelease = osRelease(fromRoot("/etc/os-release"))
	if h.OSRelease == "" {
		for _, f := range []string{"/etc/redhat-release", "/etc/SuSE-release", "/etc/lsb-release"} {
			if s := firstLine(fromRoot(f)); s != "" {
				h.OSRelease = s
				break
			}
		}
	}
	h.Kernel = firstLine(fromRoot("/proc/sys/kernel/osrelease"))
	h.Arch = firstLine(fromRoot("/proc/sys/kernel/arch"))
	if live {
		kernel, machine := unameInfo()
		if h.Kernel == "" {
			h.Kernel = kernel
		}
		if h.Arch == "" {
			h.Arch = machine
		}
		if h.Arch == "" {
			h.Arch = runtime.GOARCH
		}
	}
	if f := strings.Fields(fromRoot("/proc/uptime")); len(f) > 0 {
		if secs, err := strconv.ParseFloat(f[0], 64); err == nil {
			h.Uptime = formatUptime(time.Duration(secs * float64(time.Second)))
		}
	}
	if h.Uptime == "" && live {
		if d := liveUptime(); d > 0 {
			h.Uptime = formatUptime(d)
		}
	}

	h.Timezone = firstLine(fromRoot("/etc/timezone"))
	if h.Timezone == "" {
		if r, _, err := c.fs.resolve("/etc/localtime"); err == nil {
			if i := strings.Index(r, "/zoneinfo/"); i >= 0 {
				h.Timezone = r[i+len("/zoneinfo/"):]
			}
		}
	}
	if h.Timezone == "" {
		h.Timezone = timezoneFromSysconfig(fromRoot("/etc/sysconfig/clock"))
	}
	if h.Timezone == "" && live {
		if tz := os.Getenv("TZ"); tz != "" && !strings.HasPrefix(tz, ":") {
			h.Timezone = tz
		} else if n := time.Local.String(); n != "Local" && n != "" {
			h.Timezone = n
		}
	}
	loc := time.UTC
	if h.Timezone != "" {
		if l, err := time.LoadLocation(h.Timezone); err == nil {
			loc = l
		} else if live {
			loc = time.Local
		}
	} else if live {
		loc = time.Local
	}
	h.UTCOffset = now.In(loc).Format("-07:00")
	if live {
		if u, err := user.Current(); err == nil {
			h.User = u.Username
		} else {
			h.User = os.Getenv("USER")
		}
	}
	return h, loc
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// osRelease reads PRETTY_NAME (or NAME and VERSION) from os-release text.
func osRelease(text string) string {
	vals := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		} else {
			v = strings.Trim(v, `"'`)
		}
		vals[strings.TrimSpace(k)] = v
	}
	if v := vals["PRETTY_NAME"]; v != "" {
		return v
	}
	return strings.TrimSpace(vals["NAME"] + " " + vals["VERSION"])
}

func timezoneFromSysconfig(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok && (strings.TrimSpace(k) == "ZONE" || strings.TrimSpace(k) == "TIMEZONE") {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

// formatUptime writes a duration as "12d 3h 4m".
func formatUptime(d time.Duration) string {
	m := int64(d / time.Minute)
	days, hours, mins := m/(24*60), m/60%24, m%60
	if days > 0 {
		return fmt.Sprintf("%dd %dh %dm", days, hours, mins)
	}
	return fmt.Sprintf("%dh %dm", hours, mins)
}

// hostFactsText is the host-facts builtin's output.
func (c *collector) hostFactsText() []byte {
	h := c.host
	var b bytes.Buffer
	row := func(k, v string) { fmt.Fprintf(&b, "%-14s %s\n", k+":", v) }
	row("hostname", h.Hostname)
	row("os", h.OS)
	row("os_release", h.OSRelease)
	row("kernel", h.Kernel)
	row("arch", h.Arch)
	row("uptime", h.Uptime)
	row("timezone", h.Timezone)
	row("utc_offset", h.UTCOffset)
	now := c.now()
	row("clock_utc", now.UTC().Format(time.RFC3339))
	row("clock_local", now.In(c.loc).Format(time.RFC3339))
	if h.User != "" {
		row("user", h.User)
	}
	row("root", c.fs.root)
	return b.Bytes()
}

// passwdNames reads user or group names by id from the root's
// etc/passwd or etc/group (no NSS: a fake host names its own users).
func (c *collector) passwdNames(file string) map[int]string {
	out := map[int]string{}
	data, err := c.fs.readSmall(path.Join("/etc", file), 8<<20)
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Split(l, ":")
		if len(f) < 3 || strings.HasPrefix(l, "#") {
			continue
		}
		if id, err := strconv.Atoi(f[2]); err == nil {
			if _, dup := out[id]; !dup {
				out[id] = f[0]
			}
		}
	}
	return out
}
