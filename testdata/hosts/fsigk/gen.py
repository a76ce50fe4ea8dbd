#!/usr/bin/env python3
"""Generate the fake F-Secure Internet Gatekeeper for Linux hosts under
testdata/hosts/fsigk/ and the raw customer upload under testdata/raw/fsigk/.

What comes from the source document (the Internet Gatekeeper for Linux
error-log catalog, 4.10 and later): every message text and its fields, the
install directory /opt/f-secure/fsigk/, conf/fsigk.ini with admin_mx_host /
admin_mx_port, pre_spawn in virusgw.ini, transparent_tproxy and
transparent_tproxy_version, /proc/net/tproxy and iptable_tproxy,
IPTABLES_MODULES in /etc/sysconfig/iptables-config, TurboLinux 10 with
kernel 2.6.8-5, kernel.sem=250 128000 32 512, /proc/sysvipc/sem,
/proc/sys/fs/file-nr and fs.file-max = 65535, the 5 MB temporary space, the
120-second sendfile timeout, the 17 KB header limit, the fsigk_xxx, fsavd and
fsasd processes and their rc scripts, the /fsavd-socket-0 and /fsasd-socket
sockets, core files in the install directory, diag.tar.gz with
system/netstat_anp.txt, PROXY-STAT:[service]:[internal process id] in the
access log, /var/log/messages for SELinux, ethtool -g.

Assumed by this profile (documented in docs/profiles/fsigk.md): the error and
access log line layout and their place (log/<service>/error.log), the ini
section and key names besides the ones above (port, scan_timeout, temp_dir,
...), the default ports, the process paths, the inner layout of diag.tar.gz.

Everything else is invented: host names, addresses, times, counts, pids.

Run from anywhere: python3 testdata/hosts/fsigk/gen.py  (deterministic).
"""
import gzip
import io
import os
import shutil
import tarfile
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "..", "..", "raw", "fsigk")
SEC = timedelta(seconds=1)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
JST = timedelta(hours=9)          # every fake host runs in Asia/Tokyo
EPOCH = datetime(1970, 1, 1)
IGK = "opt/f-secure/fsigk"
PORTS = {"http": 9080, "smtp": 9025, "pop": 9110, "ftp": 9021}


def T(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S")


# Collection time of every case: 2024-02-28 12:00 JST (03:00Z).
NOW = T("2024-02-28 12:00:00")


def syslog_time(t):
    return t.strftime("%b ") + ("%2d" % t.day) + t.strftime(" %H:%M:%S")


def epoch(t):
    return int((t - JST - EPOCH).total_seconds())


RHEL6 = """NAME="CentOS Linux"
VERSION="6.10 (Final)"
ID="centos"
VERSION_ID="6.10"
PRETTY_NAME="CentOS Linux release 6.10 (Final)"
"""

RHEL7 = """NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
"""

LIMITS = """Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max file size             unlimited            unlimited            bytes
Max core file size        unlimited            unlimited            bytes
Max processes             31202                31202                processes
Max open files            %s                 %s                 files
"""

# Fake commands use shell builtins only: the collector runs a fake host's
# commands with nothing but the root's own bin folders on PATH.
FAKE_CMD = """#!/bin/sh
# fake %s: prints a fixture of this host
rc=0
case "$*" in
%s
  *) echo "%s: unsupported in this fake host: $*" >&2; exit 1 ;;
esac
if [ -n "$err" ]; then echo "$err" >&2; fi
if [ -n "$f" ]; then
  while IFS= read -r l || [ -n "$l" ]; do printf '%%s\\n' "$l"; done < "$CASEFILE_ROOT/fixtures/$f"
fi
exit $rc
"""

VIRUSGW = """; Internet Gatekeeper proxy services: one section per service
[http]
port={http_port}
addr=0.0.0.0
pre_spawn={http_pre}
scan_timeout={http_timeout}
transparent={http_transparent}
transparent_tproxy={http_tproxy}
{http_extra}
[smtp]
port={smtp_port}
addr=0.0.0.0
pre_spawn={smtp_pre}
scan_timeout={smtp_timeout}
server=mx1.example.co.jp
server_port=25

[pop]
port={pop_port}
addr=0.0.0.0
pre_spawn={pop_pre}
scan_timeout={pop_timeout}

[ftp]
port={ftp_port}
addr=0.0.0.0
pre_spawn={ftp_pre}
scan_timeout={ftp_timeout}
"""

FSIGK_INI = """; Internet Gatekeeper common settings
[common]
temp_dir={temp_dir}
log_dir=/opt/f-secure/fsigk/log
admin_mail_addr=secadmin@example.co.jp
admin_mx_host={admin_mx_host}
admin_mx_port={admin_mx_port}

[webui]
port=9441
admin_user=admin
admin_password=Zq8#rT2mLw
keycode=IGKL-4P7Q-XR2M-88KD-TW3N
"""


class Host:
    def __init__(self, name, hostname, kernel="2.6.32-754.35.1.el6.x86_64", os_release=RHEL6,
                 boot=T("2024-01-09 06:12:40")):
        self.name = name
        self.dir = os.path.join(HERE, name)
        self.hostname = hostname
        self.kernel = kernel
        self.os_release = os_release
        self.boot = boot
        self.files = {}       # path -> (text, executable)
        self.logs = {}        # path -> [(time, seq, line)]
        self.seq = 0
        self.cmds = {}        # command -> [(args, fixture text or None, rc, stderr)]
        self.procs = [
            (1, 0, "root", "/sbin/init"),
            (612, 1, "root", "/sbin/udevd -d"),
            (1420, 1, "root", "/sbin/rsyslogd -i /var/run/syslogd.pid -c 5"),
            (1502, 1, "root", "/usr/sbin/sshd"),
            (1544, 1, "root", "crond"),
            (1590, 1, "ntp", "ntpd -u ntp:ntp -p /var/run/ntpd.pid -g"),
        ]
        self.sockets = [
            ("tcp", "0.0.0.0:22", "0.0.0.0:*", "LISTEN", "1502/sshd"),
        ]
        self.conf = dict(http_port=9080, http_pre=200, http_timeout=90, http_transparent="no",
                         http_tproxy="no", http_extra="",
                         smtp_port=9025, smtp_pre=50, smtp_timeout=90,
                         pop_port=9110, pop_pre=50, pop_timeout=90,
                         ftp_port=9021, ftp_pre=10, ftp_timeout=90,
                         temp_dir="/opt/f-secure/fsigk/tmp",
                         admin_mx_host="mx1.example.co.jp", admin_mx_port=25)
        self.sem = "250 32000 32 128"
        self.semsets = []     # (key, semid, nsems, uid)
        self.filenr = (2144, 0, 388756)
        self.meminfo = (3922412, 2811240)      # total, available kB
        self.modules = ["ipv6 335589 60", "ip6table_filter 2889 0", "iptable_filter 2793 1",
                        "ip_tables 17831 1 iptable_filter", "e1000 134863 0"]
        self.netdev = {"lo": (0, 0, 0, 0), "eth0": (0, 0, 0, 0)}   # rx errs, rx drop, rx fifo, tx drop
        self.ring = {"eth0": (4096, 4096)}                         # max, current
        self.df = [("/dev/mapper/vg0-root", 41152736, 9211830, 29843098, "/"),
                   ("tmpfs", 1961204, 0, 1961204, "/dev/shm"),
                   ("/dev/sda1", 495844, 98340, 371904, "/boot")]
        self.selinux = "Disabled"
        self.messages = []    # (time, text)
        self.databases = True
        self.commtouch = True     # databases/commtouchunix.0 holds the spam engine library
        self.version = "fsigk-4.10-1328"
        self.extra_files = {}
        self.use_ss = False       # ss -tuanp instead of netstat -anp

    # --- logs ----------------------------------------------------------------
    def log(self, service, kind, t, level, loc, msg, port=None, ipid="-", ms=None):
        """One error or access log line: epoch [date time port ipid] LEVEL [loc] msg."""
        self.seq += 1
        port = port if port is not None else self.conf[service + "_port"]
        ms = ms if ms is not None else (self.seq * 137) % 1000
        head = "%d.%03d [%s %s %s]" % (epoch(t), ms, t.strftime("%Y/%m/%d %H:%M:%S"), port, ipid)
        line = "%s %s [%s] %s" % (head, level, loc, msg) if level else "%s %s" % (head, msg)
        path = "%s/log/%s/%s.log" % (IGK, service, kind)
        self.logs.setdefault(path, []).append((t, self.seq, line))

    def err(self, service, t, level, loc, msg, **kw):
        self.log(service, "error", t, level, loc, msg, **kw)

    def access(self, service, t, ipid, msg):
        self.log(service, "access", t, None, None, "PROXY-STAT:%s:%d:%s" % (service, ipid, msg), ipid=ipid)

    def syslog(self, t, text):
        self.messages.append((t, "%s %s %s" % (syslog_time(t), self.hostname, text)))

    def proc(self, pid, ppid, user, cmd):
        self.procs.append((pid, ppid, user, cmd))

    def sock(self, local, remote, state, owner="-", proto="tcp"):
        self.sockets.append((proto, local, remote, state, owner))

    def igk_running(self, services=("http", "smtp", "pop", "ftp"), base=2300, children=2, fsavd=True, fsasd=True):
        """The proxies (a parent and a few children each), fsavd and fsasd, listening."""
        pid = base
        if fsavd:
            self.proc(pid, 1, "root", "/opt/f-secure/fsigk/bin/fsavd --socket /fsavd-socket-0")
            pid += 1
        if fsasd:
            self.proc(pid, 1, "root", "/opt/f-secure/fsigk/bin/fsasd")
            pid += 1
        for s in services:
            parent = pid
            self.proc(parent, 1, "root", "/opt/f-secure/fsigk/bin/fsigk_%s -c /opt/f-secure/fsigk/conf/virusgw.ini" % s)
            pid += 1
            for _ in range(children):
                self.proc(pid, parent, "root", "/opt/f-secure/fsigk/bin/fsigk_%s -c /opt/f-secure/fsigk/conf/virusgw.ini" % s)
                pid += 1
            self.sock("0.0.0.0:%d" % self.conf[s + "_port"], "0.0.0.0:*", "LISTEN", "%d/fsigk_%s" % (parent, s))

    # --- commands ------------------------------------------------------------
    def cmd(self, name, args, text=None, rc=0, stderr=""):
        self.cmds.setdefault(name, []).append((args, text, rc, stderr))

    # --- renderers -----------------------------------------------------------
    def ps_elf(self):
        out = ["F S UID          PID    PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD"]
        for pid, ppid, user, cmd in sorted(self.procs):
            out.append("4 S %-8s %5d %5d  0  80   0 - %5d -      %s ?        00:00:%02d %s"
                       % (user, pid, ppid, 1000 + pid % 7000, "Jan09", pid % 60, cmd))
        return "\n".join(out) + "\n"

    def netstat(self):
        out = ["Active Internet connections (servers and established)",
               "Proto Recv-Q Send-Q Local Address               Foreign Address             State       PID/Program name"]
        for proto, local, remote, state, owner in self.sockets:
            out.append("%-5s %6d %6d %-27s %-27s %-11s %s" % (proto, 0, 0, local, remote, state, owner))
        return "\n".join(out) + "\n"

    def ss(self):
        names = {"LISTEN": "LISTEN", "ESTABLISHED": "ESTAB", "SYN_RECV": "SYN-RECV", "TIME_WAIT": "TIME-WAIT",
                 "CLOSE_WAIT": "CLOSE-WAIT"}
        out = ["Netid State      Recv-Q Send-Q   Local Address:Port     Peer Address:Port  Process"]
        for proto, local, remote, state, owner in self.sockets:
            users = ""
            if owner != "-":
                pid, prog = owner.split("/", 1)
                users = 'users:(("%s",pid=%s,fd=%d))' % (prog, pid, 3 + int(pid) % 20)
            out.append("%-5s %-10s %-6d %-8d %-22s %-18s %s" % (proto, names.get(state, state), 0,
                                                                128 if state == "LISTEN" else 0, local, remote, users))
        return "\n".join(out) + "\n"

    def df_text(self, rows):
        out = ["Filesystem           1024-blocks      Used Available Capacity Mounted on"]
        for fs, total, used, avail, mount in rows:
            out.append("%-20s %11d %9d %9d %7d%% %s" % (fs, total, used, avail, (used * 100 + total - 1) // total, mount))
        return "\n".join(out) + "\n"

    def netdev_text(self):
        out = ["Inter-|   Receive                                                |  Transmit",
               " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed"]
        for dev in sorted(self.netdev):
            errs, drop, fifo, txdrop = self.netdev[dev]
            rxb, rxp = (918273645, 51234567) if dev != "lo" else (48213377, 301122)
            out.append("%6s: %10d %8d %4d %4d %4d %5d %10d %9d %10d %8d %4d %4d %4d %5d %7d %10d" % (
                dev, rxb, rxp, errs, drop, fifo, 0, 0, 1203 if dev != "lo" else 0,
                rxb * 2 if dev != "lo" else rxb, rxp, 0, txdrop, 0, 0, 0, 0))
        return "\n".join(out) + "\n"

    def ring_text(self, dev):
        mx, cur = self.ring[dev]
        return ("Ring parameters for %s:\nPre-set maximums:\nRX:\t\t%d\nRX Mini:\t0\nRX Jumbo:\t0\nTX:\t\t%d\n"
                "Current hardware settings:\nRX:\t\t%d\nRX Mini:\t0\nRX Jumbo:\t0\nTX:\t\t%d\n" % (dev, mx, mx, cur, cur))

    def ethtool_s(self, dev):
        errs, drop, fifo, _ = self.netdev.get(dev, (0, 0, 0, 0))
        return ("NIC statistics:\n     rx_packets: 51234567\n     tx_packets: 51234567\n     rx_errors: %d\n"
                "     rx_dropped: 0\n     rx_missed_errors: %d\n     rx_no_buffer_count: %d\n     rx_fifo_errors: %d\n"
                % (errs, drop, drop // 3, fifo))

    def database_files(self):
        """Small stand-ins for the engine databases (the collector lists them)."""
        d = IGK + "/databases/"
        files = {d + "aquarius/aqbase.ave": "aquarius base database stand-in\n",
                 d + "aquarius/aqdaily.ave": "aquarius daily database stand-in\n",
                 d + "hydra/hydra.db": "hydra database stand-in\n"}
        if self.commtouch:
            files[d + "commtouchunix.0/libfsasd-lnx32.so"] = "\x7fELF spam engine library stand-in\n"
        return files

    def write(self):
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        up = (NOW - self.boot).total_seconds()
        c = dict(self.conf)
        c["http_extra"] = c["http_extra"]
        files = {
            "etc/hostname": self.hostname + "\n",
            "etc/os-release": self.os_release,
            "etc/timezone": "Asia/Tokyo\n",
            "etc/hosts": "127.0.0.1   localhost localhost.localdomain\n192.0.2.10  %s\n" % self.hostname,
            "etc/resolv.conf": "search example.co.jp\nnameserver 192.0.2.53\n",
            "etc/sysctl.conf": "# Kernel sysctl configuration file\nnet.ipv4.ip_forward = 1\nkernel.sysrq = 0\n",
            "etc/selinux/config": "SELINUX=%s\nSELINUXTYPE=targeted\n" % self.selinux.lower(),
            "etc/sysconfig/iptables-config": '# Load additional iptables modules (nat helpers)\nIPTABLES_MODULES=""\n'
                                             'IPTABLES_SAVE_ON_STOP="no"\nIPTABLES_SAVE_ON_RESTART="no"\n',
            "etc/crontab": "SHELL=/bin/bash\nPATH=/sbin:/bin:/usr/sbin:/usr/bin\nMAILTO=root\n\n"
                           "# .---------------- minute (0 - 59)\n# |  .------------- hour (0 - 23)\n"
                           "# *  *  *  *  * user-name  command to be executed\n",
            "proc/sys/kernel/osrelease": self.kernel + "\n",
            "proc/uptime": "%.2f %.2f\n" % (up, up * 3.1),
            "proc/sys/kernel/sem": self.sem.replace(" ", "\t") + "\n",
            "proc/sys/kernel/core_pattern": "core\n",
            "proc/sys/fs/file-nr": "%d\t%d\t%d\n" % self.filenr,
            "proc/sys/fs/file-max": "%d\n" % self.filenr[2],
            "proc/meminfo": "MemTotal:       %8d kB\nMemFree:        %8d kB\nMemAvailable:   %8d kB\nBuffers:          182340 kB\nCached:          1503112 kB\n"
                            % (self.meminfo[0], self.meminfo[1] // 3, self.meminfo[1]),
            "proc/modules": "".join("%s %s %s %s Live 0xffffffffa0%06x\n" % (
                m.split()[0], m.split()[1], m.split()[2], ",".join(m.split()[3:]) + "," if len(m.split()) > 3 else "-",
                i * 4096) for i, m in enumerate(self.modules)),
            "proc/net/dev": self.netdev_text(),
            "opt/f-secure/fsigk/conf/virusgw.ini": VIRUSGW.format(**c),
            "opt/f-secure/fsigk/conf/fsigk.ini": FSIGK_INI.format(**c),
        }
        sv = ["       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime"]
        for key, semid, nsems, uid in self.semsets:
            sv.append("%10d %10d   600 %10d %5d %5d %5d %5d %10d %10d" % (key, semid, nsems, uid, uid, uid, uid,
                                                                       epoch(NOW - HOUR), epoch(self.boot + DAY)))
        files["proc/sysvipc/sem"] = "\n".join(sv) + "\n"
        msgs = list(self.messages)
        for k in range(4):
            t = NOW - timedelta(hours=20 - 5 * k, minutes=13 * k)
            msgs.append((t, "%s %s ntpd[1590]: synchronized to 192.0.2.123, stratum 2" % (syslog_time(t), self.hostname)))
        msgs.append((NOW - 30 * MIN, "%s %s sshd[%d]: Accepted publickey for opsadmin from 192.0.2.200 port 52114 ssh2"
                     % (syslog_time(NOW - 30 * MIN), self.hostname, 4800 + len(self.hostname))))
        files["var/log/messages"] = "\n".join(l for _, l in sorted(msgs)) + "\n"
        for svc in PORTS:             # every service has its error log, empty when quiet
            files["%s/log/%s/error.log" % (IGK, svc)] = ""
        for path, recs in self.logs.items():
            recs.sort()
            files[path] = "\n".join(r[2] for r in recs) + "\n"
        files["%s/log/dbupdate.log" % IGK] = "".join(
            "%s [dbupdate] database update finished: aquarius, hydra, commtouchunix up to date\n"
            % (NOW - timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S") for h in (26, 14, 2))
        if self.databases:
            files.update(self.database_files())
        for path, text in self.extra_files.items():
            files[path] = text
        for p, text in files.items():
            self.files.setdefault(p, (text, False))

        # fixtures behind the fake commands
        self.cmd("ps", "-elf", self.ps_elf())
        if self.use_ss:
            self.cmd("ss", "-tuanp", self.ss())
        else:
            self.cmd("netstat", "-anp", self.netstat())
        self.cmd("uname", "-a", "Linux %s %s #1 SMP Wed Jun 30 11:05:51 UTC 2021 x86_64 x86_64 x86_64 GNU/Linux\n"
                 % (self.hostname, self.kernel))
        self.cmd("df", "-kP", self.df_text(self.df))
        self.cmd("ls", "/sys/class/net", "".join(d + "\n" for d in sorted(self.netdev)))
        for dev in self.ring:
            self.cmd("ethtool", "-g " + dev, self.ring_text(dev))
            self.cmd("ethtool", "-S " + dev, self.ethtool_s(dev))
        self.cmd("getenforce", "", self.selinux + "\n")
        self.cmd("rpm", "-q fsigk", self.version + ".i386\n")

        for pid, ppid, user, cmd in self.procs:
            if "proc/%d/comm" % pid not in self.files:
                proc_dir(self, pid, cmd, 3 + pid % 3, ppid=ppid, uid=0 if user == "root" else 38)
        self.files.setdefault("proc/stat", ("cpu  1 2 3 4\nbtime %d\n" % epoch(self.boot), False))

        for name, variants in self.cmds.items():
            cases = []
            for i, (args, text, rc, stderr) in enumerate(variants):
                fx = ""
                if text is not None:
                    fx = "%s-%d.txt" % (name, i)
                    self.files["fixtures/" + fx] = (text, False)
                cases.append('  "%s") f=%s; rc=%d; err="%s" ;;' % (args, fx, rc, stderr))
            self.files["bin/" + name] = (FAKE_CMD % (name, "\n".join(cases), name), True)

        for path, (text, exe) in sorted(self.files.items()):
            full = os.path.join(self.dir, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            mode = "wb" if isinstance(text, bytes) else "w"
            with open(full, mode) as f:
                f.write(text)
            os.chmod(full, 0o755 if exe else 0o644)


def proc_dir(h, pid, cmd, nfds, soft=1024, hard=4096, ppid=1, uid=0):
    """A /proc/<pid> folder the process-limits builtin reads (fd entries counted)."""
    comm = os.path.basename(cmd.split()[0])[:15]
    d = "proc/%d/" % pid
    h.files[d + "cmdline"] = ("\0".join(cmd.split()) + "\0", False)
    h.files[d + "comm"] = (comm + "\n", False)
    h.files[d + "status"] = ("Name:\t%s\nState:\tS (sleeping)\nPid:\t%d\nPPid:\t%d\nUid:\t%d\t%d\t%d\t%d\n"
                             % (comm, pid, ppid, uid, uid, uid, uid), False)
    h.files[d + "limits"] = (LIMITS % (soft, hard), False)
    for i in range(nfds):
        h.files[d + "fd/%d" % i] = ("", False)


def diag_tar(members, mtime):
    """A deterministic diag.tar.gz: {inner path: text}."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name in sorted(members):
            data = members[name].encode()
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = epoch(mtime)
            ti.mode = 0o644
            ti.uname = ti.gname = "root"
            tf.addfile(ti, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def quiet_day(h, services=("http", "smtp", "pop", "ftp"), day=T("2024-02-27 00:00:00")):
    """Ordinary access-log traffic: a few PROXY-STAT lines per service."""
    for i, s in enumerate(services):
        for k in range(6):
            t = day + timedelta(hours=8 + k, minutes=7 * i + k)
            h.access(s, t, k % 3, "client=192.0.2.%d:%d:time=%.3f" % (40 + k, 40000 + 17 * k, 0.2 + k / 10))


# ============================================================================
# Hosts
# ============================================================================

def portclash():
    """SMTP proxy set to port 25, where Postfix already listens on the
    loopback: bind fails; ss (not netstat) gives the socket table."""
    h = Host("igk-portclash", "igk-mx01", kernel="3.10.0-1160.108.1.el7.x86_64", os_release=RHEL7)
    h.conf.update(smtp_port=25)
    h.igk_running(services=("http", "pop"))
    h.proc(1187, 1, "root", "/usr/libexec/postfix/master -w")
    h.proc(1190, 1187, "postfix", "pickup -l -t unix -u")
    h.proc(1191, 1187, "postfix", "qmgr -l -t unix -u")
    h.sock("127.0.0.1:25", "0.0.0.0:*", "LISTEN", "1187/master")
    h.sock("::1:25", ":::*", "LISTEN", "1187/master", proto="tcp6")
    h.sock("192.0.2.10:9080", "192.0.2.61:51012", "ESTABLISHED", "2305/fsigk_http")
    t = T("2024-02-28 08:31:02")
    for k in range(3):
        h.err("smtp", t + k * 5 * MIN, "CRITICAL", "main/bind_port",
              "bind=Address already in use(98) (addr=0.0.0.0, port=25). # Please check whether other "
              "service(mail/web server,etc...) is already running on port 25.", port=25)
    for k, url in enumerate(["http://shop.example.com/cart", "http://shop.example.com/cart/checkout",
                             "http://news.example.org/"]):
        h.err("http", T("2024-02-28 09:14:40") + k * 23 * MIN, "WARNING", "http/recv_response_header",
              "Too large header (>17408) ignored. URL=[%s]" % url, ipid=str(k))
    quiet_day(h, services=("http", "pop"))
    h.use_ss = True
    return h


def maxconn():
    """HTTP with scan_timeout=0 saturates all day; SMTP saturates with the
    timeout at its default (limit too low); POP hits the limit twice."""
    h = Host("igk-maxconn", "igk-proxy02")
    h.conf.update(http_timeout=0, http_pre=200, smtp_pre=50, pop_pre=50)
    h.meminfo = (8058236, 1258291)
    h.igk_running()
    # at collection: HTTP saturated (200 established + SYN_RECV backlog)
    for k in range(200):
        h.sock("192.0.2.10:9080", "10.20.%d.%d:%d" % (k // 200 + 1, 10 + k % 200, 50000 + k), "ESTABLISHED",
               "%d/fsigk_http" % (2306 + k % 2))
    for k in range(6):
        h.sock("192.0.2.10:9080", "10.20.3.%d:%d" % (20 + k, 61000 + k), "SYN_RECV")
    for k in range(31):
        h.sock("192.0.2.10:9025", "10.30.0.%d:%d" % (5 + k, 42000 + k), "ESTABLISHED", "2309/fsigk_smtp")
    # HTTP: frequent from 09:00
    t = T("2024-02-28 09:02:10")
    for k in range(26):
        h.err("http", t + k * 4 * MIN + (k % 3) * 17 * SEC, "WARNING", "main/accept_loop",
              "Maximum connections: warning: Client connections reached maximum connections(200). More request "
              "will be blocked/rejected. If there is many warnings, please increase 'Maximum Connections' "
              "settings(pre_spawn value of virusgw.ini) of this service. (400 will be good value as start line).")
    for k in range(200):
        h.access("http", T("2024-02-28 10:40:00") + k * 2 * SEC, k,
                 "client=10.20.1.%d:%d:time=%.3f" % (10 + k % 200, 50000 + k, 35 + k / 10))
    # SMTP: frequent, timeout at default
    t = T("2024-02-27 13:05:00")
    for k in range(9):
        h.err("smtp", t + k * 6 * MIN, "WARNING", "main/accept_loop",
              "Maximum connections: warning: Client connections reached maximum connections(50). More request "
              "will be blocked/rejected. If there is many warnings, please increase 'Maximum Connections' "
              "settings(pre_spawn value of virusgw.ini) of this service. (100 will be good value as start line).")
    for k in range(50):
        h.access("smtp", T("2024-02-27 13:20:00") + k * 3 * SEC, k, "client=10.30.0.%d:%d:time=%.3f" % (5 + k, 42000 + k, 4.2))
    # POP: twice on two days
    for t in (T("2024-02-27 08:45:31"), T("2024-02-28 08:51:02")):
        h.err("pop", t, "WARNING", "main/accept_loop",
              "Maximum connections: warning: Client connections reached maximum connections(50). More request "
              "will be blocked/rejected. If there is many warnings, please increase 'Maximum Connections' "
              "settings(pre_spawn value of virusgw.ini) of this service. (100 will be good value as start line).")
    quiet_day(h, services=("pop", "ftp"))
    return h


def netslow():
    """Downloads stall and are cut after 120 s; eth0 drops packets with its
    RX ring at 256 of 4096; the HTTP limit is reached as connections hang."""
    h = Host("igk-netslow", "igk-proxy03")
    h.netdev = {"lo": (0, 0, 0, 0), "eth0": (0, 48213, 1022, 0), "eth1": (0, 0, 0, 0)}
    h.ring = {"eth0": (4096, 256), "eth1": (4096, 4096)}
    h.igk_running()
    urls = ["http://download.example.com/iso/tools-2024.02.iso", "http://cdn.example.net/update/pkg-7.1.3.tar.gz",
            "http://files.example.org/video/training-03.mp4"]
    t = T("2024-02-28 10:03:12")
    for k in range(12):
        written = 1048576 * (3 + k)
        h.err("http", t + k * 4 * MIN + k * 7 * SEC, "WARNING", "http/sendfile_loop",
              "sendfile timeout: No data can be sent for 120 seconds. There may be a temporary network problem "
              "between receiver. / URL=[%s], n=%d, written=%d, filelen=%d, writesize=%d"
              % (urls[k % 3], 40 + k, written, written * 4 + 3172, 65536), ipid=str(k))
    for k in range(7):
        h.err("http", T("2024-02-28 10:20:02") + k * 5 * MIN, "WARNING", "main/accept_loop",
              "Maximum connections: warning: Client connections reached maximum connections(200). More request "
              "will be blocked/rejected. If there is many warnings, please increase 'Maximum Connections' "
              "settings(pre_spawn value of virusgw.ini) of this service. (400 will be good value as start line).")
    for k in range(60):
        h.sock("192.0.2.10:9080", "10.40.0.%d:%d" % (10 + k, 52000 + k), "ESTABLISHED", "2306/fsigk_http")
    quiet_day(h)
    return h


def sem_low():
    """The HTTP limit was raised to 400; at restart semget fails: SEMMNI is
    the distribution's 128 and other software holds 97 sets already."""
    h = Host("igk-sem", "igk-mail01")
    h.conf.update(http_pre=400)
    h.sem = "250 32000 32 128"
    h.igk_running(services=("smtp", "pop", "ftp"))
    h.proc(3120, 1, "postgres", "/usr/pgsql-9.6/bin/postmaster -D /var/lib/pgsql/9.6/data")
    for k in range(97):
        uid = 26 if k < 40 else 0
        h.semsets.append((0 if k < 40 else 0x5100a000 + k, 32768 * (k % 4) + k, 17 if uid == 26 else 1, uid))
    t = T("2024-02-28 09:12:44")
    h.err("http", t, "CRITICAL", "main/child_init",
          "semget=No space left on device(28) semget failure. Childnum(pre_spawn=400) may be large. If needed, "
          "maximum semaphore number(SEMMNI) can be increased by adding a line like 'kernel.sem=250 128000 32 512' "
          "in '/etc/sysctl.conf' and running 'sysctl -p'.")
    h.err("http", t + 14 * MIN, "CRITICAL", "main/child_init",
          "semget=No space left on device(28) semget failure. Childnum(pre_spawn=400) may be large. If needed, "
          "maximum semaphore number(SEMMNI) can be increased by adding a line like 'kernel.sem=250 128000 32 512' "
          "in '/etc/sysctl.conf' and running 'sysctl -p'.")
    # A diag.tar.gz made a week earlier, before the limit was raised, lies
    # in the install directory: its process and semaphore tables are stale
    # (the proxies ran then, other software held fewer sets) and must not
    # be counted with the live ones.
    diag_time = T("2024-02-21 15:20:00")
    old = Host("igk-sem-old", h.hostname)
    old.igk_running()
    stale = ["       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime"]
    for k in range(60):
        stale.append("%10d %10d   600 %10d %5d %5d %5d %5d %10d %10d" % (0, 98304 + k, 1, 0, 0, 0, 0,
                                                                        epoch(diag_time - HOUR), epoch(diag_time - DAY)))
    h.files[IGK + "/diag.tar.gz"] = (diag_tar({
        "system/ps_elf.txt": old.ps_elf(),
        "system/netstat_anp.txt": old.netstat(),
        "system/sysctl_a.txt": "fs.file-max = 388756\nfs.file-nr = 1876\t0\t388756\nkernel.sem = 250\t32000\t32\t128\n",
        "system/sysvipc_sem.txt": "\n".join(stale) + "\n",
    }, diag_time), False)
    quiet_day(h, services=("smtp", "pop", "ftp"))
    return h


def files_tmp():
    """fs.file-max was lowered to 4096 in sysctl.conf; a leaking log shipper
    holds most handles and the proxies hit ENFILE. Also: temp_dir under
    /tmp, swept every 10 minutes by a cron job deleting files older than 5
    minutes, so long scans lose their temporary files."""
    h = Host("igk-files", "igk-gw04")
    h.conf.update(temp_dir="/tmp/fsigk")
    h.filenr = (4064, 0, 4096)
    h.extra_files["etc/sysctl.conf"] = ("# Kernel sysctl configuration file\nnet.ipv4.ip_forward = 1\n"
                                        "# hardening baseline 2019\nfs.file-max = 4096\n")
    h.extra_files["etc/cron.d/cleanup-tmp"] = ("# keep /tmp small\nSHELL=/bin/sh\n"
                                               "*/10 * * * * root find /tmp -type f -mmin +5 -delete\n")
    h.igk_running()
    h.proc(2875, 1, "root", "/opt/logship/bin/logshipd --config /etc/logship/logship.yml")
    proc_dir(h, 2875, "/opt/logship/bin/logshipd --config /etc/logship/logship.yml", 2750, 65536, 65536)
    proc_dir(h, 2304, "/opt/f-secure/fsigk/bin/fsigk_http -c /opt/f-secure/fsigk/conf/virusgw.ini", 412)
    proc_dir(h, 1420, "/sbin/rsyslogd -i /var/run/syslogd.pid -c 5", 61)
    t = T("2024-02-28 10:02:07")
    for k in range(9):
        call = ["accept", "open", "socket"][k % 3]
        h.err("http", t + k * 2 * MIN + k * 3 * SEC, "CRITICAL" if call == "accept" else "WARNING",
              "main/accept_loop" if call == "accept" else "http/scan_file",
              "%s=Too many open files in system(23) %s" % (call, "accept failed" if call == "accept" else
                                                          "cannot create temporary file" if call == "open" else
                                                          "cannot connect to server"), ipid="-" if call == "accept" else str(k))
    for k, t in enumerate([T("2024-02-27 15:40:12"), T("2024-02-27 16:10:44"), T("2024-02-28 09:20:31")]):
        h.err("http", t, "WARNING", "http/scan_file",
              "open=No such file or directory(2) cannot open temporary file /tmp/fsigk/http_%d_%d.tmp" % (2306 + k, 1700 + k * 31),
              ipid=str(k + 3))
    quiet_day(h)
    return h


def tmpfull():
    """/opt is nearly full (install dir and temp_dir on it): HTTP and SMTP
    refuse to start with under 5 MB free in the temporary directory."""
    h = Host("igk-tmpfull", "igk-gw05")
    h.df = [("/dev/mapper/vg0-root", 10190136, 7331900, 2333948, "/"),
            ("/dev/mapper/vg0-opt", 5029504, 4763012, 3148, "/opt"),
            ("tmpfs", 1961204, 0, 1961204, "/dev/shm")]
    h.igk_running(services=("pop", "ftp"))
    for s, t in (("http", T("2024-02-28 07:58:03")), ("smtp", T("2024-02-28 07:58:04")),
                 ("http", T("2024-02-28 08:30:12"))):
        h.err(s, t, "CRITICAL", "main/check_tmpdir",
              "not enough disk space in temporary directory [/opt/f-secure/fsigk/tmp]. (%d kB free?)(ret=-1)"
              % (2912 if t.hour == 7 else 3020))
    quiet_day(h, services=("pop", "ftp"))
    return h


def av_onaccess():
    """ClamAV on-access scanning (clamonacc) was installed on the gateway and
    watches /opt: the proxies refuse to start."""
    h = Host("igk-av", "igk-gw09", kernel="3.10.0-1160.108.1.el7.x86_64", os_release=RHEL7)
    h.igk_running(services=(), fsasd=True)
    h.proc(3301, 1, "clamscan", "/usr/sbin/clamd -c /etc/clamd.d/scan.conf")
    h.proc(3320, 1, "root", "/usr/sbin/clamonacc --fdpass --log=/var/log/clamonacc.log")
    for s, k in (("http", 0), ("smtp", 1), ("pop", 2), ("ftp", 3)):
        h.err(s, T("2024-02-28 09:40:10") + k * SEC, "CRITICAL", "main/check_tmpdir",
              "Realtime virus scan seems to be enabled. Please stop realtime virus scan, or exclude scanning for "
              "temporary directory(/opt/f-secure/fsigk/tmp)")
    return h


def engine_selinux():
    """SELinux enforcing after a relabel: fsavd may not read the databases;
    vsc_start() fails and the proxies cannot reach fsavd's socket."""
    h = Host("igk-engine", "igk-gw06")
    h.selinux = "Enforcing"
    h.igk_running(fsavd=False)
    t = T("2024-02-28 09:58:11")
    for k in range(3):
        tt = t + k * 10 * MIN
        h.syslog(tt, 'kernel: type=1400 audit(%d.%03d:%d): avc:  denied  { read } for  pid=%d comm="fsavd" '
                 'name="aqbase.ave" dev="dm-2" ino=1835%03d scontext=system_u:system_r:initrc_t:s0 '
                 'tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=file permissive=0'
                 % (epoch(tt), 331, 212 + k, 4410 + k, 21 + k))
        h.err("http", tt + SEC, "WARNING", "fsav/vsc_init", "vsc_start() error")
    h.syslog(t - 2 * MIN, "systemd[1]: Started Internet Gatekeeper scan engine.")
    for k in range(5):
        h.err("http" if k % 2 == 0 else "smtp", T("2024-02-28 10:31:00") + k * 6 * MIN, "WARNING", "fsav/open_session",
              "fsav_open_session: Cannot connect to fsavd's socket(/fsavd-socket-0). fsavd may be not running. "
              "Please run 'rc.fsigk_fsavd restart' to restart fsavd.", ipid=str(k))
    quiet_day(h)
    return h


def mail():
    """Admin notifications: first the relay host name does not resolve, then
    the new address refuses connections on port 2525; recipient
    notifications are refused by the relay; the FTP server times out NOOPs."""
    h = Host("igk-mail", "igk-mail02")
    h.conf.update(admin_mx_host="192.0.2.25", admin_mx_port=2525)
    h.igk_running()
    for k in range(4):
        h.err("smtp", T("2024-02-27 10:12:40") + k * 47 * MIN, "WARNING", "notify/admin_mail",
              "getaddrinfo failed. admin_mx_host=[mailhub.corp.example] admin_mx_port=[25] "
              "gai_strerror=[Name or service not known]", ipid=str(k))
    for k in range(6):
        h.err("http" if k % 2 else "smtp", T("2024-02-28 08:05:10") + k * 31 * MIN, "WARNING", "notify/admin_mail",
              "connect=Connection refused(111) cannot connect to admin mail server[192.0.2.25:2525]", ipid=str(k))
    for k in range(3):
        h.err("smtp", T("2024-02-28 09:44:02") + k * 19 * MIN, "WARNING", "notify/send_mail",
              "[Block]:smtp error:[RCPT TO]: buf=[554 5.7.1 <user%d@example.net>: Relay access denied]" % (k + 1),
              ipid=str(k + 10))
    for k in range(2):
        h.err("ftp", T("2024-02-28 10:15:33") + k * 42 * MIN, "WARNING", "ftp/keep_alive",
              "NOOP command reply error [421 Timeout.]", ipid=str(k))
    h.extra_files["etc/hosts"] = "127.0.0.1   localhost localhost.localdomain\n192.0.2.10  igk-mail02\n192.0.2.30  intranet.corp.example\n"
    quiet_day(h)
    return h


def trial():
    """An evaluation install whose licence ran out; its first spam database
    download never completes (the update proxy wants authentication) and
    fsasd is down."""
    h = Host("igk-trial", "igk-eval01")
    h.igk_running(fsasd=False)
    for t in (T("2024-02-27 00:00:05"), T("2024-02-28 00:00:05")):
        h.err("http", t, "CRITICAL", "license/check", "LICENSE_ERROR#ret=-1#msg=License Expired")
    t = T("2024-02-28 06:10:00")
    for k in range(11):
        detail = ("dlopen(/databases/commtouchunix.0/libfsasd-lnx32.so) failed. dlerror(): "
                  "./databases/commtouchunix.0/libfsasd-lnx32.so: cannot open shared object file: No such file or directory"
                  if k % 2 == 0 else "FsasFunctionsInitialize failed.")
        h.err("smtp", t + k * 33 * MIN, "WARNING", "spam/init",
              "Commtouch database error: Initial database update may be on going. Wait a moment. (%s)" % detail, ipid=str(k))
    for k in range(4):
        h.err("pop", T("2024-02-28 08:12:19") + k * 45 * MIN, "WARNING", "spam/open_session",
              "fsas_open_session(/fsasd-socket) failed.", ipid=str(k))
    h.commtouch = False
    dbu = []
    for k in range(6):
        tt = T("2024-02-28 06:05:00") + k * HOUR
        dbu.append("%s [dbupdate] downloading commtouchunix database from update server" % tt.strftime("%Y-%m-%d %H:%M:%S"))
        dbu.append("%s [dbupdate] ERROR: HTTP proxy 192.0.2.8:8080 returned 407 Proxy Authentication Required"
                   % (tt + 2 * SEC).strftime("%Y-%m-%d %H:%M:%S"))
    h.extra_files["opt/f-secure/fsigk/log/dbupdate.log"] = "\n".join(dbu) + "\n"
    quiet_day(h)
    return h


def tproxy():
    """TurboLinux 10 Server on kernel 2.6.8-3, HTTP set up as a transparent
    proxy with tproxy; iptable_tproxy is not loaded."""
    h = Host("igk-tproxy", "igk-tl10", kernel="2.6.8-3",
             os_release='NAME="Turbolinux"\nVERSION="10 (Celeste)"\nID=turbolinux\n')
    h.conf.update(http_transparent="yes", http_tproxy="yes")
    h.extra_files["etc/turbolinux-release"] = "Turbolinux Server 10 (Celeste)\n"
    h.extra_files["etc/sysconfig/iptables-config"] = ('# Additional iptables modules\nIPTABLES_MODULES="ip_conntrack_ftp"\n'
                                                      'IPTABLES_SAVE_ON_STOP="no"\n')
    h.modules = ["ip_conntrack_ftp 71825 0", "iptable_filter 3009 1", "ip_conntrack 41497 1 ip_conntrack_ftp",
                 "ip_tables 18433 1 iptable_filter", "e100 32513 0"]
    h.meminfo = (1027124, 402113)
    h.igk_running(services=("smtp", "pop", "ftp"))
    h.err("http", T("2024-02-28 09:03:55"), "CRITICAL", "main/tproxy_init",
          'Cannot find tproxy(version2) interface. Tproxy kernel patch is required. Please apply the tproxy patch '
          'and check that "/proc/net/tproxy" exists. Please see document for "transparent_tproxy" settings for details.')
    h.err("http", T("2024-02-28 09:21:10"), "CRITICAL", "main/tproxy_init",
          'Cannot find tproxy(version2) interface. Tproxy kernel patch is required. Please apply the tproxy patch '
          'and check that "/proc/net/tproxy" exists. Please see document for "transparent_tproxy" settings for details.')
    quiet_day(h, services=("smtp", "pop", "ftp"))
    return h


def legacy():
    """A very old gateway on kernel 2.2: resets right after connect."""
    h = Host("igk-legacy", "igk-old01", kernel="2.2.14-5.0",
             os_release='NAME="Red Hat Linux"\nVERSION="6.2 (Zoot)"\nID=redhat\n')
    h.igk_running(services=("http", "smtp"))
    for k in range(5):
        h.err("http", T("2024-02-28 07:12:09") + k * 37 * MIN, "WARNING", "main/accept_loop",
              "accept=Connection reset by peer(104) main/accept_loop/accept(s=%d)" % (5 + k % 2))
    quiet_day(h, services=("http", "smtp"))
    return h


def crash():
    """The HTTP proxy's children crash with SIGSEGV three times in an hour,
    an SMTP child once with SIGABRT (not followed by a restart); the cores
    and a diag.tar.gz are in the install directory."""
    h = Host("igk-crash", "igk-gw07")
    h.igk_running()
    crashes = [(T("2024-02-28 10:41:07"), 23817, 14), (T("2024-02-28 11:02:51"), 24410, 9),
               (T("2024-02-28 11:29:30"), 25102, 31)]
    for t, pid, child in crashes:
        h.err("http", t, "WARNING", "main/sig_child",
              "child(%d) stopped.(sig=17[SIGCHLD], si_code=3[CLD_DUMPED],status=11, childid=%d, cur_pid=2304,pid=%d"
              % (child, child, pid))
        h.err("http", t, "WARNING", "main/sig_child",
              "core dumped(child proxy process). Please send core file(core or core.xxx) on the installation "
              "directory and diag.tar.gz to support center. (child=%d,sig=17[SIGCHLD],si_code=3[CLD_DUMPED],"
              "status=11(Segmentation fault),childid=%d,cur_pid=2304,pid=%d)" % (child, child, pid))
        h.err("http", t + SEC, "WARNING", "main/error_recovery", "Error recovery: restarting service...")
    # One SMTP child crashed too, later, and no restart was logged after it.
    t, pid, child = T("2024-02-28 11:48:12"), 26033, 3
    h.err("smtp", t, "WARNING", "main/sig_child",
          "child(%d) stopped.(sig=17[SIGCHLD], si_code=3[CLD_DUMPED],status=6, childid=%d, cur_pid=2307,pid=%d"
          % (child, child, pid))
    h.err("smtp", t, "WARNING", "main/sig_child",
          "core dumped(child proxy process). Please send core file(core or core.xxx) on the installation "
          "directory and diag.tar.gz to support center. (child=%d,sig=17[SIGCHLD],si_code=3[CLD_DUMPED],"
          "status=6(Aborted),childid=%d,cur_pid=2307,pid=%d)" % (child, child, pid))
    crashes.append((t, pid, child))
    diag_time = T("2024-02-28 11:35:00")
    h.files[IGK + "/diag.tar.gz"] = (diag_tar({
        "system/netstat_anp.txt": h.netstat(),
        "system/ps_elf.txt": h.ps_elf(),
        "system/uname_a.txt": "Linux igk-gw07 %s #1 SMP x86_64 GNU/Linux\n" % h.kernel,
        "system/sysctl_a.txt": "fs.file-max = 388756\nfs.file-nr = 2144\t0\t388756\nkernel.sem = 250\t32000\t32\t128\n",
    }, diag_time), False)
    for t, pid, child in crashes:
        # a tiny stand-in for a core file (an ELF header and some padding)
        h.files[IGK + "/core.%d" % pid] = (b"\x7fELF\x01\x01\x01\x00" + b"\x00" * 56 + b"CORE fsigk_http\x00" * 4, False)
    quiet_day(h)
    return h


def healthy():
    """A gateway with nothing wrong: quiet error logs, normal limits."""
    h = Host("igk-healthy", "igk-gw08")
    h.sem = "250 128000 32 512"
    h.igk_running()
    for k in range(20):
        h.sock("192.0.2.10:9080", "10.50.0.%d:%d" % (10 + k, 53000 + k), "ESTABLISHED", "2306/fsigk_http")
    quiet_day(h)
    quiet_day(h, day=T("2024-02-28 00:00:00"))
    return h


# ============================================================================
# The raw customer upload: error.log and diag.tar.gz, no bundle
# ============================================================================

def raw_upload():
    """A customer sent error.log and diag.tar.gz by mail: HTTP will not start.
    The proxies were killed with kill -9 during a hang and the semaphore
    table (SEMMNI already 512) is full of their leftovers; Apache, started
    meanwhile by a colleague, now holds port 9080."""
    d = os.path.join(RAW, "customer-upload")
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    h = Host("raw", "igk-cust01")
    h.sockets = [("tcp", "0.0.0.0:22", "0.0.0.0:*", "LISTEN", "1502/sshd"),
                 ("tcp", "0.0.0.0:9080", "0.0.0.0:*", "LISTEN", "4410/httpd"),
                 ("tcp", "0.0.0.0:9025", "0.0.0.0:*", "LISTEN", "2309/fsigk_smtp")]
    h.procs += [(4410, 1, "root", "/usr/sbin/httpd"), (4411, 4410, "apache", "/usr/sbin/httpd"),
                (2309, 1, "root", "/opt/f-secure/fsigk/bin/fsigk_smtp -c /opt/f-secure/fsigk/conf/virusgw.ini")]
    t = T("2024-02-26 16:20:05")
    lines = []

    def L(t, port, ipid, level, loc, msg):
        lines.append("%d.%03d [%s %s %s] %s [%s] %s" % (epoch(t), 500, t.strftime("%Y/%m/%d %H:%M:%S"), port, ipid,
                                                        level, loc, msg))
    L(t, 9080, "-", "CRITICAL", "main/child_init",
      "semget=No space left on device(28) semget failure. Childnum(pre_spawn=200) may be large. If needed, "
      "maximum semaphore number(SEMMNI) can be increased by adding a line like 'kernel.sem=250 128000 32 512' "
      "in '/etc/sysctl.conf' and running 'sysctl -p'.")
    L(t + 9 * MIN, 9080, "-", "CRITICAL", "main/child_init",
      "semget=No space left on device(28) semget failure. Childnum(pre_spawn=200) may be large. If needed, "
      "maximum semaphore number(SEMMNI) can be increased by adding a line like 'kernel.sem=250 128000 32 512' "
      "in '/etc/sysctl.conf' and running 'sysctl -p'.")
    L(T("2024-02-27 09:05:41"), 9080, "-", "CRITICAL", "main/bind_port",
      "bind=Address already in use(98) (addr=0.0.0.0, port=9080). # Please check whether other "
      "service(mail/web server,etc...) is already running on port 9080.")
    with open(os.path.join(d, "error.log"), "w") as f:
        f.write("\n".join(lines) + "\n")
    sem = ["       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime"]
    for k in range(512):
        sem.append("%10d %10d   600 %10d %5d %5d %5d %5d %10d %10d" % (0, 65536 + k, 1, 0, 0, 0, 0, 0,
                                                                      epoch(T("2024-02-19 08:00:00"))))
    with open(os.path.join(d, "diag.tar.gz"), "wb") as f:
        f.write(diag_tar({
            "system/netstat_anp.txt": h.netstat(),
            "system/ps_elf.txt": h.ps_elf(),
            "system/uname_a.txt": "Linux igk-cust01 2.6.32-754.35.1.el6.x86_64 #1 SMP x86_64 GNU/Linux\n",
            "system/sysctl_a.txt": "fs.file-max = 388756\nfs.file-nr = 1920\t0\t388756\nkernel.sem = 250\t128000\t32\t512\n",
            "system/sysvipc_sem.txt": "\n".join(sem) + "\n",
            "system/lsmod.txt": "Module                  Size  Used by\nipv6                  335589  60\ne1000                 134863  0\n",
            "conf/virusgw.ini": VIRUSGW.format(**h.conf),
        }, T("2024-02-27 09:30:00")))


def main():
    hosts = [portclash(), maxconn(), netslow(), sem_low(), files_tmp(), tmpfull(), av_onaccess(),
             engine_selinux(), mail(), trial(), tproxy(), legacy(), crash(), healthy()]
    for h in hosts:
        h.write()
    raw_upload()


if __name__ == "__main__":
    main()
