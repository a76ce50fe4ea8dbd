#!/usr/bin/env python3
"""Generate the fake samhain client and yule server hosts under
testdata/hosts/samhain/ and the raw customer uploads under testdata/raw/samhain/.

What the profile relies on comes from the samhain client/server
troubleshooting HOWTO (message texts, port 49777, /var/lib/yule with
rc.<client>, file.<client>, rc and file, hosts.allow/hosts.deny, SetBindAddress,
SetClientFromAccept, SeverityLookup, SIGUSR2) and from samhain's message
catalog (the exact layout: plain `SEV    :  [time] msg=<...>, attr=<...>`, the
severities each message is logged with, the [SOF] marker and signature lines
of a signed log file, as the real Debian binary writes them). Host names,
addresses, times, counts, hashes and every surrounding line are invented.

Run from anywhere: python3 testdata/hosts/samhain/gen.py  (deterministic).
"""
import hashlib
import os
import shutil
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.normpath(os.path.join(HERE, "..", "..", "raw", "samhain"))
DOMAIN = "example.net"
SERVER = "yule01." + DOMAIN
SERVER_IP = "192.0.2.10"
TZ = "+0200"          # Europe/Berlin in May
YULE_UID = 117
CLIENTS = {           # short name -> address
    "web01": "192.0.2.21", "web02": "192.0.2.22", "web03": "192.0.2.23",
    "web04": "192.0.2.24", "web05": "192.0.2.25", "web06": "192.0.2.26",
    "web07": "192.0.2.27", "web08": "192.0.2.28", "web09": "192.0.2.29",
}


def T(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S")


def hexof(*parts, n=48):
    return hashlib.sha256("|".join(parts).encode()).hexdigest().upper()[:n]


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S") + TZ


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


class SignedLog:
    """A samhain/yule log file as the program writes it: each run opens with
    an empty line and [SOF]; every entry is followed by its signature line,
    the first one of a run with the time in brackets. Entries are kept in
    time order (scenarios add them as they like)."""

    def __init__(self, seed):
        self.seed = seed
        self.ev = []    # (time, seq, body or None for a new run)

    def start_run(self, t):
        self.ev.append((t, len(self.ev), None, None))

    def e(self, t, sev, body):
        self.ev.append((t, len(self.ev), sev, body))

    def text(self):
        out = []
        first = False
        for t, _, sev, body in sorted(self.ev, key=lambda x: (x[0], x[1])):
            if sev is None:
                out += ["", "[SOF]"]
                first = True
                continue
            out.append("%-7s:  [%s] %s" % (sev, ts(t), body))
            s = hexof(self.seed, str(len(out)), body)
            if first:
                s += "[%s]" % ts(t)
                first = False
            out.append(s)
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# hosts
# ---------------------------------------------------------------------------

class Host:
    def __init__(self, dirname, node, fqdn, ip):
        self.dirname, self.name, self.fqdn, self.ip = dirname, node, fqdn, ip
        self.root = os.path.join(HERE, dirname)
        self.files = {}
        self.fixtures = {}
        self.bins = {}
        self.ps = ["    PID    PPID USER         ELAPSED COMMAND",
                   "      1       0 root     21-04:11:09 /sbin/init",
                   "    402       1 root     21-04:11:02 /lib/systemd/systemd-journald",
                   "    688       1 root     21-04:10:58 /usr/sbin/rsyslogd -n -iNONE",
                   "    702       1 root     21-04:10:58 /usr/sbin/sshd -D",
                   "    731       1 root     21-04:10:57 /usr/sbin/cron -f"]
        self.listen = ["State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process",
                       'LISTEN 0      128          0.0.0.0:22         0.0.0.0:*     users:(("sshd",pid=702,fd=3))',
                       'LISTEN 0      128             [::]:22            [::]:*     users:(("sshd",pid=702,fd=4))']
        self.addrs = [("lo", "127.0.0.1/8", "host"), ("eth0", ip + "/24", "global")]
        self.hosts = ["127.0.0.1\tlocalhost", "%s\t%s %s" % (ip, fqdn, node), "",
                      "# The following lines are desirable for IPv6 capable hosts",
                      "::1     localhost ip6-localhost ip6-loopback",
                      "ff02::1 ip6-allnodes", "ff02::2 ip6-allrouters",
                      "%s\t%s yule01" % (SERVER_IP, SERVER)]
        self.hostname_f = fqdn
        self.samhain_err = ""
        self.syslog = []
        self.which = []

    def build(self):
        if os.path.isdir(self.root):
            shutil.rmtree(self.root)
        r = self.root
        write(r + "/etc/hostname", self.name + "\n")
        write(r + "/etc/timezone", "Europe/Berlin\n")
        write(r + "/etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
              'VERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n')
        write(r + "/proc/sys/kernel/osrelease", "6.1.0-21-amd64\n")
        write(r + "/proc/uptime", "1829469.27 7211830.11\n")
        write(r + "/etc/hosts", "\n".join(self.hosts) + "\n")
        write(r + "/etc/resolv.conf", "search %s\nnameserver 192.0.2.53\n" % DOMAIN)
        write(r + "/etc/nsswitch.conf", "passwd:         files\ngroup:          files\nhosts:          files dns\n")
        for p, text in self.files.items():
            write(os.path.join(r, p), text)
        # commands: small scripts printing fixtures
        fx = dict(self.fixtures)
        fx["ps.txt"] = "\n".join(self.ps) + "\n"
        fx["ss-tlnp.txt"] = "\n".join(self.listen) + "\n"
        fx["ip-o-addr.txt"] = "".join(
            "%d: %s    inet %s %sscope %s %s\\       valid_lft forever preferred_lft forever\n"
            % (i + 1, dev, a, ("brd %s.255 " % a.rsplit(".", 1)[0]) if scope == "global" else "", scope, dev)
            for i, (dev, a, scope) in enumerate(self.addrs))
        # The collector reads the samhain/yule lines out of the system log
        # (the cron line is left out).
        write(r + "/var/log/syslog", "May 14 00:17:01 %s CRON[401]: (root) CMD (cd / && run-parts --report "
              "/etc/cron.hourly)\n" % self.name + "".join(l + "\n" for l in self.syslog))
        for name, text in fx.items():
            write(r + "/fixtures/" + name, text)
        bins = {
            "ps": 'cat "$(dirname "$0")/../fixtures/ps.txt"\n',
            "ss": 'cat "$(dirname "$0")/../fixtures/ss-tlnp.txt"\n',
            "ip": 'case "$*" in\n  "-o addr show") cat "$(dirname "$0")/../fixtures/ip-o-addr.txt" ;;\n'
                  '  *) echo "ip: unsupported in this fake host: $*" >&2; exit 1 ;;\nesac\n',
            "hostname": 'case "$1" in\n  -f) echo "%s" ;;\n  *) echo "%s" ;;\nesac\n' % (self.hostname_f, self.name),
            "uname": 'case "$1" in\n  -n) echo "%s" ;;\n  *) echo Linux ;;\nesac\n' % self.name,
            "getent": 'cat "$(dirname "$0")/../fixtures/getent-ahosts.txt"\n',
            "which": 'f="$(dirname "$0")/../fixtures/which.txt"\n[ -s "$f" ] || exit 1\ncat "$f"\n',
        }
        fx_getent = self.fixtures.get("getent-ahosts.txt")
        if fx_getent is None:
            write(r + "/fixtures/getent-ahosts.txt", self.getent())
        write(r + "/fixtures/which.txt", "".join(w + "\n" for w in self.which))
        bins.update(self.bins)
        for name, body in bins.items():
            write(r + "/bin/" + name, "#!/bin/sh\n" + body, 0o755)

    def getent(self):
        # how glibc answers "getent ahosts <nodename>" from this /etc/hosts
        for l in self.hosts:
            f = l.split()
            if len(f) >= 2 and self.name in f[1:] and not f[0].startswith("::"):
                return "".join("%-15s %s %s\n" % (f[0], k, f[1] if k == "STREAM" else "")
                               for k in ("STREAM", "DGRAM", "RAW")).replace(" \n", "\n")
        return ""


SAMHAIN_HELP = ("\nThis is samhain (4.1.4), (c) 1999-2006 Rainer Wichmann (http://la-samhna.de).\n"
                "This software comes with ABSOLUTELY NO WARRANTY. Use at own risk.\nUsage:\n\n"
                "-t <arg>,  --set-checksum-test=<arg>,\t Set checksum testing to 'init', 'update', or 'check'\n"
                "-D,        --daemon,\t\t\t Run as daemon\n"
                "           --bind-address=<arg>,\t Bind to this address (interface) for outgoing connections\n"
                "-h,        --help,\t\t\t Print usage information\n"
                "-v,        --version,\t\t\t Show version and compiled-in options\n\n"
                "Please report bugs to support@la-samhna.de.\n")


def fqdn_warning(node, resolved):
    return ("\n---------   sh_unix.c  ---   1806 ---------\n\n"
            "According to uname, your nodename is %s, but your resolver\n"
            "library cannot resolve this nodename to a FQDN.\n"
            "Rather, it resolves this to %s.\n"
            "For more information, see the entry about self-resolving under\n"
            "'Most frequently' in the FAQ that you will find in the docs/ subdirectory.\n\n"
            "----------------------------------------------\n" % (node, resolved))


class Client(Host):
    def __init__(self, dirname, short):
        super().__init__(dirname, short, short + "." + DOMAIN, CLIENTS[short])
        self.short = short
        self.log = SignedLog(dirname)
        self.ps.append("    812       1 root      3-02:14:51 /usr/sbin/samhain -D")
        self.which = ["/usr/sbin/samhain"]
        self.bind = None

    def rc(self):
        lines = ["# samhainrc for %s (reports to the yule server)" % self.fqdn, "",
                 "[ReadOnly]", "dir = 99/etc", "dir = 99/usr/sbin", "file = /boot/vmlinuz-6.1.0-21-amd64", "",
                 "[Attributes]", "file = /etc/mtab", "file = /etc/resolv.conf", "",
                 "[GrowingLogFiles]", "dir = 99/var/log", "", "[IgnoreAll]", "dir = -1/var/log/journal", "",
                 "[Log]", "LogSeverity = info", "SyslogSeverity = err", "ExportSeverity = crit", "",
                 "[Misc]", "Daemon = yes", "SetLoopTime = 600", "SetFileCheckTime = 7200",
                 "SetLogServer = " + SERVER]
        if self.bind:
            lines.append("SetBindAddress = " + self.bind)
        return "\n".join(lines) + "\n"

    def start(self, t, hash_seed="4.1.4", new_run=True):
        if new_run:
            self.log.start_run(t)
        self.log.e(t, "ALERT", "msg=<START>, program=<Samhain>, userid=<0>, path=</etc/samhainrc>, hash=<%s>"
                   % hexof("rc", self.name, hash_seed))
        for mod in ("UTMP", "MOUNTS", "SUIDCHECK", "PROCESSCHECK", "PORTCHECK", "LOGMON"):
            if mod in ("UTMP", "SUIDCHECK"):
                self.log.e(t, "INFO", "msg=<Module initialized>, module=<%s>" % mod)
            else:
                self.log.e(t, "NOTICE", "msg=<Module not initialized>, module=<%s>, return_code=<9>" % mod)

    def check(self, t, secs=41):
        self.log.e(t, "MARK", "msg=<File check starting.>")
        self.log.e(t, "INFO", "msg=<Checking       [ReadOnly]>, path=</etc>")
        self.log.e(t + timedelta(seconds=secs), "MARK",
                   "msg=<File check completed.>, time=<%d>, kBps=<%d.%06d>" % (secs, 7000 + secs * 13, secs * 1237))

    def ok_session(self, t):
        self.log.e(t, "INFO", "msg=<Session key negotiated>")

    def stop(self, t):
        self.log.e(t, "ALERT", "msg=<EXIT>, program=<Samhain>, status=<exit_success>")

    def build(self):
        self.files["etc/samhainrc"] = self.rc()
        self.files["var/log/samhain_log"] = self.log.text()
        self.bins["samhain"] = ('case "$1" in\n  --help) cat "$(dirname "$0")/../fixtures/samhain-help.txt"\n'
                                '    cat "$(dirname "$0")/../fixtures/samhain-help.err" >&2 ;;\n'
                                '  *) ;;\nesac\nexit 0\n')
        self.fixtures["samhain-help.txt"] = SAMHAIN_HELP
        self.fixtures["samhain-help.err"] = self.samhain_err
        super().build()


class Server(Host):
    def __init__(self, dirname):
        super().__init__(dirname, SERVER.split(".")[0], SERVER, SERVER_IP)
        self.hosts[1] = "%s\t%s yule01" % (SERVER_IP, SERVER)
        self.hosts = self.hosts[:-1]
        self.hosts += ["%s\t%s.%s %s" % (ip, c, DOMAIN, c) for c, ip in sorted(CLIENTS.items())]
        self.hostname_f = SERVER
        self.log = SignedLog(dirname)
        self.running = True
        self.listening = True     # yule holds its port (when running)
        self.log_path = "var/log/yule/yule_log"
        self.etime = "12-22:40:03"
        self.port = 49777
        self.entries = ["%s.%s" % (c, DOMAIN) for c in sorted(CLIENTS)]
        self.extra_entries = []
        self.misc = ["SetClientTimeLimit = 86400"]
        self.allow = None
        self.deny = None
        self.data = {"rc": "-rw-r-----", "file": "-rw-r-----"}
        for c in ("web01", "web02", "web03", "web04", "web05", "web06", "web07", "web08", "web09"):
            self.data["rc.%s.%s" % (c, DOMAIN)] = "-rw-r-----"
            self.data["file.%s.%s" % (c, DOMAIN)] = "-rw-r-----"
        self.owner = {}

    def clients_section(self):
        out = []
        for c in self.entries + self.extra_entries:
            salt = hexof("salt", c, n=16)
            out.append("Client=%s@%s@%s" % (c, salt, hexof("verifier", c, self.dirname, str(len(out)), n=64)
                                                + hexof("v2", c, n=64) + hexof("v3", c, n=64)))
        return out

    def rc(self):
        return "\n".join(["# yulerc on %s" % SERVER, "",
                          "[Log]", "MailSeverity = none", "PrintSeverity = none", "LogSeverity = info",
                          "SyslogSeverity = crit", "", "[Misc]"] + self.misc
                         + ["", "[Clients]"] + self.clients_section()) + "\n"

    def up(self, t, serving=True):
        self.log.start_run(t)
        self.log.e(t, "ALERT", "msg=<START>, program=<Yule>, userid=<0>, path=</etc/yulerc>, hash=<%s>"
                   % hexof("yulerc", self.dirname))
        if serving:
            self.log.e(t, "MARK", "msg=<Server up, simultaneous connections: 1017>, socket_id=<3>")

    def rcvt(self, t, client, sev, body, sent=None):
        sent = sent or t - timedelta(seconds=1)
        self.log.e(t, "RCVT", "client=<%s>, msg=<%-7s:  [%s] %s>" % (client, sev, ts(sent), body))

    def build(self):
        self.files["etc/yulerc"] = self.rc()
        self.files[self.log_path] = self.log.text()
        if self.allow is not None:
            self.files["etc/hosts.allow"] = self.allow
        if self.deny is not None:
            self.files["etc/hosts.deny"] = self.deny
        # The collector lists the data directory itself (modes and owners
        # are the checkout's: git keeps neither).
        for n in sorted(self.data):
            body = ("# samhainrc served to %s\n[Misc]\nSetLogServer = %s\n" % (n[3:] or "any client", SERVER)
                    if n.startswith("rc") else "placeholder for a samhain baseline database\n")
            self.files["var/lib/yule/" + n] = body
        self.bins["yule"] = ('case "$1" in\n  --help) printf "\\nThis is yule (4.1.4), (c) 1999-2006 Rainer Wichmann'
                             ' (http://la-samhna.de).\\n" ;;\nesac\nexit 0\n')
        self.which = ["/usr/local/sbin/yule"]
        if self.running:
            self.ps.append("   1187       1 yule     %s /usr/local/sbin/yule -D" % self.etime)
            if self.listening:
                self.listen.insert(1, 'LISTEN 0      64           0.0.0.0:%d      0.0.0.0:*     '
                                      'users:(("yule",pid=1187,fd=5))' % self.port)
        super().build()


# ---------------------------------------------------------------------------
# scenarios
# ---------------------------------------------------------------------------

def healthy_server(name):
    s = Server(name)
    s.up(T("2024-05-01 11:20:02"))
    return s


def routine(c, start, end, step=timedelta(hours=2)):
    """A client's normal day: checks, reports delivered."""
    t = start
    while t < end:
        c.check(t)
        t += step


def scenario_ok():
    c = Client("web-ok", "web01")
    s = healthy_server("yule-ok")
    t = T("2024-05-14 06:00:02")
    c.log.start_run(t)
    c.log.e(t, "INFO", "msg=<Downloading configuration file>")
    c.ok_session(t + timedelta(seconds=1))
    c.log.e(t + timedelta(seconds=1), "INFO", "msg=<File download completed>")
    c.start(t + timedelta(seconds=2), new_run=False)
    c.log.e(t + timedelta(seconds=3), "INFO", "msg=<Downloading database file>")
    c.log.e(t + timedelta(seconds=9), "INFO", "msg=<File download completed>")
    routine(c, t + timedelta(minutes=1), T("2024-05-14 12:20:00"))
    c.log.e(T("2024-05-14 10:01:41"), "CRIT", "msg=<POLICY [ReadOnly] C-------TS>, path=</etc/motd>, "
            "size_old=<286>, size_new=<312>, ctime_old=<[2024-04-02T08:14:10]>, ctime_new=<[2024-05-14T10:00:58]>, "
            "mtime_old=<[2024-04-02T08:14:10]>, mtime_new=<[2024-05-14T10:00:58]>, chksum_old=<%s>, chksum_new=<%s>, "
            % (hexof("motd1"), hexof("motd2")))
    s.log.e(t + timedelta(seconds=1), "INFO", "msg=<File transfer completed>, client=<web01.example.net>")
    s.rcvt(t + timedelta(seconds=3), "web01", "ALERT", "msg=<START>, program=<Samhain>, userid=<0>")
    s.log.e(t + timedelta(seconds=9), "INFO", "msg=<File transfer completed>, client=<web01.example.net>")
    s.rcvt(T("2024-05-14 10:01:42"), "web01", "CRIT", "msg=<POLICY [ReadOnly] C-------TS>, path=</etc/motd>")
    c.syslog = ["May 14 10:01:41 web01 Samhain[812]: CRIT   :  [2024-05-14T10:01:41+0200] msg=<POLICY [ReadOnly] "
                "C-------TS>, path=</etc/motd>, size_old=<286>, size_new=<312>"]
    return c, s


def scenario_refused():
    c = Client("web-refused", "web02")
    s = healthy_server("yule-down")
    c.start(T("2024-05-14 06:00:04"))
    c.ok_session(T("2024-05-14 06:00:05"))
    routine(c, T("2024-05-14 06:01:00"), T("2024-05-14 09:00:00"))
    s.rcvt(T("2024-05-14 06:00:06"), "web02", "ALERT", "msg=<START>, program=<Samhain>, userid=<0>")
    s.log.e(T("2024-05-14 09:10:12"), "ALERT", "msg=<EXIT>, program=<Yule>, status=<exit_success>")
    s.running = False
    # the client retries with a doubling delay (1 s ... 2048 s)
    t, d = T("2024-05-14 09:12:01"), 2
    first = True
    while t < T("2024-05-14 12:25:00"):
        c.log.e(t, "ERROR", "msg=<Connection refused>, subroutine=<connect>, service=<export>, host=<%s>" % SERVER)
        if first:
            c.log.e(t, "ERROR", "msg=<Service failure>, service=<log server>, obj=<%s>" % SERVER)
            first = False
        t += timedelta(seconds=d)
        d = min(d * 2, 2048)
    c.syslog = ["May 14 09:12:01 web02 Samhain[812]: ERROR  :  [2024-05-14T09:12:01+0200] msg=<Connection refused>, "
                "subroutine=<connect>, service=<export>, host=<%s>" % SERVER]
    return c, s


def scenario_port():
    """yule restarted at 09:10 with SetServerPort changed to 49778."""
    s = healthy_server("yule-port")
    s.log.e(T("2024-05-14 09:10:12"), "ALERT", "msg=<EXIT>, program=<Yule>, status=<exit_success>")
    s.up(T("2024-05-14 09:10:14"))
    s.misc.append("SetServerPort = 49778")
    s.port = 49778
    return s


def scenario_noup():
    """yule restarted at 09:10 for a configuration change; meanwhile someone
    testing the firewall path had left "nc -lk 49777" running on its port.
    The new yule logs START but never "Server up": it runs, listening on
    nothing, and the clients get Connection refused."""
    s = healthy_server("yule-noup")
    s.log.e(T("2024-05-14 09:10:12"), "ALERT", "msg=<EXIT>, program=<Yule>, status=<exit_success>")
    s.up(T("2024-05-14 09:10:14"), serving=False)
    s.listening = False
    s.etime = "03:19:46"
    s.ps.append("   2290    2214 netops      03:31:02 nc -lk 49777")
    s.listen.insert(1, 'LISTEN 0      1            0.0.0.0:49777      0.0.0.0:*     '
                       'users:(("nc",pid=2290,fd=3))')
    return s


def scenario_nolog():
    """A healthy yule whose build writes its log to /srv/yule/log/yule_log,
    a place the profile does not look (and yulerc does not name it): the
    bundle has yulerc, the process, the socket and the data directory, but
    no yule log. It is still a server: its log rules are partial, not
    "not applicable"."""
    s = healthy_server("yule-nolog")
    s.log_path = "srv/yule/log/yule_log"
    return s


def scenario_lookup():
    """The server cannot resolve web01's address back to its name; someone
    then silenced the check with SeverityLookup = debug and reloaded."""
    s = healthy_server("yule-lookup")
    t = T("2024-05-13 14:00:07")
    for i in range(4):
        s.log.e(t, "CRIT", "msg=<Reverse lookup of socket peer failed> host=<web01.example.net> "
                "peer=<web01.example.net> obj=<192.0.2.121>")
        s.rcvt(t + timedelta(seconds=1), "web01", "MARK", "msg=<File check completed.>, time=<40>, kBps=<7533.000000>")
        t += timedelta(hours=2)
    s.log.e(T("2024-05-13 21:47:55"), "CRIT", "msg=<Runtime configuration reloaded>")
    s.misc.append("SeverityLookup = debug")
    return s


def scenario_crashed():
    """yule died without logging its exit (no EXIT line), nothing listens."""
    s = healthy_server("yule-crashed")
    s.rcvt(T("2024-05-14 08:00:06"), "web01", "MARK", "msg=<File check completed.>, time=<41>, kBps=<7533.000000>")
    s.running = False
    return s


def scenario_libwrap():
    c = Client("web-libwrap", "web03")
    s = healthy_server("yule-libwrap")
    s.misc.append("SetServerPort = 49777")
    c.start(T("2024-05-14 07:45:10"))
    routine(c, T("2024-05-14 07:46:00"), T("2024-05-14 12:00:00"))
    t, d = T("2024-05-14 09:05:33"), 60
    while t < T("2024-05-14 12:25:00"):
        c.log.e(t, "ERROR", "msg=<Connection error: Connection reset by peer>")
        c.log.e(t + timedelta(seconds=2), "ERROR", "msg=<Session key negotiation failed>")
        s.log.e(t, "ERROR", "msg=<Refused connection from web03.example.net>, subroutine=<libwrap>")
        t += timedelta(seconds=d)
        d = min(d * 2, 2048)
    s.deny = ("# /etc/hosts.deny: list of hosts that are _not_ allowed to access the system.\n"
              "#\n# changed 2024-05-14 by the network team: default deny for the log server\n"
              "yule: ALL\nsshd: ALL EXCEPT 192.0.2.0/24\n")
    s.allow = ("# /etc/hosts.allow: list of hosts that are allowed to access the system.\n"
               "yule: 192.0.2.21, 192.0.2.22 web04.example.net web05.example.net\n"
               "yule: .corp.example.net\n")
    return c, s


def scenario_password():
    c = Client("web-password", "web04")
    s = healthy_server("yule-password")
    c.start(T("2024-05-13 22:00:03"))
    c.ok_session(T("2024-05-13 22:00:04"))
    routine(c, T("2024-05-13 22:01:00"), T("2024-05-14 09:20:00"))
    c.stop(T("2024-05-14 09:29:40"))
    s.rcvt(T("2024-05-14 09:29:41"), "web04", "ALERT", "msg=<EXIT>, program=<Samhain>, status=<exit_success>")
    # reinstalled from a freshly built package: the new binary has no password set
    c.start(T("2024-05-14 09:30:02"), hash_seed="rebuilt")
    t, d = T("2024-05-14 09:30:03"), 1
    while t < T("2024-05-14 12:25:00"):
        c.log.e(t, "ERROR", "msg=<Session key negotiation failed>")
        s.log.e(t, "CRIT", "msg=<Invalid connection attempt: Session key mismatch>, client=<web04.example.net>")
        t += timedelta(seconds=d)
        d = min(d * 2, 2048)
    routine(c, T("2024-05-14 09:31:00"), T("2024-05-14 12:20:00"))
    c.which = ["/usr/local/sbin/samhain", "/usr/sbin/samhain"]
    s.extra_entries = ["web04.example.net"]    # an old entry appended again below the others
    return c, s


def scenario_name():
    c = Client("web-name", "web05")
    s = healthy_server("yule-name")
    # /etc/hosts on the client lost its FQDN line: the host name now resolves
    # to a loopback alias without a domain
    c.hosts = ["127.0.0.1\tlocalhost", "127.0.1.1\tweb05", "",
               "::1     localhost ip6-localhost ip6-loopback",
               "%s\t%s yule01" % (SERVER_IP, SERVER)]
    c.hostname_f = "web05"
    c.samhain_err = fqdn_warning("web05", "web05")
    c.addrs.append(("eth1", "198.51.100.25/24", "global"))
    c.start(T("2024-05-14 09:40:05"))
    t, d = T("2024-05-14 09:40:06"), 1
    while t < T("2024-05-14 12:25:00"):
        c.log.e(t, "ERROR", "msg=<Session key negotiation failed>")
        s.log.e(t, "CRIT", "msg=<Invalid connection attempt: Not in client list>, client=<web05>")
        t += timedelta(seconds=d)
        d = min(d * 2, 2048)
    routine(c, T("2024-05-14 09:41:00"), T("2024-05-14 12:20:00"))
    return c, s


def scenario_download(missing=False):
    c = Client("web-download", "web06")
    s = healthy_server("yule-download-missing" if missing else "yule-download")
    rc = "rc.web06.example.net"
    if missing:
        del s.data[rc]
        del s.data["rc"]
    else:
        # copied in as root with a restrictive umask
        s.data[rc] = "-rw-------"
        s.owner[rc] = "root root"
    t = T("2024-05-14 10:02:11")
    c.log.start_run(t)
    c.log.e(t, "INFO", "msg=<Downloading configuration file>")
    c.ok_session(t + timedelta(seconds=1))
    c.log.e(t + timedelta(seconds=1), "ERROR", "msg=<File download failed>")
    c.log.e(t + timedelta(seconds=1), "INFO", "msg=<No file from server, trying local file>")
    c.start(t + timedelta(seconds=2), new_run=False)
    routine(c, t + timedelta(minutes=1), T("2024-05-14 12:20:00"))
    s.log.e(t + timedelta(seconds=1), "ERROR", "msg=<File not accessible>, userid=<%d>, path=</var/lib/yule/%s>"
            % (YULE_UID, rc))
    s.log.e(t + timedelta(seconds=1), "CRIT", "msg=<Requested file not found>, client=<web06.example.net>, "
            "path=</var/lib/yule/%s>" % rc)
    s.rcvt(t + timedelta(seconds=3), "web06", "ALERT", "msg=<START>, program=<Samhain>, userid=<0>")
    return c, s


def scenario_concurrent():
    c = Client("web-concurrent", "web07")
    s = healthy_server("yule-concurrent")
    c.start(T("2024-05-11 06:15:22"))
    c.ok_session(T("2024-05-11 06:15:23"))
    routine(c, T("2024-05-14 06:00:00"), T("2024-05-14 12:20:00"))
    # a cron job starts "samhain -t check" every 10 minutes from 10:05
    t = T("2024-05-14 10:05:01")
    while t < T("2024-05-14 12:25:00"):
        c.log.start_run(t)
        c.log.e(t, "ALERT", "msg=<START>, program=<Samhain>, userid=<0>, path=</etc/samhainrc>, hash=<%s>"
                % hexof("rc", c.name, "4.1.4"))
        c.ok_session(t + timedelta(seconds=1))
        c.check(t + timedelta(seconds=1), secs=30)
        c.stop(t + timedelta(seconds=32))
        c.log.e(t + timedelta(seconds=48), "ERROR", "msg=<Invalid connection state>, expect=<TALK>, received=<INIT>")
        s.log.e(t + timedelta(seconds=48), "CRIT",
                "msg=<Invalid connection attempt: Signature mismatch>, client=<web07.example.net>")
        t += timedelta(minutes=10)
    c.ps.append("  30211   30209 root        00:00:12 /usr/sbin/samhain -t check --foreground")
    c.ps.insert(-1, "  30209     731 root        00:00:12 /bin/sh -c /usr/sbin/samhain -t check --foreground")
    return c, s


def scenario_restart():
    c = Client("web-restart", "web08")
    s = healthy_server("yule-restart")
    c.start(T("2024-05-13 22:00:03"))
    c.ok_session(T("2024-05-13 22:00:04"))
    routine(c, T("2024-05-13 22:01:00"), T("2024-05-14 03:00:00"))
    # segfault at 03:17:36, systemd restarts it
    c.start(T("2024-05-14 03:17:40"))
    c.ok_session(T("2024-05-14 03:17:41"))
    routine(c, T("2024-05-14 03:18:00"), T("2024-05-14 12:20:00"))
    s.log.e(T("2024-05-14 03:17:41"), "CRIT", "msg=<Restart without prior exit>, client=<web08.example.net>")
    s.rcvt(T("2024-05-14 03:17:42"), "web08", "ALERT", "msg=<START>, program=<Samhain>, userid=<0>")
    c.ps[-1] = "   1422       1 root        09:12:33 /usr/sbin/samhain -D"
    c.syslog = [
        "May 14 03:17:36 web08 kernel: [1829012.442817] samhain[812]: segfault at 18 ip 000055d1c2a1b3c4 "
        "sp 00007ffd4e1c8a10 error 4 in samhain[55d1c2a00000+5e000]",
        "May 14 03:17:36 web08 kernel: [1829012.442851] Code: 48 8b 47 18 48 85 c0 74 0d 48 8b 00 c3 0f 1f 44 00 00",
        "May 14 03:17:36 web08 systemd[1]: samhain.service: Main process exited, code=dumped, status=11/SEGV",
        "May 14 03:17:36 web08 systemd[1]: samhain.service: Failed with result 'core-dump'.",
        "May 14 03:17:39 web08 systemd[1]: samhain.service: Scheduled restart job, restart counter is at 1.",
        "May 14 03:17:40 web08 Samhain[1422]: ALERT  :  [2024-05-14T03:17:40+0200] msg=<START>, program=<Samhain>, "
        "userid=<0>, path=</etc/samhainrc>, hash=<%s>" % hexof("rc", c.name, "4.1.4"),
    ]
    return c, s


def scenario_killed():
    c = Client("web-killed", "web09")
    c.start(T("2024-05-14 01:00:02"))
    c.ok_session(T("2024-05-14 01:00:03"))
    routine(c, T("2024-05-14 01:01:00"), T("2024-05-14 08:00:00"))
    # killed with SIGKILL around 08:40, started by hand at 09:12
    c.start(T("2024-05-14 09:12:08"))
    c.ok_session(T("2024-05-14 09:12:09"))
    routine(c, T("2024-05-14 09:13:00"), T("2024-05-14 12:20:00"))
    c.ps[-1] = "   4411       1 root        03:17:52 /usr/sbin/samhain -D"
    return c


def raw_xml_server():
    """A customer's yule log in XML format, sent without a bundle."""
    log = []

    def e(t, sev, body):
        log.append('<log sev="%s" tstamp="%s" %s />' % (sev, ts(t), body))
        log.append("<sig>%s</sig></log>" % hexof("rawxml", str(len(log)), body))
    e(T("2024-05-14 07:00:01"), "ALRT", 'msg="START" program="Yule" userid="0" path="/etc/yulerc" hash="%s"'
      % hexof("raw-yulerc"))
    log.append('<log sev="MARK" tstamp="%s" msg="Server up, simultaneous connections: 1017" socket_id="3"  >'
               % ts(T("2024-05-14 07:00:01")))
    t = T("2024-05-14 08:30:12")
    for i in range(6):
        e(t, "CRIT", 'msg="Invalid connection attempt: Not in client list" host="localhost"')
        t += timedelta(seconds=2 ** (i + 1))
    t = T("2024-05-14 09:02:44")
    for i in range(4):
        e(t, "CRIT", 'msg="Invalid connection attempt: Session key mismatch" host="db02.example.net"')
        t += timedelta(seconds=2 ** (i + 1))
    rcv = ('<log sev="RCVT" tstamp="2014-05-14 09:30:00+0200" remote_host="web01" > <log sev="CRIT" '
           'tstamp="2024-05-14 09:29:59+0200" msg="POLICY [ReadOnly] C-------TS" path="/etc/motd" />')
    log.append(rcv.replace("2014-", "2024-"))
    return "\n".join(log) + "\n"


def main():
    hosts = []
    for scen in (scenario_ok, scenario_refused, scenario_libwrap, scenario_password, scenario_name,
                 scenario_download, scenario_concurrent, scenario_restart):
        hosts.extend(scen())
    hosts.append(scenario_download(missing=True)[1])
    hosts.append(scenario_killed())
    hosts.append(scenario_port())
    hosts.append(scenario_crashed())
    hosts.append(scenario_lookup())
    hosts.append(scenario_noup())
    hosts.append(scenario_nolog())
    keep = {h.dirname for h in hosts}
    for d in os.listdir(HERE):
        # real-* hosts come from the real samhain (profiles/samhain_scenarios_test.go)
        if os.path.isdir(os.path.join(HERE, d)) and d not in keep and not d.startswith("real-"):
            shutil.rmtree(os.path.join(HERE, d))
    for h in hosts:
        h.build()
    if os.path.isdir(RAW):   # raw real-* uploads come from the real samhain too
        for d in os.listdir(RAW):
            if not d.startswith("real-"):
                shutil.rmtree(os.path.join(RAW, d))
    write(os.path.join(RAW, "yule-xml", "yule_log"), raw_xml_server())


if __name__ == "__main__":
    main()
