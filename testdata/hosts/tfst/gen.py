#!/usr/bin/env python3
"""Generate the fake TFST hosts under testdata/hosts/tfst/.

What comes from the TFST troubleshooting notes (IBM Firewall Security
Toolbox User's Guide appendix A, the interim fix list and APAR IY55176):
the log line layout (YY/MM/DD HH:MM:SS <level> <thread> <message>), the
message texts the profile keys on (routingManager WHO/TELL lines,
multiplex.newsessopen, gatewayProxySender / routedSessionCreate /
routedSessionOpen failures, accept() e=24 and its abdb_open / find_record
aftermath), the file names (epp.log, gwp.log, epp.cfg, gwp.cfg, debug-level,
last.cfg log_threshold, $DBDIR/gatelog, $DBDIR/epmgrlog), the process line
"/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy", the -v output and the
levels 1.3.1-TFS-0002/0009/0011.

Everything else is invented: host names, addresses, ports, labels, times,
counts, thread ids, and every surrounding log line.

Run from anywhere: python3 testdata/hosts/tfst/gen.py  (deterministic).
"""
import os
import random
import shutil
import stat
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
SEC = timedelta(seconds=1)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def T(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S")


VERSIONS = {
    "0002": ("1.3.1", "20040120A", "1.3.1-TFS-0002"),
    "0009": ("1.3.1", "20061016A", "1.3.1-TFS-0009"),
    "0011": ("1.3.1", "20080227A", "1.3.1-TFS-0011"),
}

OS_RELEASE = """NAME="Red Hat Enterprise Linux Server"
VERSION="5.4 (Tikanga)"
ID="rhel"
VERSION_ID="5.4"
PRETTY_NAME="Red Hat Enterprise Linux Server release 5.4 (Tikanga)"
"""

BASE_PROCS = [
    # pid, ppid, user, cmd
    (1, 0, "root", "init [3]"),
    (412, 1, "root", "/sbin/udevd -d"),
    (2011, 1, "root", "syslogd -m 0"),
    (2014, 1, "root", "klogd -x"),
    (2254, 1, "root", "/usr/sbin/sshd"),
    (2290, 1, "root", "crond"),
    (2301, 1, "ntp", "ntpd -u ntp:ntp -p /var/run/ntpd.pid -g"),
]


class Host:
    def __init__(self, dirname, hostname, ip, tz, now, boot, seed):
        self.dir = os.path.join(HERE, dirname)
        self.hostname, self.ip, self.tz = hostname, ip, tz
        self.now = now          # collection time, host local
        self.boot = boot        # host boot time, host local
        self.rng = random.Random(seed)
        self.files = {}         # relative path -> (text, executable)
        self.logs = {}          # relative path -> [(time, seq, text)]
        self.procs = []         # (pid, ppid, user, start, cmd)
        self.sockets = []       # (proto, recvq, sendq, local, foreign, state, owner)
        self.seq = 0
        self.nofile = {}        # pid -> (soft, hard) open-file limit
        self.proc_net = False   # also write /proc/net/tcp and the sockets' fd links
        for pid, ppid, user, cmd in BASE_PROCS:
            self.procs.append((pid, ppid, user, boot + timedelta(seconds=pid // 40), cmd))
        self.sockets += [
            ("tcp", 0, 0, "0.0.0.0:22", "0.0.0.0:*", "LISTEN", "2254/sshd"),
            ("tcp", 0, 0, "127.0.0.1:25", "0.0.0.0:*", "LISTEN", "2270/sendmail: acce"),
            ("udp", 0, 0, "0.0.0.0:123", "0.0.0.0:*", "", "2301/ntpd"),
        ]

    # --- content helpers ---------------------------------------------------
    def file(self, path, text, exe=False):
        self.files[path] = (text, exe)

    def log(self, path, t, level, tid, msg):
        self.seq += 1
        self.logs.setdefault(path, []).append((t, self.seq, "%s %d %d %s" % (t.strftime("%y/%m/%d %H:%M:%S"), level, tid, msg)))

    def jam(self, path, t, parts):
        """Several records written into one physical line (two threads
        writing at once): parts are (dt, level, tid, msg)."""
        self.seq += 1
        text = " ".join("%s %d %d %s" % ((t + dt).strftime("%y/%m/%d %H:%M:%S"), lv, tid, msg) for dt, lv, tid, msg in parts)
        self.logs.setdefault(path, []).append((t, self.seq, text))

    def proc(self, pid, ppid, user, start, cmd):
        self.procs.append((pid, ppid, user, start, cmd))

    def sock(self, local, foreign, state, owner, proto="tcp", recvq=0, sendq=0):
        self.sockets.append((proto, recvq, sendq, local, foreign, state, owner))

    def version_script(self, path, level):
        rel, build, fix = VERSIONS[level]
        name = os.path.basename(path)
        self.file(path, """#!/bin/sh
# fake %s: only -v is supported
if [ "$1" = "-v" ]; then
  echo "Tivoli Firewall Security Toolbox ver. %s - level %s."
  echo "Interim fix ID = %s."
  exit 0
fi
echo "usage: %s -v | <install directory>" >&2
exit 2
""" % (name, rel, build, fix, name), exe=True)

    def cfg(self, path, comment, level, extra=()):
        lines = ["# %s" % comment, "# written by the installer; debug-level raised or lowered by hand", ""]
        lines += ["debug-level=%d" % level]
        lines += list(extra)
        self.file(path, "\n".join(lines) + "\n")

    # --- rendering -----------------------------------------------------------
    def ps_elf(self):
        out = ["F S UID        PID  PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD"]
        for pid, ppid, user, start, cmd in sorted(self.procs):
            if start.date() == self.now.date():
                stime = start.strftime("%H:%M")
            else:
                stime = start.strftime("%b%d")
            cpu = self.rng.randint(1, 900) if pid < 3000 else int((self.now - start).total_seconds() / 60) % 90000
            sz = 1000 + (pid * 37) % 90000
            flag = 4 if user == "root" else 0
            out.append("%d S %-8s %5d %5d  0  80   0 - %5d -      %-5s ?        %02d:%02d:%02d %s" % (
                flag, user, pid, ppid, sz, stime, cpu // 3600, (cpu // 60) % 60, cpu % 60, cmd))
        out.append("0 R root     %5d  2254  0  80   0 -  1110 -      %s pts/0    00:00:00 ps -elf" % (
            31000 + self.rng.randint(0, 999), self.now.strftime("%H:%M")))
        return "\n".join(out) + "\n"

    def ps_lstart(self):
        out = ["  PID                  STARTED COMMAND"]
        for pid, ppid, user, start, cmd in sorted(self.procs):
            out.append("%5d %s %s" % (pid, lstart(start), cmd))
        return "\n".join(out) + "\n"

    def netstat(self):
        out = ["Active Internet connections (servers and established)",
               "Proto Recv-Q Send-Q Local Address               Foreign Address             State       PID/Program name"]
        for proto, rq, sq, local, foreign, state, owner in self.sockets:
            out.append("%-5s %6d %6d %-27s %-27s %-11s %s" % (proto, rq, sq, local, foreign, state, owner))
        out += ["Active UNIX domain sockets (servers and established)",
                "Proto RefCnt Flags       Type       State         I-Node PID/Program name    Path",
                "unix  2      [ ACC ]     STREAM     LISTENING     7411   2254/sshd           /var/run/sshd.sock",
                "unix  2      [ ]         DGRAM                    6120   2011/syslogd        /dev/log"]
        return "\n".join(out) + "\n"

    def write(self):
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        up = (self.now - self.boot).total_seconds()
        base = {
            "etc/hostname": self.hostname + "\n",
            "etc/os-release": OS_RELEASE,
            "etc/timezone": self.tz + "\n",
            "proc/sys/kernel/osrelease": "2.6.18-164.el5\n",
            "proc/uptime": "%.2f %.2f\n" % (up, up * 3.7),
            "fixtures/ps-elf.txt": self.ps_elf(),
            "fixtures/ps-lstart.txt": self.ps_lstart(),
            "fixtures/netstat-anp.txt": self.netstat(),
        }
        for p, text in base.items():
            self.files.setdefault(p, (text, False))
        self.files["bin/ps"] = (FAKE_CMD % ("ps", '"-elf") f=ps-elf.txt ;;\n  "-eo pid,lstart,args") f=ps-lstart.txt ;;', "ps"), True)
        self.files["bin/netstat"] = (FAKE_CMD % ("netstat", '"-anp") f=netstat-anp.txt ;;', "netstat"), True)
        # Host facts of this host when the bundle was made (collect runs
        # only the root's programs under --root: without these the bundle
        # has no uname, uptime, date or df).
        days, rest = divmod(int(up), 86400)
        self.files["fixtures/uname-a.txt"] = ("Linux %s 2.6.18-164.el5 #1 SMP Thu Sep 3 03:28:30 EDT 2009 x86_64 x86_64 x86_64 GNU/Linux\n" % self.hostname, False)
        self.files["fixtures/uptime.txt"] = (" %s up %d days, %2d:%02d,  2 users,  load average: 0.42, 0.37, 0.30\n" % (self.now.strftime("%H:%M:%S"), days, rest // 3600, rest % 3600 // 60), False)
        self.files["fixtures/date.txt"] = (self.now.strftime("%a %b %d %H:%M:%S ") + self.tz + self.now.strftime(" %Y") + "\n", False)
        self.files["fixtures/df-kP.txt"] = ("Filesystem         1024-blocks      Used Available Capacity Mounted on\n"
                                            "/dev/mapper/VolGroup00-LogVol00   20642428   9174332  10419456      47% /\n"
                                            "/dev/sda1                           101086     18213     77654      19% /boot\n"
                                            "tmpfs                              4089312         0   4089312       0% /dev/shm\n"
                                            "/dev/mapper/VolGroup00-LogVol02   51606140  30112440  18872260      62% /opt\n", False)
        self.files["bin/uname"] = (FAKE_CMD % ("uname", '"-a") f=uname-a.txt ;;', "uname"), True)
        self.files["bin/uptime"] = (FAKE_CMD % ("uptime", '"") f=uptime.txt ;;', "uptime"), True)
        self.files["bin/date"] = (FAKE_CMD % ("date", '"") f=date.txt ;;', "date"), True)
        self.files["bin/df"] = (FAKE_CMD % ("df", '"-kP"|"-k") f=df-kP.txt ;;', "df"), True)
        for pid, ppid, user, start, cmd in self.procs:
            uid = 0 if user == "root" else 38
            comm = os.path.basename(cmd.split()[0])[:15]
            d = "proc/%d/" % pid
            self.files[d + "cmdline"] = ("\0".join(cmd.split()) + "\0", False)
            self.files[d + "comm"] = (comm + "\n", False)
            self.files[d + "status"] = ("Name:\t%s\nState:\tS (sleeping)\nPid:\t%d\nPPid:\t%d\nUid:\t%d\t%d\t%d\t%d\n" % (comm, pid, ppid, uid, uid, uid, uid), False)
            soft, hard = self.nofile.get(pid, (1024, 4096))
            self.files[d + "limits"] = (LIMITS % (soft, hard), False)
        links = self.proc_net_files() if self.proc_net else {}
        for path, recs in self.logs.items():
            recs.sort()
            self.files[path] = ("\n".join(r[2] for r in recs) + "\n", False)
        for path, (text, exe) in sorted(self.files.items()):
            full = os.path.join(self.dir, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
            mode = 0o755 if exe else 0o644
            os.chmod(full, mode)
        for path, target in sorted(links.items()):
            full = os.path.join(self.dir, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            os.symlink(target, full)

    def proc_net_files(self):
        """/proc/net/tcp in the kernel's form and, per owning process,
        /proc/<pid>/fd/<n> -> socket:[inode]: what the sockets builtin reads.
        Returns the links to make."""
        states = {"ESTABLISHED": "01", "SYN_SENT": "02", "CLOSE_WAIT": "08", "LISTEN": "0A"}

        def addr(a):
            host, port = a.rsplit(":", 1)
            b = [int(x) for x in host.split(".")]
            return "%02X%02X%02X%02X:%04X" % (b[3], b[2], b[1], b[0], 0 if port == "*" else int(port))
        out = ["  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"]
        links, fds = {}, {}
        for i, (proto, rq, sq, local, foreign, state, owner) in enumerate(self.sockets):
            if proto != "tcp":
                continue
            inode = 61000 + i
            out.append("%4d: %s %s %s %08X:%08X 00:00000000 00000000     0        0 %d 1 0000000000000000 20 4 30 10 -1" % (
                len(out) - 1, addr(local), addr(foreign), states[state], sq, rq, inode))
            pid = int(owner.split("/")[0])
            if pid not in [p[0] for p in self.procs]:
                continue
            n = fds.get(pid, 3)
            fds[pid] = n + 1
            links["proc/%d/fd/%d" % (pid, n)] = "socket:[%d]" % inode
        self.files["proc/net/tcp"] = ("\n".join(out) + "\n", False)
        return links


# Fake commands print a fixture of the host with cat: the collector runs a
# fake host's scripts with the root's bin folders first and then the real
# PATH, and CASEFILE_ROOT naming the root (docs/collect.md, RootCommandsOnly).
FAKE_CMD = """#!/bin/sh
# fake %s: prints a fixture of this host
case "$*" in
  %s
  *) echo "%s: unsupported in this fake host: $*" >&2; exit 1 ;;
esac
cat "$CASEFILE_ROOT/fixtures/$f"
"""

LIMITS = """Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max file size             unlimited            unlimited            bytes
Max data size             unlimited            unlimited            bytes
Max stack size            10485760             unlimited            bytes
Max core file size        0                    unlimited            bytes
Max processes             16384                16384                processes
Max open files            %s                 %s                 files
Max locked memory         32768                32768                bytes
"""


def lstart(t):
    return t.strftime("%a %b ") + ("%2d" % t.day) + t.strftime(" %H:%M:%S %Y")


# --- building blocks ---------------------------------------------------------

EPP = "opt/tivoli/EPProxy"
GWP = "opt/tivoli/GWProxy"


def epp_start(h, log, t, level, gwport, gw="127.0.0.1:9494"):
    h.log(log, t, 1, 1, "epproxy: endpoint proxy starting, install directory /opt/tivoli/EPProxy")
    h.log(log, t, 2, 1, "epproxy: configuration /opt/tivoli/EPProxy/epp.cfg loaded, debug-level %d" % level)
    h.log(log, t + SEC, 2, 1, "epproxy: gateway is %s" % gw)
    h.log(log, t + SEC, 3, 1, "multiplex: listening for gateway proxies on port %d" % gwport)


def gwp_start(h, log, t, level, parent):
    h.log(log, t, 1, 1, "gwproxy: gateway proxy starting, install directory /opt/tivoli/GWProxy")
    h.log(log, t, 2, 1, "gwproxy: configuration /opt/tivoli/GWProxy/gwp.cfg loaded, debug-level %d" % level)
    h.log(log, t + SEC, 2, 1, "gwproxy: parent is %s" % parent)
    h.log(log, t + SEC, 3, 1, "multiplex: listening for endpoints on port 9494")


def parent_handshake(h, log, t, label, tid_tell=47, tid_who=248):
    """Parent side of a good handshake with one child."""
    h.log(log, t, 3, tid_tell, "routingManager: TELL command received [l=%s]" % label)
    h.log(log, t + SEC, 3, tid_who, "routingManager: WHO reply command received [l=%s]" % label)


def child_handshake(h, log, t, tid_who=161, tid_tell=179):
    """Child side of a good handshake (WHO from the parent, reply to our TELL)."""
    h.log(log, t, 3, tid_who, "routingManager: WHO command received [l=null]")
    h.log(log, t + SEC, 3, tid_tell, "routingManager: TELL reply command received")


def epp_traffic(h, log, start, end, peers, level, per_hour=(0, 3)):
    """Routine traffic of an endpoint proxy between start and end. Nothing a
    rule keys on: sessions that open and close."""
    t = start.replace(minute=0, second=0) + HOUR
    rs = 100 + h.rng.randint(0, 50)
    while t < end:
        for _ in range(h.rng.randint(*per_hour)):
            at = t + timedelta(seconds=h.rng.randint(0, 3599))
            if at >= end:
                continue
            rs += 1
            tid = 300 + h.rng.randint(0, 400)
            peer = h.rng.choice(peers)
            if h.rng.random() < 0.5:
                if level >= 5:
                    gw = h.rng.randint(1, 12)
                    h.log(log, at, 5, tid, "gatewayProxySender [gw=%d] routed session %d created for %s" % (gw, rs, peer))
                    h.log(log, at + 2 * SEC, 5, tid, "gatewayProxySender [gw=%d] routed session %d closed" % (gw, rs))
            else:
                if level >= 5:
                    uid = h.rng.randint(1, 200)
                    h.log(log, at, 5, tid, "upcallSender [id=%d,rs=%d] routed session open" % (uid, rs))
                    h.log(log, at + SEC, 5, tid, "upcallSender [id=%d,rs=%d] routed session closed" % (uid, rs))
        if level >= 2 and t.hour == 3:
            h.log(log, t + 17 * MIN, 2, 9, "multiplex: keepalive statistics: %d sessions opened, %d active" % (h.rng.randint(300, 900), h.rng.randint(0, 6)))
        t += HOUR


def gwp_traffic(h, log, start, end, level, per_hour=(0, 3)):
    t = start.replace(minute=0, second=0) + HOUR
    while t < end:
        for _ in range(h.rng.randint(*per_hour)):
            at = t + timedelta(seconds=h.rng.randint(0, 3599))
            if at >= end:
                continue
            ep = "192.168.60.%d" % h.rng.randint(10, 90)
            tid = 200 + h.rng.randint(0, 300)
            if level >= 5:
                h.log(log, at, 5, tid, "multiplex: endpoint %s connected" % ep)
                h.log(log, at + 2 * SEC, 5, tid, "multiplex: endpoint %s disconnected" % ep)
        if level >= 2 and t.hour == 3:
            h.log(log, t + 21 * MIN, 2, 9, "multiplex: keepalive statistics: %d sessions opened, %d active" % (h.rng.randint(300, 900), h.rng.randint(0, 6)))
        t += HOUR


def tmf_gateway(h, dbname, start):
    """A TMF gateway on this host: oserv, $DBDIR and a gatelog."""
    dbdir = "/var/spool/Tivoli/%s" % dbname
    h.file("etc/Tivoli/setup_env.sh", """#!/bin/sh
# Tivoli environment (sourced by administrators)
DBDIR=%s
export DBDIR
INTERP=linux-ix86
export INTERP
BINDIR=/usr/local/Tivoli/bin/linux-ix86
export BINDIR
""" % dbdir)
    h.proc(2533, 1, "root", start, "/usr/local/Tivoli/bin/linux-ix86/bin/oserv -p 94 -k %s" % dbdir)
    h.proc(2561, 2533, "root", start + 20 * SEC, "/usr/local/Tivoli/bin/linux-ix86/TMF/LCF/gateway")
    h.sock("0.0.0.0:94", "0.0.0.0:*", "LISTEN", "2533/oserv")
    h.sock("0.0.0.0:9494", "0.0.0.0:*", "LISTEN", "2561/gateway")
    return dbdir


def gatelog(h, dbdir, lines):
    text = "".join("%s %s\n" % (t.strftime("%Y/%m/%d %H:%M:%S"), msg) for t, msg in sorted(lines))
    h.file(dbdir.lstrip("/") + "/gatelog", text)


# --- hosts -----------------------------------------------------------------------

def healthy_pair():
    now = T("2018-12-20 09:55:00")          # Europe/Rome, collection 08:55Z
    epp = Host("epp-healthy", "tivgw01", "10.20.1.15", "Europe/Rome", now, T("2018-11-02 06:40:00"), 11)
    gwp = Host("gwp-healthy", "dmzgwp01", "192.168.50.21", "Europe/Rome", now, T("2018-10-28 05:12:00"), 12)
    log, old = EPP + "/epp.log", EPP + "/epp.log.1"
    glog, gold = GWP + "/gwp.log", GWP + "/gwp.log.1"

    # first run at debug-level 3 (rotated), then restarted at 8 for support
    r1 = T("2018-12-10 07:30:12")
    epp_start(epp, old, r1, 3, 7443)
    gwp_start(gwp, gold, r1 + 25 * SEC, 3, "10.20.1.15:7443")
    parent_handshake(epp, old, r1 + 27 * SEC, "dmzgwp01_gwp1")
    child_handshake(gwp, gold, r1 + 27 * SEC)
    epp_traffic(epp, old, r1, T("2018-12-17 08:01:50"), ["dmzgwp01-gwp"], 3)
    gwp_traffic(gwp, gold, r1, T("2018-12-17 08:01:40"), 3)
    epp.log(old, T("2018-12-17 08:01:52"), 1, 1, "epproxy: stop requested, shutting down")
    gwp.log(gold, T("2018-12-17 08:01:41"), 1, 1, "gwproxy: stop requested, shutting down")

    r2 = T("2018-12-17 08:02:10")
    epp_start(epp, log, r2, 8, 7443)
    gwp_start(gwp, glog, r2 + 28 * SEC, 8, "10.20.1.15:7443")
    # dmzgwp01's clock runs 2 s behind tivgw01's: its TELL reply is stamped
    # a second before the request that tivgw01 logged (sequence skew)
    gwp.log(glog, r2 + 28 * SEC, 5, 14, "multiplex: session opened to parent 10.20.1.15:7443")
    epp.log(log, r2 + 30 * SEC, 5, 47, "multiplex: session accepted from 192.168.50.21")
    parent_handshake(epp, log, r2 + 31 * SEC, "dmzgwp01_gwp1")
    child_handshake(gwp, glog, r2 + 29 * SEC)
    epp_traffic(epp, log, r2, now - 3 * MIN, ["dmzgwp01-gwp"], 8, (1, 4))
    gwp_traffic(gwp, glog, r2, now - 3 * MIN, 8, (1, 4))

    epp.cfg(EPP + "/epp.cfg", "Tivoli Firewall Security Toolbox endpoint proxy", 8, ["log-file=epp.log"])
    gwp.cfg(GWP + "/gwp.cfg", "Tivoli Firewall Security Toolbox gateway proxy", 8, ["log-file=gwp.log"])
    epp.version_script(EPP + "/epproxy", "0011")
    gwp.version_script(GWP + "/gwproxy", "0011")
    epp.proc(3121, 1, "root", r2, "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy")
    gwp.proc(2877, 1, "root", r2 + 28 * SEC, "/opt/tivoli/GWProxy/gwproxy /opt/tivoli/GWProxy")

    dbdir = tmf_gateway(epp, "tivgw01.db", T("2018-11-02 06:41:00"))
    gatelog(epp, dbdir, [
        (T("2018-12-17 08:02:12"), "gateway: endpoint proxy 127.0.0.1 connected"),
        (T("2018-12-17 09:14:40"), "new_session: endpoint dmz-ep014 login via 127.0.0.1"),
        (T("2018-12-18 11:02:05"), "new_session: endpoint dmz-ep022 login via 127.0.0.1"),
        (T("2018-12-19 16:47:31"), "downcall: method run_task on dmz-ep031 complete"),
    ])
    epp.sock("0.0.0.0:7443", "0.0.0.0:*", "LISTEN", "3121/epproxy")
    epp.sock("10.20.1.15:7443", "192.168.50.21:40211", "ESTABLISHED", "3121/epproxy")
    for i in range(3):
        epp.sock("127.0.0.1:%d" % (41872 + i * 7), "127.0.0.1:9494", "ESTABLISHED", "3121/epproxy")
        epp.sock("127.0.0.1:9494", "127.0.0.1:%d" % (41872 + i * 7), "ESTABLISHED", "2561/gateway")
    epp.sock("127.0.0.1:41901", "127.0.0.1:9494", "CLOSE_WAIT", "3121/epproxy", recvq=1)
    gwp.sock("0.0.0.0:9494", "0.0.0.0:*", "LISTEN", "2877/gwproxy")
    gwp.sock("192.168.50.21:40211", "10.20.1.15:7443", "ESTABLISHED", "2877/gwproxy")
    for i in range(4):
        gwp.sock("192.168.50.21:9494", "192.168.60.%d:%d" % (14 + i * 3, 33012 + i * 211), "ESTABLISHED", "2877/gwproxy")
    epp.write()
    gwp.write()


def tmr_server():
    now = T("2018-12-20 09:58:00")
    h = Host("tmr-server", "tmr01", "10.20.0.5", "Europe/Rome", now, T("2018-09-14 22:03:00"), 13)
    dbdir = "/var/spool/Tivoli/tmr01.db"
    h.file("etc/Tivoli/setup_env.sh", """#!/bin/sh
# Tivoli environment (sourced by administrators)
DBDIR=%s
export DBDIR
INTERP=linux-ix86
export INTERP
""" % dbdir)
    h.proc(2533, 1, "root", T("2018-09-14 22:05:10"), "/usr/local/Tivoli/bin/linux-ix86/bin/oserv -p 94 -k %s" % dbdir)
    h.sock("0.0.0.0:94", "0.0.0.0:*", "LISTEN", "2533/oserv")
    lines = []
    t = T("2018-12-17 08:05:00")
    for i, ep in enumerate(["dmz-ep014", "dmz-ep022", "dmz-ep031", "dmz-ep040"]):
        lines.append((t + i * 7 * HOUR, "epmgr: endpoint %s (gateway tivgw01-gw) login accepted" % ep))
    lines.append((T("2018-12-19 02:00:04"), "epmgr: endpoint list compacted, 412 endpoints"))
    h.file(dbdir.lstrip("/") + "/epmgrlog", "".join("%s %s\n" % (t.strftime("%Y/%m/%d %H:%M:%S"), m) for t, m in sorted(lines)))
    h.file("fixtures/wlsinst-ah.txt", """*--------------------------------------------------------------------*
Product List
*--------------------------------------------------------------------*
Tivoli Management Framework 4.1.1
	tmr01	linux-ix86
	tivgw01	linux-ix86
Tivoli Management Framework Gateway 4.1.1
	tivgw01	linux-ix86
*--------------------------------------------------------------------*
Patch List
*--------------------------------------------------------------------*
Tivoli Management Framework 4.1.1 Fix Pack 0008
	tmr01	linux-ix86
	tivgw01	linux-ix86
""")
    h.file("bin/wlsinst", FAKE_CMD % ("wlsinst", '"-ah") f=wlsinst-ah.txt ;;', "wlsinst"), exe=True)
    h.write()


def fd_host(dirname, hostname, ip, level, now, start, emfile_from, emfile_to, closewait, established, seed, limit):
    h = Host(dirname, hostname, ip, "Europe/Berlin", now, start - 3 * HOUR, seed)
    log = EPP + "/epp.log"
    old = EPP + "/epp.log.1"
    peers = ["dmzgwp%02d-gwp" % n for n in (21, 22)]
    epp_start(h, old, start, 3, 7443)
    parent_handshake(h, old, start + 40 * SEC, "dmzgwp21_gwp1")
    parent_handshake(h, old, start + 95 * SEC, "dmzgwp22_gwp1", 52, 251)
    rot = start + 6 * DAY
    epp_traffic(h, old, start, rot, peers, 3)
    epp_traffic(h, log, rot, emfile_from, peers, 3)
    # the days before: now and then a peer does not confirm a session
    t = start + 2 * DAY
    rs = 7120
    while t < emfile_from - 2 * HOUR:
        rs += h.rng.randint(3, 40)
        f = old if t < rot else log
        tid = 8000 + h.rng.randint(0, 900)
        h.log(f, t, 1, tid, "routedSessionOpen: [rs=%d] peer replied with failure" % rs)
        h.log(f, t, 1, tid, "upcallSender [id=%d,rs=%d] routedSessionOpen failed" % (h.rng.randint(20, 180), rs))
        t += timedelta(minutes=h.rng.randint(200, 900))
    # descriptors exhausted
    t = emfile_from
    n = 0
    while t < emfile_to:
        tid = 1779000 + h.rng.randint(0, 999)
        tid2 = 1779000 + h.rng.randint(0, 999)
        if n == 3:
            # two threads wrote into the same line
            h.jam(log, t, [(0 * SEC, 1, tid, "upcallSender [line=3505]: accept() failed (e=24 - Too many open files)"),
                           (SEC, 1, tid2, "LEAVE open_db (abdb_open failed)"),
                           (SEC, 1, tid2, "find_record: wrong parameter")])
        else:
            h.log(log, t, 1, tid, "upcallSender [line=3505]: accept() failed (e=24 - Too many open files)")
            if n % 4 == 1:
                h.log(log, t + SEC, 1, tid2, "LEAVE open_db (abdb_open failed)")
                h.log(log, t + SEC, 1, tid2, "find_record: wrong parameter")
        n += 1
        t += timedelta(seconds=h.rng.randint(240, 900))
    h.cfg(EPP + "/epp.cfg", "Tivoli Firewall Security Toolbox endpoint proxy", 3, ["log-file=epp.log"])
    h.version_script(EPP + "/epproxy", level)
    h.proc(4242, 1, "root", start, "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy")
    h.nofile[4242] = (limit, 4096 if limit < 4096 else limit)
    dbdir = tmf_gateway(h, hostname + ".db", start - 2 * HOUR)
    gl = [(start + 3 * MIN, "gateway: endpoint proxy 127.0.0.1 connected")]
    for i in range(6):
        gl.append((emfile_from - 30 * MIN + i * 7 * MIN, "downcall: method run_task on dmz-ep%03d failed: connection to 127.0.0.1:7470 refused" % (30 + i)))
    gatelog(h, dbdir, gl)
    h.sock("0.0.0.0:7443", "0.0.0.0:*", "LISTEN", "4242/epproxy")
    h.sock("0.0.0.0:7470", "0.0.0.0:*", "LISTEN", "4242/epproxy")
    h.sock("%s:7443" % ip, "192.168.51.21:39822", "ESTABLISHED", "4242/epproxy")
    h.sock("%s:7443" % ip, "192.168.51.22:42007", "ESTABLISHED", "4242/epproxy")
    port = 33000
    for i in range(established):
        port += h.rng.randint(1, 20)
        h.sock("127.0.0.1:%d" % port, "127.0.0.1:9494", "ESTABLISHED", "4242/epproxy")
    for i in range(closewait):
        port += h.rng.randint(1, 20)
        h.sock("127.0.0.1:%d" % port, "127.0.0.1:9494", "CLOSE_WAIT", "4242/epproxy", recvq=1)
    h.write()


def fd_peer_gwp():
    """dmzgwp21, a gateway proxy of tivgw07 (epp-fd-old): the other end of the
    demo's chain. Its handshake with tivgw07 at the start is complete; it
    stays at the same old level."""
    start = T("2010-03-08 05:30:44")        # tivgw07's endpoint proxy start
    now = T("2010-03-16 09:50:00")
    h = Host("gwp-fd-peer", "dmzgwp21", "192.168.51.21", "Europe/Berlin", now, start - 5 * HOUR, 31)
    glog, gold = GWP + "/gwp.log", GWP + "/gwp.log.1"
    g0 = start + 38 * SEC
    gwp_start(h, gold, g0, 3, "10.30.0.7:7443")
    child_handshake(h, gold, start + 40 * SEC)
    rot = start + 6 * DAY
    gwp_traffic(h, gold, g0, rot, 3)
    gwp_traffic(h, glog, rot, now - 5 * MIN, 3)
    h.cfg(GWP + "/gwp.cfg", "Tivoli Firewall Security Toolbox gateway proxy", 3, ["log-file=gwp.log"])
    h.version_script(GWP + "/gwproxy", "0002")
    h.proc(3310, 1, "root", g0, "/opt/tivoli/GWProxy/gwproxy /opt/tivoli/GWProxy")
    h.sock("0.0.0.0:9494", "0.0.0.0:*", "LISTEN", "3310/gwproxy")
    h.sock("192.168.51.21:39822", "10.30.0.7:7443", "ESTABLISHED", "3310/gwproxy")
    for i in range(3):
        h.sock("192.168.51.21:9494", "192.168.61.%d:%d" % (20 + i * 5, 34100 + i * 97), "ESTABLISHED", "3310/gwproxy")
    h.write()


def startup_pair():
    # gateway proxy started two minutes before its endpoint proxy
    now = T("2011-06-07 09:30:00")          # Etc/UTC
    epp = Host("epp-startup", "tivgw03", "10.20.3.15", "Etc/UTC", now, T("2011-06-07 07:51:00"), 31)
    gwp = Host("gwp-startup", "dmzgwp03", "192.168.50.23", "Etc/UTC", now, T("2011-06-07 07:52:00"), 32)
    log, glog = EPP + "/epp.log", GWP + "/gwp.log"
    g0 = T("2011-06-07 07:58:00")
    gwp_start(gwp, glog, g0, 3, "10.20.3.15:7443")
    t = g0 + SEC
    while t < T("2011-06-07 08:00:10"):
        gwp.log(glog, t, 1, 130, "ERROR multiplex.newsessopen: cannot open connection (-1)")
        t += 30 * SEC
    e0 = T("2011-06-07 08:00:20")
    epp_start(epp, log, e0, 3, 7443)
    parent_handshake(epp, log, e0 + 2 * SEC, "dmzgwp03_gwp1")
    child_handshake(gwp, glog, e0 + 2 * SEC)
    epp_traffic(epp, log, e0, now - 2 * MIN, ["dmzgwp03-gwp"], 3)
    gwp_traffic(gwp, glog, g0, now - 2 * MIN, 3)
    epp.cfg(EPP + "/epp.cfg", "Tivoli Firewall Security Toolbox endpoint proxy", 3, ["log-file=epp.log"])
    gwp.cfg(GWP + "/gwp.cfg", "Tivoli Firewall Security Toolbox gateway proxy", 3, ["log-file=gwp.log"])
    epp.version_script(EPP + "/epproxy", "0011")
    gwp.version_script(GWP + "/gwproxy", "0011")
    epp.proc(3301, 1, "root", e0, "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy")
    gwp.proc(2980, 1, "root", g0, "/opt/tivoli/GWProxy/gwproxy /opt/tivoli/GWProxy")
    epp.sock("0.0.0.0:7443", "0.0.0.0:*", "LISTEN", "3301/epproxy")
    epp.sock("10.20.3.15:7443", "192.168.50.23:40377", "ESTABLISHED", "3301/epproxy")
    gwp.sock("0.0.0.0:9494", "0.0.0.0:*", "LISTEN", "2980/gwproxy")
    gwp.sock("192.168.50.23:40377", "10.20.3.15:7443", "ESTABLISHED", "2980/gwproxy")
    epp.write()
    gwp.write()


def broken_pair():
    # the endpoint proxy reaches the gateway proxy, the reverse direction is blocked
    now = T("2012-09-25 15:10:00")          # Europe/Paris, collection 13:10Z
    epp = Host("epp-broken", "tivgw04", "10.20.4.15", "Europe/Paris", now, T("2012-09-01 03:00:00"), 41)
    gwp = Host("gwp-broken", "dmzgwp04", "192.168.50.24", "Europe/Paris", now, T("2012-09-25 14:15:00"), 42)
    log, glog = EPP + "/epp.log", GWP + "/gwp.log"
    e0 = T("2012-09-25 14:10:03")
    epp_start(epp, log, e0, 8, 7443)
    epp.log(log, e0 + 2 * SEC, 5, 12, "multiplex: session opened to gateway 127.0.0.1:9494")
    epp_traffic(epp, log, e0, now - MIN, ["dmzgwp04-gwp"], 4)
    g0 = T("2012-09-25 14:20:05")
    gwp_start(gwp, glog, g0, 8, "10.20.4.15:7443")
    t = g0 + SEC
    gwp.log(glog, g0 + 35 * SEC, 5, 14, "multiplex: session accepted from 10.20.4.15")
    gwp.log(glog, g0 + 35 * SEC, 3, 161, "routingManager: WHO command received [l=null]")
    while t < now - MIN:
        gwp.log(glog, t, 1, 130, "ERROR multiplex.newsessopen: cannot open connection (-1)")
        t += 60 * SEC
    gwp_traffic(gwp, glog, g0, now - MIN, 8)
    epp.cfg(EPP + "/epp.cfg", "Tivoli Firewall Security Toolbox endpoint proxy", 8, ["log-file=epp.log"])
    gwp.cfg(GWP + "/gwp.cfg", "Tivoli Firewall Security Toolbox gateway proxy", 8, ["log-file=gwp.log"])
    epp.version_script(EPP + "/epproxy", "0011")
    gwp.version_script(GWP + "/gwproxy", "0011")
    epp.proc(5120, 1, "root", e0, "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy")
    gwp.proc(2210, 1, "root", g0, "/opt/tivoli/GWProxy/gwproxy /opt/tivoli/GWProxy")
    dbdir = tmf_gateway(epp, "tivgw04.db", T("2012-09-01 03:02:00"))
    gatelog(epp, dbdir, [(e0 + 5 * SEC, "gateway: endpoint proxy 127.0.0.1 connected")])
    epp.sock("0.0.0.0:7443", "0.0.0.0:*", "LISTEN", "5120/epproxy")
    epp.sock("10.20.4.15:51822", "192.168.50.24:7444", "ESTABLISHED", "5120/epproxy")
    gwp.sock("0.0.0.0:9494", "0.0.0.0:*", "LISTEN", "2210/gwproxy")
    gwp.sock("0.0.0.0:7444", "0.0.0.0:*", "LISTEN", "2210/gwproxy")
    gwp.sock("192.168.50.24:7444", "10.20.4.15:51822", "ESTABLISHED", "2210/gwproxy")
    gwp.sock("192.168.50.24:40811", "10.20.4.15:7443", "SYN_SENT", "2210/gwproxy", sendq=1)
    epp.write()
    gwp.write()


def loglevel_host():
    now = T("2013-02-11 11:00:00")          # Europe/Rome
    h = Host("gwp-loglevel", "dmzgwp06", "192.168.50.26", "Europe/Rome", now, T("2013-01-20 09:00:00"), 61)
    glog = GWP + "/gwp.log"
    g0 = T("2013-02-04 06:12:40")
    h.log(glog, g0, 1, 1, "gwproxy: gateway proxy starting, install directory /opt/tivoli/GWProxy")
    h.log(glog, g0 + SEC, 1, 130, "ERROR multiplex.newsessopen: cannot open connection (-1)")
    h.log(glog, T("2013-02-08 17:44:09"), 1, 388, "multiplex: endpoint 192.168.60.77 closed the connection during a download")
    h.cfg(GWP + "/gwp.cfg", "Tivoli Firewall Security Toolbox gateway proxy", 1, ["log-file=gwp.log"])
    h.version_script(GWP + "/gwproxy", "0011")
    h.proc(2640, 1, "root", g0, "/opt/tivoli/GWProxy/gwproxy /opt/tivoli/GWProxy")
    h.sock("0.0.0.0:9494", "0.0.0.0:*", "LISTEN", "2640/gwproxy")
    h.sock("192.168.50.26:40102", "10.20.6.15:7443", "ESTABLISHED", "2640/gwproxy")
    h.write()


def endpoint_host():
    """An endpoint behind dmzgwp06, at the default log_threshold."""
    now = T("2013-02-11 11:02:00")          # Europe/Rome
    h = Host("endpoint-dmz", "dmz-ep077", "192.168.60.77", "Europe/Rome", now, T("2013-01-28 07:40:00"), 71)
    dat = "opt/Tivoli/lcf/dat/1/"
    h.file(dat + "last.cfg", """lcfd_port=9495
gateway_port=9494
log_threshold=1
lcs.machine_name=dmz-ep077
""")
    lines = [
        (T("2013-02-04 06:14:02"), "1 lcfd Logging into gateway 192.168.50.26+9494"),
        (T("2013-02-04 06:14:03"), "1 lcfd Login to gateway succeeded"),
        (T("2013-02-08 17:44:08"), "1 lcfd Download of method interrupted: connection closed by gateway"),
    ]
    h.file(dat + "lcfd.log", "".join("%s %s\n" % (t.strftime("%b %d %H:%M:%S"), m) for t, m in lines))
    h.proc(1822, 1, "root", T("2013-01-28 07:41:10"), "/opt/Tivoli/lcf/bin/linux-ix86/mrt/lcfd")
    h.sock("0.0.0.0:9495", "0.0.0.0:*", "LISTEN", "1822/lcfd")
    h.write()


def longrun_host():
    """Up for months at debug-level 8: the rotations kept cover the last two
    days only, so the start's handshake is no longer in any log."""
    now = T("2016-09-14 10:20:00")          # Europe/Rome
    h = Host("epp-longrun", "tivgw12", "10.20.12.15", "Europe/Rome", now, T("2016-04-02 05:10:00"), 121)
    e0 = T("2016-04-02 05:14:51")
    old, log = EPP + "/epp.log.1", EPP + "/epp.log"
    epp_traffic(h, old, T("2016-09-12 09:00:00"), T("2016-09-13 11:00:00"), ["dmzgwp12-gwp"], 8, (2, 5))
    epp_traffic(h, log, T("2016-09-13 11:00:00"), now - MIN, ["dmzgwp12-gwp"], 8, (2, 5))
    h.cfg(EPP + "/epp.cfg", "Tivoli Firewall Security Toolbox endpoint proxy", 8, ["log-file=epp.log"])
    h.version_script(EPP + "/epproxy", "0011")
    h.proc(2290 + 1000, 1, "root", e0, "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy")
    h.sock("0.0.0.0:7443", "0.0.0.0:*", "LISTEN", "3290/epproxy")
    h.sock("10.20.12.15:7443", "192.168.50.32:40990", "ESTABLISHED", "3290/epproxy")
    h.write()


def routed_host():
    now = T("2014-01-21 12:30:00")          # Europe/Rome
    h = Host("epp-routed", "tivgw09", "10.20.9.15", "Europe/Rome", now, T("2014-01-02 08:00:00"), 91)
    log = EPP + "/epp.log"
    e0 = T("2014-01-15 07:45:31")
    epp_start(h, log, e0, 3, 7443)
    parent_handshake(h, log, e0 + 12 * SEC, "dmzgwp09_gwp1")
    parent_handshake(h, log, e0 + 19 * SEC, "dmzgwp10_gwp1", 49, 250)
    epp_traffic(h, log, e0, now - MIN, ["dmzgwp09-gwp", "dmzgwp10-gwp"], 3)
    # dmzgwp09 stops accepting sessions: a burst of failures
    t = T("2014-01-21 10:39:21")
    gw, rs = 8, 8128
    for i in range(12):
        tid = 7400 + h.rng.randint(0, 700)
        if i % 3 == 1:
            h.log(log, t - 14 * SEC, 1, tid + 1, "routedSessionOpen: [rs=%d] peer replied with failure" % (rs + 2))
            h.log(log, t - 14 * SEC, 1, tid + 1, "upcallSender [id=%d,rs=%d] routedSessionOpen failed" % (90 + i, rs + 2))
        h.log(log, t, 1, tid, "routedSessionCreate: [rs=%d] open session failed (e =-2)" % rs)
        h.log(log, t, 2, tid, "gatewayProxySender [gw=%d] failure creating a routed session for dmzgwp09-gwp." % gw)
        h.log(log, t, 1, tid, "gatewayProxySender [gw=%d] failure creating a routed session for dmzgwp09-gwp" % gw)
        gw += 1
        rs += 3
        t += timedelta(seconds=h.rng.randint(60, 300))
    # in the same minutes dmzgwp11 refuses three sessions too: each
    # failure's open session line is written by its own thread, which is
    # how it is told apart from dmzgwp09's
    for i, (t, tid, rs) in enumerate([(T("2014-01-21 10:47:05"), 7921, 8162),
                                      (T("2014-01-21 10:58:40"), 7958, 8177),
                                      (T("2014-01-21 11:06:12"), 7990, 8191)]):
        h.log(log, t, 1, tid, "routedSessionCreate: [rs=%d] open session failed (e =-2)" % rs)
        h.log(log, t, 2, tid, "gatewayProxySender [gw=%d] failure creating a routed session for dmzgwp11-gwp." % (40 + i))
        h.log(log, t, 1, tid, "gatewayProxySender [gw=%d] failure creating a routed session for dmzgwp11-gwp" % (40 + i))
    # one earlier, isolated failure towards dmzgwp10
    t = T("2014-01-18 22:03:12")
    h.log(log, t, 1, 7112, "routedSessionCreate: [rs=5511] open session failed (e =-2)")
    h.log(log, t, 2, 7112, "gatewayProxySender [gw=3] failure creating a routed session for dmzgwp10-gwp.")
    h.log(log, t, 1, 7112, "gatewayProxySender [gw=3] failure creating a routed session for dmzgwp10-gwp")
    h.cfg(EPP + "/epp.cfg", "Tivoli Firewall Security Toolbox endpoint proxy", 3, ["log-file=epp.log"])
    h.version_script(EPP + "/epproxy", "0011")
    h.proc(3907, 1, "root", e0, "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy")
    h.sock("0.0.0.0:7443", "0.0.0.0:*", "LISTEN", "3907/epproxy")
    h.sock("10.20.9.15:7443", "192.168.50.29:40022", "ESTABLISHED", "3907/epproxy")
    h.sock("10.20.9.15:7443", "192.168.50.30:40871", "ESTABLISHED", "3907/epproxy")
    h.write()


def closewait_host():
    now = T("2010-04-07 16:20:00")          # Europe/Berlin
    h = Host("epp-closewait", "tivgw10", "10.30.0.10", "Europe/Berlin", now, T("2010-03-29 06:00:00"), 101)
    h.proc_net = True       # netstat and /proc/net/tcp both show the 64 sockets
    log = EPP + "/epp.log"
    e0 = T("2010-03-29 06:05:18")
    epp_start(h, log, e0, 3, 7443)
    parent_handshake(h, log, e0 + 9 * SEC, "dmzgwp31_gwp1")
    epp_traffic(h, log, e0, now - MIN, ["dmzgwp31-gwp"], 3)
    t = e0 + DAY
    rs = 4410
    while t < now - HOUR:
        rs += h.rng.randint(3, 40)
        tid = 6100 + h.rng.randint(0, 900)
        h.log(log, t, 1, tid, "routedSessionOpen: [rs=%d] peer replied with failure" % rs)
        h.log(log, t, 1, tid, "upcallSender [id=%d,rs=%d] routedSessionOpen failed" % (h.rng.randint(20, 180), rs))
        t += timedelta(minutes=h.rng.randint(300, 1200))
    h.cfg(EPP + "/epp.cfg", "Tivoli Firewall Security Toolbox endpoint proxy", 3, ["log-file=epp.log"])
    h.version_script(EPP + "/epproxy", "0002")
    h.proc(4410, 1, "root", e0, "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy")
    tmf_gateway(h, "tivgw10.db", T("2010-03-29 06:02:00"))
    h.sock("0.0.0.0:7443", "0.0.0.0:*", "LISTEN", "4410/epproxy")
    h.sock("10.30.0.10:7443", "192.168.51.31:40533", "ESTABLISHED", "4410/epproxy")
    port = 35000
    for i in range(17):
        port += h.rng.randint(1, 30)
        h.sock("127.0.0.1:%d" % port, "127.0.0.1:9494", "ESTABLISHED", "4410/epproxy")
    for i in range(64):
        port += h.rng.randint(1, 30)
        h.sock("127.0.0.1:%d" % port, "127.0.0.1:9494", "CLOSE_WAIT", "4410/epproxy", recvq=1)
    h.write()


def stopped_host():
    now = T("2015-05-12 08:40:00")          # Europe/Rome
    h = Host("gwp-stopped", "dmzgwp11", "192.168.50.31", "Europe/Rome", now, T("2015-05-11 23:58:00"), 111)
    glog = GWP + "/gwp.log"
    g0 = T("2015-05-04 07:02:19")
    gwp_start(h, glog, g0, 3, "10.20.11.15:7443")
    child_handshake(h, glog, g0 + 4 * SEC)
    gwp_traffic(h, glog, g0, T("2015-05-11 23:50:00"), 3)
    h.log(glog, T("2015-05-11 23:51:02"), 1, 1, "gwproxy: signal 15 received, shutting down")
    h.cfg(GWP + "/gwp.cfg", "Tivoli Firewall Security Toolbox gateway proxy", 3, ["log-file=gwp.log"])
    h.version_script(GWP + "/gwproxy", "0011")
    h.write()


def main():
    healthy_pair()
    tmr_server()
    # APAR IY55176 pattern: old level, CLOSE_WAIT pile, descriptors gone
    fd_host("epp-fd-old", "tivgw07", "10.30.0.7", "0002", T("2010-03-16 09:45:00"), T("2010-03-08 05:30:44"),
            T("2010-03-16 02:14:07"), T("2010-03-16 09:40:00"), 1009, 9, 71, 1024)
    fd_peer_gwp()
    # same symptom on a fixed level: too many endpoints for a 256 limit
    fd_host("epp-fd-fixed", "tivgw08", "10.30.0.8", "0009", T("2010-05-04 15:10:00"), T("2010-04-26 07:00:15"),
            T("2010-05-04 14:32:40"), T("2010-05-04 15:06:00"), 4, 247, 81, 256)
    startup_pair()
    broken_pair()
    loglevel_host()
    endpoint_host()
    longrun_host()
    routed_host()
    closewait_host()
    stopped_host()


if __name__ == "__main__":
    main()
