#!/usr/bin/env python3
"""Generate the fake SMS HA hosts under testdata/hosts/sms/ and the raw
customer upload under testdata/raw/sms/.

The message texts that the profile relies on come from the vendor document
(TippingPoint SMS HA Troubleshooting and Best Practices v5.0.0): "Local
state:", "considering cluster takeover", "attempting to restart active
system", "DEGRADED HA", java.lang.OutOfMemoryError, /etc/ha.state,
/var/lib/mysql/dbdatadir/mysqld.err, the state names, one heartbeat a minute
and three missed ones before a takeover. Host names, addresses, times, counts
and every surrounding line are invented. MySQL lines use MySQL's own wording.

Run from anywhere: python3 testdata/hosts/sms/gen.py  (deterministic output;
SMS_GEN_OUT=dir writes the trees under dir/hosts and dir/raw instead).
"""
import gzip
import io
import os
import random
import shutil
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.normpath(os.path.join(HERE, "..", "..", "raw", "sms"))
if os.environ.get("SMS_GEN_OUT"):   # write elsewhere (the Go test compares the two trees)
    HERE = os.path.join(os.environ["SMS_GEN_OUT"], "hosts")
    RAW = os.path.join(os.environ["SMS_GEN_OUT"], "raw")
LOGDIR = "var/log/tippingpoint"
MIN = timedelta(minutes=1)

DEVICES = ["ips-core-01", "ips-core-02", "ips-edge-01", "ips-edge-02", "ips-edge-03",
           "ips-dmz-01", "ips-dc-07", "ips-branch-11"]


def T(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S")


class Host:
    def __init__(self, name, ip, peer, peer_ip, role, seed, logdir=LOGDIR, tz="Etc/UTC"):
        self.name, self.ip, self.peer, self.peer_ip, self.role = name, ip, peer, peer_ip, role
        self.rng = random.Random(seed)
        self.logdir = logdir
        self.tz = tz
        self.ha = []      # (time, text)
        self.info = []    # (time, text) text may span lines
        self.tpt = []
        self.mysql = []   # (sortkey, text): text already formatted
        self.files = {}   # extra files: path -> content
        self.seq = 0
        self.disk = {"/": 41, "/boot": 22, "/var": 37, "/tmp": 3}
        self.mem_total_kb = 16330548
        self.xmx = "4096m"
        self.jboss_home = "/usr/local/jboss"   # where the JVM's command line says JBoss lives

    # --- log line writers -------------------------------------------------
    def _key(self, t):
        self.seq += 1
        return (t, self.seq)

    def h(self, t, level, comp, msg):
        self.ha.append((self._key(t), "%s %-5s [%s] %s" % (t.strftime("%Y-%m-%d %H:%M:%S"), level, comp, msg)))

    def i(self, t, level, thread, logger, msg, extra=()):
        ms = self.rng.randint(0, 999)
        line = "%s,%03d %-5s [%s] %s - %s" % (t.strftime("%Y-%m-%d %H:%M:%S"), ms, level, thread, logger, msg)
        self.info.append((self._key(t), "\n".join([line] + list(extra))))

    def c(self, t, level, cat, msg, extra=()):
        ms = self.rng.randint(0, 999)
        line = "%s,%03d %-5s [%s] %s" % (t.strftime("%Y-%m-%d %H:%M:%S"), ms, level, cat, msg)
        self.tpt.append((self._key(t), "\n".join([line] + list(extra))))

    def m(self, t, text):
        self.mysql.append((self._key(t), text))

    # --- filler -----------------------------------------------------------
    def filler(self, start, end, state, peer_state="passive", polls=True, health=True, peer_checks=None,
               ha_lines=True, serving=None):
        """Routine lines between start and end while the node is in state."""
        active = state == "active" if serving is None else serving
        if peer_checks is None:
            peer_checks = not active
        t = start.replace(minute=(start.minute // 15) * 15, second=0) + timedelta(minutes=15)
        while ha_lines and t < end:
            if t.minute == 0:
                self.h(t + timedelta(seconds=2), "INFO", "heartbeat",
                       "Heartbeats in the last 60 min: sent 60, answered 60, missed 0, mean round trip %d ms (eth1)"
                       % self.rng.randint(1, 4))
            if t.minute in (0, 30):
                if active:
                    self.h(t + timedelta(seconds=5), "INFO", "replication",
                           "Database replication to %s: running, 0 s behind" % self.peer_ip)
                else:
                    self.h(t + timedelta(seconds=5), "INFO", "replication",
                           "Database replication from %s: running, 0 s behind" % self.peer_ip)
            self.h(t + timedelta(seconds=1), "INFO", "hamon",
                   "Cluster status: role %s, peer %s (%s) %s" % (state, self.peer, self.peer_ip, peer_state))
            t += timedelta(minutes=15)
        # sms-info.log
        t = start + timedelta(seconds=self.rng.randint(5, 50))
        nxt_health = start.replace(second=0) + timedelta(minutes=10 - start.minute % 10)
        while t < end:
            r = self.rng.random()
            if active and polls:
                dev = self.rng.choice(DEVICES)
                if r < 0.55:
                    self.i(t, "INFO", "DeviceEventPoller-%d" % self.rng.randint(1, 6),
                           "com.tippingpoint.sms.device.EventPoller",
                           "Retrieved %d events from %s" % (self.rng.randint(0, 2400), dev))
                elif r < 0.70:
                    self.i(t, "INFO", "DeviceStatsPoller-%d" % self.rng.randint(1, 3),
                           "com.tippingpoint.sms.device.StatsPoller",
                           "Collected port and CPU statistics from %s" % dev)
                elif r < 0.78:
                    self.i(t, "INFO", "http-0.0.0.0-443-%d" % self.rng.randint(1, 9),
                           "com.tippingpoint.sms.auth.LoginService",
                           "User 'secadmin' logged in from 10.%d.5.%d" % (self.rng.randint(10, 90), self.rng.randint(10, 200)))
                elif r < 0.84:
                    self.i(t, "INFO", "DVDistribution", "com.tippingpoint.sms.dv.Distributor",
                           "Digital Vaccine 3.2.0.8842 already current on %s" % dev)
                elif r < 0.90:
                    self.i(t, "INFO", "ReportScheduler", "com.tippingpoint.sms.report.Scheduler",
                           "Report 'Top Attacks (hourly)' completed in %d s" % self.rng.randint(2, 40))
                else:
                    self.i(t, "INFO", "SnmpTrapReceiver", "com.tippingpoint.sms.snmp.TrapReceiver",
                           "Trap from %s: link up on port 3A" % dev)
            else:
                if r < 0.5:
                    self.i(t, "INFO", "ReplicationMonitor", "com.tippingpoint.sms.ha.ReplicationMonitor",
                           "Replica is current (master %s)" % self.peer_ip)
                else:
                    self.i(t, "INFO", "Scheduler", "com.tippingpoint.sms.server.Scheduler",
                           "Standby housekeeping finished in %d ms" % self.rng.randint(20, 400))
            t += timedelta(seconds=self.rng.randint(240, 900))
        if health:
            t = nxt_health
            while t < end:
                checks = "heartbeat, interface, database, jboss" if ha_lines else "database, jboss"
                self.i(t + timedelta(seconds=2), "INFO", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
                       "Local health check passed: " + checks)
                if peer_checks:
                    self.i(t + timedelta(seconds=3), "INFO", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
                           "Peer health check passed: %s (%s)" % (checks, self.peer_ip))
                t += timedelta(minutes=10)

    def ha_start(self, t, state, peer_state):
        self.h(t, "INFO", "hamon", "HA service starting on %s (%s)" % (self.name, self.role))
        self.h(t + timedelta(seconds=1), "INFO", "hamon",
               "Heartbeat every 60 s to %s on eth1 (private), fallback eth0 (public); takeover after 3 missed" % self.peer_ip)
        self.h(t + timedelta(seconds=3), "INFO", "hamon", "Peer %s (%s) reports state %s" % (self.peer, self.peer_ip, peer_state))
        self.h(t + timedelta(seconds=4), "INFO", "hamon", "Local state: %s" % state)

    def jboss_start(self, t, secs=172):
        self.c(t, "INFO", "org.jboss.Main", "Starting JBoss (MX MicroKernel)...")
        self.c(t + timedelta(seconds=1), "INFO", "org.jboss.Main", "Release ID: JBoss [Trinity] 4.2.3.GA (build: SVNTag=JBoss_4_2_3_GA date=200807181417)")
        self.c(t + timedelta(seconds=2), "INFO", "org.jboss.system.server.ServerInfo",
               "Java version: 1.8.0_131,Oracle Corporation")
        self.c(t + timedelta(seconds=2), "INFO", "org.jboss.system.server.ServerInfo",
               "Total Memory: 2058354688, Max Memory: %d" % (int(self.xmx[:-1]) * 1024 * 1024 - 33554432))
        self.c(t + timedelta(seconds=secs - 20), "INFO", "com.tippingpoint.sms.server.SMSServer",
               "SMS server 5.0.0.106964 initialised (%s)" % self.role)
        self.c(t + timedelta(seconds=secs), "INFO", "org.jboss.system.server.Server",
               "JBoss (MX MicroKernel) [4.2.3.GA (build: SVNTag=JBoss_4_2_3_GA date=200807181417)] Started in %dm:%ds:%dms"
               % (secs // 60, secs % 60, self.rng.randint(0, 999)))
        self.i(t + timedelta(seconds=secs + 1), "INFO", "main", "com.tippingpoint.sms.server.SMSServer",
               "SMS server started in %d s" % secs)

    def mysql56_start(self, t, pid, crash=False, slave=False):
        f = lambda dt: dt.strftime("%Y-%m-%d %H:%M:%S")
        self.m(t, "%s 0 [Note] /usr/sbin/mysqld (mysqld 5.6.36-log) starting as process %d ..." % (f(t), pid))
        L = [
            "[Note] Plugin 'FEDERATED' is disabled.",
            "[Note] InnoDB: Using atomics to ref count buffer pool pages",
            "[Note] InnoDB: The InnoDB memory heap is disabled",
            "[Note] InnoDB: Compressed tables use zlib 1.2.3",
            "[Note] InnoDB: Initializing buffer pool, size = 2.0G",
            "[Note] InnoDB: Completed initialization of buffer pool",
            "[Note] InnoDB: Highest supported file format is Barracuda.",
        ]
        if crash:
            L += [
                "[Note] InnoDB: Log scan progressed past the checkpoint lsn 88213550112",
                "[Note] InnoDB: Database was not shut down normally!",
                "[Note] InnoDB: Starting crash recovery.",
                "[Note] InnoDB: Reading tablespace information from the .ibd files...",
                "[Note] InnoDB: Restoring possible half-written data pages",
                "[Note] InnoDB: from the doublewrite buffer...",
                "[Note] InnoDB: Doing recovery: scanned up to log sequence number 88213561894",
                "[Note] InnoDB: Starting an apply batch of log records to the database...",
                "[Note] InnoDB: Apply batch completed",
            ]
        L += [
            "[Note] InnoDB: 128 rollback segment(s) are active.",
            "[Note] InnoDB: Waiting for purge to start",
            "[Note] InnoDB: 5.6.36 started; log sequence number 88213561894",
            "[Note] Server hostname (bind-address): '*'; port: 3306",
            "[Note] Event Scheduler: Loaded 0 events",
            "[Note] /usr/sbin/mysqld: ready for connections.",
        ]
        for k, l in enumerate(L):
            dt = t + timedelta(seconds=1 + k // 4)
            if "Progress" in l:
                continue
            self.m(dt, "%s %d %s" % (f(dt), pid, l))
        dt = t + timedelta(seconds=1 + len(L) // 4)
        self.m(dt, "Version: '5.6.36-log'  socket: '/var/lib/mysql/mysql.sock'  port: 3306  MySQL Community Server (GPL)")
        if slave:
            dt += timedelta(seconds=2)
            self.m(dt, "%s %d [Note] Slave I/O thread: connected to master 'repl@%s:3306',replication started in log 'mysql-bin.000412' at position 120"
                   % (f(dt), pid, self.peer_ip))
            self.m(dt, "%s %d [Note] Slave SQL thread initialized, starting replication in log 'mysql-bin.000412' at position 120, relay log './mysqld-relay-bin.000002' position: 4"
                   % (f(dt), pid))

    # --- output -----------------------------------------------------------
    def write(self, root, cuts_ha=(), cuts_info=(), gz_ha=(), gz_info=(), ha_state=None, cli=False,
              jboss_conf=True, extra_ps="", retain_from=None):
        """retain_from: ha.log and sms-info.log lines older than this have
        rotated away (tpt_sms.txt and mysqld.err are kept whole)."""
        if retain_from is not None:
            self.ha = [e for e in self.ha if e[0][0] >= retain_from]
            self.info = [e for e in self.info if e[0][0] >= retain_from]
        if os.path.exists(root):
            shutil.rmtree(root)
        w = lambda rel, text, mode=0o644: _write(root, rel, text, mode)
        w("etc/hostname", self.name + "\n")
        w("etc/timezone", self.tz + "\n")
        w("etc/os-release", 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nVERSION_ID="7"\n'
                            'PRETTY_NAME="CentOS Linux 7 (Core)"\n')
        w("proc/sys/kernel/osrelease", "3.10.0-693.2.2.el7.x86_64\n")
        w("proc/uptime", "%d.41 %d.07\n" % (self.rng.randint(3000, 900000), self.rng.randint(3000, 900000)))
        if ha_state is not None:
            w("etc/ha.state", ha_state + "\n")
        _rotated(root, self.logdir, "ha.log", self.ha, cuts_ha, gz_ha)
        _rotated(root, self.logdir, "sms-info.log", self.info, cuts_info, gz_info)
        w(self.logdir + "/tpt_sms.txt", _join(self.tpt))
        w("var/lib/mysql/dbdatadir/mysqld.err", _join(self.mysql))
        free_kb = self.mem_total_kb // 5
        w("proc/meminfo", "MemTotal:       %d kB\nMemFree:         %d kB\nMemAvailable:    %d kB\n"
                          "Buffers:          212044 kB\nCached:          3981220 kB\nSwapCached:        10112 kB\n"
                          "SwapTotal:       8388604 kB\nSwapFree:        8301340 kB\n"
          % (self.mem_total_kb, free_kb, free_kb * 2))
        # commands: small scripts printing fixtures
        fx = {}
        fx["ip-addr.txt"] = (
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n"
            "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
            "    inet 127.0.0.1/8 scope host lo\n"
            "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP qlen 1000\n"
            "    link/ether 00:1b:21:%02x:4c:10 brd ff:ff:ff:ff:ff:ff\n"
            "    inet %s/24 brd %s.255 scope global eth0\n"
            "3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP qlen 1000\n"
            "    link/ether 00:1b:21:%02x:4c:11 brd ff:ff:ff:ff:ff:ff\n"
            "    inet 192.168.250.%s/30 brd 192.168.250.3 scope global eth1\n"
            % (self.rng.randint(0, 255), self.ip, self.ip.rsplit(".", 1)[0], self.rng.randint(0, 255),
               "1" if self.role == "primary" else "2"))
        fx["ip-link.txt"] = (
            "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT qlen 1000\n"
            "    RX: bytes  packets  errors  dropped overrun mcast\n"
            "    %d %d 0 0 0 1022\n"
            "    TX: bytes  packets  errors  dropped carrier collsns\n"
            "    %d %d 0 0 0 0\n"
            "3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT qlen 1000\n"
            "    RX: bytes  packets  errors  dropped overrun mcast\n"
            "    %d %d 0 0 0 0\n"
            "    TX: bytes  packets  errors  dropped carrier collsns\n"
            "    %d %d 0 0 0 0\n"
            % tuple(self.rng.randint(10**8, 10**11) for _ in range(8)))
        net = self.ip.rsplit(".", 1)[0]
        fx["ip-route.txt"] = ("default via %s.1 dev eth0\n%s.0/24 dev eth0 proto kernel scope link src %s\n"
                              "192.168.250.0/30 dev eth1 proto kernel scope link src 192.168.250.%s\n"
                              % (net, net, self.ip, "1" if self.role == "primary" else "2"))
        rows = [("/dev/mapper/vg0-root", "20G", "/"), ("/dev/sda1", "477M", "/boot"),
                ("/dev/mapper/vg0-var", "380G", "/var"), ("tmpfs", "7.8G", "/tmp")]
        df = "Filesystem            Size  Used Avail Use% Mounted on\n"
        for dev, size, mnt in rows:
            pct = self.disk[mnt]
            num = float(size[:-1])
            used = num * pct / 100.0
            df += "%-21s %5s %5s %5s %3d%% %s\n" % (dev, size, _h(used, size[-1]), _h(num - used, size[-1]), pct, mnt)
        fx["df.txt"] = df
        tot = self.mem_total_kb // 1024
        fx["free.txt"] = ("              total        used        free      shared  buff/cache   available\n"
                          "Mem:          %5d        %5d        %5d          18        4097        %5d\n"
                          "Swap:          8191          85        8106\n" % (tot, tot - free_kb // 1024 - 4097, free_kb // 1024, free_kb * 2 // 1024))
        xms = "2048m"
        ps = ("  PID USER       RSS    VSZ     ELAPSED COMMAND\n"
              "    1 root      3920 193884 12-04:11:52 /usr/lib/systemd/systemd --system --deserialize 21\n"
              " 1321 root      1412 115384 12-04:11:31 /bin/sh /usr/bin/mysqld_safe --datadir=/var/lib/mysql/dbdatadir --pid-file=/var/lib/mysql/dbdatadir/%s.pid\n"
              " 1987 mysql   2514420 4988212 12-04:11:30 /usr/sbin/mysqld --basedir=/usr --datadir=/var/lib/mysql/dbdatadir --plugin-dir=/usr/lib64/mysql/plugin --log-error=/var/lib/mysql/dbdatadir/mysqld.err --socket=/var/lib/mysql/mysql.sock --port=3306\n"
              " 2210 root     12004 241120 12-04:10:02 /usr/local/sbin/hamon -c /etc/ha.conf\n"
              " 2415 jboss   3871224 9120544 12-04:09:12 /usr/java/jdk1.8.0_131/bin/java -Dprogram.name=run.sh -server -Xms%s -Xmx%s -XX:MaxMetaspaceSize=512m -Djava.net.preferIPv4Stack=true -Djava.endorsed.dirs=%s/lib/endorsed -classpath %s/bin/run.jar org.jboss.Main -c default -b 0.0.0.0\n"
              "%s"
              " 8812 root      1880 151860       00:00 ps -eo pid,user,rss,vsz,etime,args\n"
              % (self.name, xms, self.xmx, self.jboss_home, self.jboss_home, extra_ps))
        fx["ps.txt"] = ps
        for n, text in fx.items():
            w("fixtures/" + n, text)
        w("bin/ip", '#!/bin/sh\nd="$(dirname "$0")/../fixtures"\ncase "$*" in\n'
                    '  "addr show") cat "$d/ip-addr.txt" ;;\n'
                    '  "-s link show") cat "$d/ip-link.txt" ;;\n'
                    '  "route show") cat "$d/ip-route.txt" ;;\n'
                    '  *) echo "ip: unsupported in this fake host: $*" >&2; exit 1 ;;\nesac\n', 0o755)
        w("bin/df", '#!/bin/sh\ncat "$(dirname "$0")/../fixtures/df.txt"\n', 0o755)
        w("bin/free", '#!/bin/sh\ncat "$(dirname "$0")/../fixtures/free.txt"\n', 0o755)
        w("bin/ps", '#!/bin/sh\ncat "$(dirname "$0")/../fixtures/ps.txt"\n', 0o755)
        if jboss_conf:
            w("usr/local/jboss/bin/run.conf",
              '## JBoss bootstrap environment for the SMS server\n'
              'if [ "x$JAVA_OPTS" = "x" ]; then\n'
              '   JAVA_OPTS="-server -Xms%s -Xmx%s -XX:MaxMetaspaceSize=512m"\n'
              'fi\n'
              'JAVA_OPTS="$JAVA_OPTS -Djava.net.preferIPv4Stack=true"\n' % (xms, self.xmx))
        if cli:
            w("usr/local/bin/smscli",
              '#!/bin/sh\n# fake SMS CLI for the test host: answers the two commands the profile uses\n'
              'case "$*" in\n'
              '  "get HA") cat "$(dirname "$0")/../../../fixtures/cli-get-ha.txt" ;;\n'
              '  "set logs.create=yes") cat "$(dirname "$0")/../../../fixtures/cli-logs-create.txt" ;;\n'
              '  *) echo "smscli: only get HA and set logs.create=yes are scripted here" >&2; exit 1 ;;\nesac\n', 0o755)
            w("fixtures/cli-get-ha.txt", "HA cluster: enabled\nThis node: %s (%s, %s)\nLocal state: %s\nPeer: %s (%s)\n"
              % (self.name, self.role, self.ip, ha_state, self.peer, self.peer_ip))
            w("fixtures/cli-logs-create.txt", "Collecting logs on %s... done.\nLog archive: /var/log/tippingpoint/export/sms-logs-%s.zip\n"
              % (self.name, self.name))
        for rel, text in self.files.items():
            w(rel, text)


def _h(v, unit):
    if unit == "G" and v < 1:
        return "%dM" % round(v * 1024)
    return ("%.1f%s" % (v, unit)) if v < 10 else ("%d%s" % (round(v), unit))


def _write(root, rel, text, mode=0o644):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    data = text if isinstance(text, bytes) else text.encode()
    with open(p, "wb") as f:
        f.write(data)
    os.chmod(p, mode)


def _join(entries):
    entries = sorted(entries, key=lambda e: e[0])
    return "".join(e[1] + "\n" for e in entries)


def _rotated(root, logdir, base, entries, cuts, gz):
    """cuts: ascending datetimes; lines before cuts[0] go to base.N (oldest),
    ..., lines after the last cut to base. gz: rotation numbers to gzip."""
    entries = sorted(entries, key=lambda e: e[0])
    segs = [[] for _ in range(len(cuts) + 1)]
    for e in entries:
        k = sum(1 for c in cuts if e[0][0] >= c)
        segs[k].append(e)
    n = len(cuts)
    for k, seg in enumerate(segs):
        num = n - k
        name = base if num == 0 else "%s.%d" % (base, num)
        text = "".join(e[1] + "\n" for e in seg)
        if num in gz:
            buf = io.BytesIO()
            with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as g:
                g.write(text.encode())
            _write(root, "%s/%s.gz" % (logdir, name), buf.getvalue())
        else:
            _write(root, "%s/%s" % (logdir, name), text)


def stack(*frames):
    return ["\tat " + f for f in frames]


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

def healthy():
    """sms-hq-1 (primary, active) and sms-hq-2 (secondary, passive)."""
    out = []
    for name, ip, peer, pip, role, state, pstate, seed in [
        ("sms-hq-1", "10.20.30.11", "sms-hq-2", "10.20.30.12", "primary", "active", "passive", 11),
        ("sms-hq-2", "10.20.30.12", "sms-hq-1", "10.20.30.11", "secondary", "passive", "active", 12),
    ]:
        h = Host(name, ip, peer, pip, role, seed)
        boot = T("2017-09-28 04:10:02")
        h.mysql56_start(boot + timedelta(seconds=20), 1987)
        h.jboss_start(boot + timedelta(seconds=70))
        h.filler(T("2017-10-09 00:00:00"), T("2017-10-09 07:30:00"), "Un-configured", "-", peer_checks=False,
                 ha_lines=False, serving=(role == "primary"))
        h.h(T("2017-10-09 07:38:02"), "INFO", "hamon", "HA configuration received from %s" % ("SMS client" if role == "primary" else "peer 10.20.30.11"))
        h.h(T("2017-10-09 07:38:03"), "INFO", "hamon", "Local state: Configured")
        h.ha_start(T("2017-10-09 07:41:10"), "synchronization-source" if role == "primary" else "synchronization-target", "Configured")
        h.h(T("2017-10-09 07:58:31"), "INFO", "hamon", "Synchronization complete; restarting SMS services")
        h.h(T("2017-10-09 07:58:32"), "INFO", "hamon", "Local state: Restart")
        h.jboss_start(T("2017-10-09 07:59:10"), secs=175)
        h.h(T("2017-10-09 08:03:40"), "INFO", "hamon", "Local state: %s" % state)
        if state == "passive":
            h.m(T("2017-10-09 08:03:12"), "2017-10-09 08:03:12 1987 [Note] Slave I/O thread: connected to master 'repl@10.20.30.11:3306',replication started in log 'mysql-bin.000001' at position 4")
            h.m(T("2017-10-09 08:03:12"), "2017-10-09 08:03:12 1987 [Note] Slave SQL thread initialized, starting replication in log 'mysql-bin.000001' at position 4, relay log './mysqld-relay-bin.000001' position: 4")
        h.filler(T("2017-10-09 08:04:00"), T("2017-10-11 14:55:00"), state, pstate)
        h.write(os.path.join(HERE, name), cuts_ha=[T("2017-10-10 00:00:00"), T("2017-10-11 00:00:00")],
                cuts_info=[T("2017-10-11 00:00:00")], gz_ha=(2,), ha_state=state, cli=(name == "sms-hq-1"),
                retain_from=T("2017-10-09 00:00:00"))


def takeover():
    """sms-nyc-a (primary) hangs under load; sms-nyc-b (secondary) misses
    three heartbeats, asks for a restart and takes over; the old primary
    comes back, sees an active peer and is told to fail itself."""
    a = Host("sms-nyc-a", "10.40.1.11", "sms-nyc-b", "10.40.1.12", "primary", 21)
    b = Host("sms-nyc-b", "10.40.1.12", "sms-nyc-a", "10.40.1.11", "secondary", 22)
    for h, st in ((a, "active"), (b, "passive")):
        h.mysql56_start(T("2017-09-30 05:00:22"), 2001, slave=(st == "passive"))
        h.jboss_start(T("2017-09-30 05:01:10"))
        h.ha_start(T("2017-09-30 05:05:00"), st, "passive" if st == "active" else "active")
    a.filler(T("2017-10-11 00:00:00"), T("2017-10-12 02:03:00"), "active", "passive")
    b.filler(T("2017-10-11 00:00:00"), T("2017-10-12 02:10:00"), "passive", "active")
    # primary under load
    ev = a.i
    ev(T("2017-10-12 02:03:41"), "WARN", "http-0.0.0.0-443-7", "com.tippingpoint.sms.server.RequestMonitor",
       "Request /dashboard/stats took 38211 ms")
    ev(T("2017-10-12 02:05:12"), "WARN", "ProfileDistribution-2", "com.tippingpoint.sms.profile.Distributor",
       "Distribution of profile 'Corp-Default' to 24 devices still running after 20 min")
    ev(T("2017-10-12 02:05:58"), "INFO", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
       "Local health check passed: heartbeat, interface, database")
    ev(T("2017-10-12 02:06:30"), "ERROR", "DeviceEventPoller-4", "com.tippingpoint.sms.device.EventPoller",
       "Event retrieval from ips-edge-03 failed",
       ["java.net.SocketTimeoutException: Read timed out"] +
       stack("java.net.SocketInputStream.socketRead0(Native Method)",
             "java.net.SocketInputStream.read(SocketInputStream.java:171)",
             "com.tippingpoint.sms.device.DeviceConnection.readResponse(DeviceConnection.java:412)",
             "com.tippingpoint.sms.device.EventPoller.poll(EventPoller.java:188)"))
    ev(T("2017-10-12 02:07:10"), "ERROR", "DeviceEventPoller-1", "com.tippingpoint.sms.device.EventPoller",
       "Event retrieval from ips-core-02 failed",
       ["java.net.SocketTimeoutException: Read timed out"] +
       stack("java.net.SocketInputStream.socketRead0(Native Method)",
             "com.tippingpoint.sms.device.EventPoller.poll(EventPoller.java:188)"))
    for k, mnt in enumerate(("02:08:02", "02:09:02", "02:10:03")):
        ev(T("2017-10-12 " + mnt), "ERROR", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
           "Local health check failed: jboss - application server did not answer within 30 s (%d of 3)" % (k + 1))
    # primary hangs: nothing logged 02:10 - 02:16
    a.h(T("2017-10-12 02:16:09"), "WARN", "hamon", "Restart requested by peer %s; restarting SMS services" % a.peer_ip)
    a.i(T("2017-10-12 02:16:15"), "INFO", "main", "com.tippingpoint.sms.server.SMSServer",
        "Shutting down SMS server (restart requested by HA)")
    a.h(T("2017-10-12 02:16:40"), "INFO", "hamon", "HA service stopping")
    a.jboss_start(T("2017-10-12 02:18:02"), secs=168)
    a.h(T("2017-10-12 02:21:05"), "INFO", "hamon", "HA service starting on sms-nyc-a (primary)")
    a.h(T("2017-10-12 02:21:08"), "INFO", "hamon", "Peer sms-nyc-b (10.40.1.12) reports state active")
    a.h(T("2017-10-12 02:21:08"), "WARN", "hamon",
        "Peer 10.40.1.12 is active and requested this node to fail (avoiding active/active cluster)")
    a.h(T("2017-10-12 02:21:09"), "INFO", "hamon", "Local state: Failed")
    a.i(T("2017-10-12 02:21:30"), "WARN", "main", "com.tippingpoint.sms.server.SMSServer",
        "HA state is Failed: not accepting client or device connections")
    for k in range(4):
        t = T("2017-10-12 02:30:01") + timedelta(minutes=15 * k)
        a.h(t, "INFO", "hamon", "Cluster status: role Failed, peer sms-nyc-b (10.40.1.12) active")
    # secondary: three missed heartbeats, peer checks, restart, takeover
    for k, mnt in enumerate(("02:11:02", "02:12:02", "02:13:02")):
        b.h(T("2017-10-12 " + mnt), "WARN", "heartbeat", "No heartbeat reply from peer 10.40.1.11 (%d of 3)" % (k + 1))
    b.h(T("2017-10-12 02:13:03"), "WARN", "hamon", "Peer 10.40.1.11 missed 3 consecutive heartbeats, considering cluster takeover")
    hm = lambda t, lvl, msg: b.i(T("2017-10-12 " + t), lvl, "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor", msg)
    hm("02:13:04", "WARN", "Peer health check failed: heartbeat - no reply from 10.40.1.11 after 3 attempts (eth1, eth0)")
    hm("02:13:05", "INFO", "Peer health check passed: interface - 10.40.1.11 answers on eth0 and eth1")
    hm("02:13:06", "INFO", "Peer health check passed: database - 10.40.1.11:3306 accepts connections")
    hm("02:13:36", "WARN", "Peer health check failed: jboss - https://10.40.1.11:443/ did not answer within 30 s")
    b.h(T("2017-10-12 02:13:40"), "WARN", "hamon", "Peer health checks failed (heartbeat, jboss), attempting to restart active system 10.40.1.11")
    b.h(T("2017-10-12 02:14:41"), "WARN", "hamon", "Active system 10.40.1.11 did not confirm the restart within 60 s")
    b.h(T("2017-10-12 02:14:42"), "WARN", "hamon", "Taking over the cluster: moving the cluster network identity to this node")
    b.h(T("2017-10-12 02:15:20"), "INFO", "replication", "Replication from 10.40.1.11 stopped; local database promoted")
    b.h(T("2017-10-12 02:15:21"), "INFO", "hamon", "Starting SMS services as active node")
    b.jboss_start(T("2017-10-12 02:15:25"), secs=176)
    b.h(T("2017-10-12 02:18:30"), "INFO", "hamon", "Local state: active")
    b.i(T("2017-10-12 02:18:40"), "INFO", "FailoverTask", "com.tippingpoint.sms.ha.FailoverTask",
        "Notifying 24 managed devices of the new active SMS")
    for k, dev in enumerate(DEVICES[:4]):
        b.i(T("2017-10-12 02:18:45") + timedelta(seconds=3 * k), "INFO", "FailoverTask", "com.tippingpoint.sms.ha.FailoverTask",
            "SNMP trap destination on %s updated to 10.40.1.10" % dev)
    b.filler(T("2017-10-12 02:19:00"), T("2017-10-12 03:25:00"), "active", "Failed", peer_checks=False)
    a.write(os.path.join(HERE, "sms-nyc-a"), cuts_ha=[T("2017-10-12 00:00:00")], cuts_info=[T("2017-10-12 00:00:00")],
            ha_state="Failed", retain_from=T("2017-10-11 00:00:00"))
    b.write(os.path.join(HERE, "sms-nyc-b"), cuts_ha=[T("2017-10-12 00:00:00")], cuts_info=[T("2017-10-12 00:00:00")],
            ha_state="active", retain_from=T("2017-10-11 00:00:00"))


def poweroff():
    """sms-chi-1 (primary) is powered off with HA enabled; on boot the
    database runs crash recovery and HA puts the node in Failed."""
    h = Host("sms-chi-1", "10.50.2.11", "sms-chi-2", "10.50.2.12", "primary", 31)
    h.mysql56_start(T("2017-09-21 06:30:10"), 1871)
    h.jboss_start(T("2017-09-21 06:31:00"))
    h.ha_start(T("2017-09-21 06:35:00"), "active", "passive")
    h.filler(T("2017-10-08 00:00:00"), T("2017-10-09 22:47:14"), "active", "passive")
    # nothing between 22:47 and 23:06: power off
    h.mysql56_start(T("2017-10-09 23:06:41"), 1902, crash=True)
    h.jboss_start(T("2017-10-09 23:09:30"), secs=160)
    h.h(T("2017-10-09 23:07:55"), "INFO", "hamon", "HA service starting on sms-chi-1 (primary)")
    h.h(T("2017-10-09 23:07:56"), "WARN", "hamon", "HA was not shut down properly (clean-shutdown marker missing); the node will not resume its role")
    h.h(T("2017-10-09 23:07:57"), "INFO", "hamon", "Peer sms-chi-2 (10.50.2.12) reports state active")
    h.h(T("2017-10-09 23:07:57"), "INFO", "hamon", "Local state: Failed")
    h.i(T("2017-10-09 23:12:12"), "WARN", "main", "com.tippingpoint.sms.server.SMSServer",
        "HA state is Failed: not accepting client or device connections")
    t = T("2017-10-09 23:15:01")
    while t < T("2017-10-10 09:20:00"):
        h.h(t, "INFO", "hamon", "Cluster status: role Failed, peer sms-chi-2 (10.50.2.12) active")
        t += timedelta(minutes=15)
    t = T("2017-10-09 23:20:02")
    while t < T("2017-10-10 09:20:00"):
        h.i(t, "INFO", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
            "Local health check passed: heartbeat, interface, database, jboss")
        t += timedelta(minutes=10)
    h.write(os.path.join(HERE, "sms-chi-1"), cuts_ha=[T("2017-10-09 00:00:00")], cuts_info=[T("2017-10-09 00:00:00")],
            ha_state="Failed", retain_from=T("2017-10-08 00:00:00"))


def degraded():
    """sms-lon-1 (primary, active): /var fills up, the server throws
    exceptions, MySQL waits for disk space, replication falls behind and
    ha.log reports DEGRADED HA for over an hour."""
    h = Host("sms-lon-1", "10.60.0.11", "sms-lon-2", "10.60.0.12", "primary", 41)
    h.disk["/var"] = 91
    h.mysql56_start(T("2017-09-25 03:00:10"), 1764)
    h.jboss_start(T("2017-09-25 03:01:00"))
    h.ha_start(T("2017-09-25 03:05:00"), "active", "passive")
    h.filler(T("2017-10-10 00:00:00"), T("2017-10-11 13:00:00"), "active", "passive")
    h.filler(T("2017-10-11 13:00:00"), T("2017-10-11 14:50:00"), "active", "passive (replication behind)")
    h.filler(T("2017-10-11 14:50:00"), T("2017-10-12 08:00:00"), "active", "passive")
    # an unrelated, earlier exception: a browser with a stale certificate
    h.i(T("2017-10-10 09:12:40"), "WARN", "http-0.0.0.0-443-2", "com.tippingpoint.sms.web.TlsListener",
        "TLS handshake with 10.61.4.20 failed",
        ["javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_unknown"] +
        stack("sun.security.ssl.Alerts.getSSLException(Alerts.java:192)",
              "sun.security.ssl.SSLSocketImpl.recvAlert(SSLSocketImpl.java:2023)"))
    h.i(T("2017-10-11 12:41:07"), "WARN", "EventArchiver", "com.tippingpoint.sms.events.Archiver",
        "File system holding /var/lib/mysql is 97% full")
    for k in range(7):
        t = T("2017-10-11 13:02:11") + timedelta(minutes=4 * k, seconds=k * 7)
        h.i(t, "ERROR", "EventArchiver", "com.tippingpoint.sms.events.Archiver",
            "Could not write event archive /var/lib/tippingpoint/archive/events-20171011-%02d.gz" % (13 + k // 4),
            ["java.io.IOException: No space left on device"] +
            stack("java.io.FileOutputStream.writeBytes(Native Method)",
                  "java.io.FileOutputStream.write(FileOutputStream.java:326)",
                  "java.util.zip.GZIPOutputStream.finish(GZIPOutputStream.java:168)",
                  "com.tippingpoint.sms.events.Archiver.flush(Archiver.java:233)"))
    h.m(T("2017-10-11 13:18:44"), "2017-10-11 13:18:44 1764 [ERROR] /usr/sbin/mysqld: Disk is full writing './mysql-bin.000871' (Errcode: 28 - No space left on device). Waiting for someone to free space...")
    h.m(T("2017-10-11 13:18:44"), "2017-10-11 13:18:44 1764 [ERROR] Retry in 60 secs. Message reprinted in 600 secs")
    h.m(T("2017-10-11 13:28:44"), "2017-10-11 13:28:44 1764 [ERROR] /usr/sbin/mysqld: Disk is full writing './mysql-bin.000871' (Errcode: 28 - No space left on device). Waiting for someone to free space...")
    for k in range(5):
        t = T("2017-10-11 13:19:30") + timedelta(minutes=5 * k, seconds=11 * k)
        h.i(t, "ERROR", "DeviceEventPoller-%d" % (k % 5 + 1), "com.tippingpoint.sms.events.EventStore",
            "Could not store events from %s" % DEVICES[k],
            ["java.sql.SQLException: Error writing file '/tmp/MY%s' (Errcode: 28 - No space left on device)" % ("fd=%d" % (40 + k))] +
            stack("com.mysql.jdbc.SQLError.createSQLException(SQLError.java:965)",
                  "com.mysql.jdbc.MysqlIO.checkErrorPacket(MysqlIO.java:3973)",
                  "com.tippingpoint.sms.events.EventStore.insertBatch(EventStore.java:301)"))
    for k in range(4):
        t = T("2017-10-11 13:24:10") + timedelta(minutes=6 * k)
        h.i(t, "ERROR", "ReportScheduler", "com.tippingpoint.sms.report.Scheduler",
            "Report 'Top Attacks (hourly)' failed",
            ["com.mysql.jdbc.exceptions.jdbc4.MySQLTransactionRollbackException: Lock wait timeout exceeded; try restarting transaction"] +
            stack("com.mysql.jdbc.SQLError.createSQLException(SQLError.java:1064)",
                  "com.tippingpoint.sms.report.Scheduler.run(Scheduler.java:97)"))
    h.h(T("2017-10-11 13:31:05"), "WARN", "replication", "Database replication to 10.60.0.12: stalled, 752 s behind")
    t = T("2017-10-11 13:32:10")
    n = 0
    while t < T("2017-10-11 14:48:00"):
        h.h(t, "WARN", "hamon", "DEGRADED HA: database replication to peer 10.60.0.12 is not current (%d s behind)" % (812 + 300 * n))
        t += timedelta(minutes=5)
        n += 1
    h.i(T("2017-10-11 14:41:33"), "INFO", "http-0.0.0.0-443-4", "com.tippingpoint.sms.report.ExportService",
        "User 'secadmin' deleted 14 exported reports (2.1 GB)")
    h.h(T("2017-10-11 14:48:20"), "INFO", "replication", "Database replication to 10.60.0.12: caught up, 0 s behind")
    h.h(T("2017-10-11 14:48:21"), "INFO", "hamon", "HA status normal")
    h.write(os.path.join(HERE, "sms-lon-1"), cuts_ha=[T("2017-10-12 00:00:00")], cuts_info=[T("2017-10-11 00:00:00")],
            ha_state="active", retain_from=T("2017-10-10 00:00:00"))


def heap():
    """sms-sfo-1 (primary, active): a 30-day report and a large event
    backlog exhaust the 4 GB Java heap."""
    h = Host("sms-sfo-1", "10.80.3.11", "sms-sfo-2", "10.80.3.12", "primary", 51)
    h.mysql56_start(T("2017-10-01 02:00:10"), 1802)
    h.jboss_start(T("2017-10-01 02:01:00"))
    h.ha_start(T("2017-10-01 02:05:00"), "active", "passive")
    h.filler(T("2017-10-11 00:00:00"), T("2017-10-12 09:40:00"), "active", "passive")
    i = h.i
    i(T("2017-10-12 09:40:12"), "WARN", "EventQueue", "com.tippingpoint.sms.events.EventQueue",
      "Event backlog is 182400 events from 61 devices")
    i(T("2017-10-12 09:50:02"), "INFO", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
      "Local health check passed: heartbeat, interface, database, jboss")
    i(T("2017-10-12 09:52:40"), "WARN", "ReportScheduler", "com.tippingpoint.sms.report.Scheduler",
      "Report 'All Events (30 days)' returned 2412877 rows")
    i(T("2017-10-12 09:58:41"), "ERROR", "ReportScheduler", "com.tippingpoint.sms.report.Scheduler",
      "Report 'All Events (30 days)' failed",
      ["java.lang.OutOfMemoryError: Java heap space"] +
      stack("java.util.Arrays.copyOf(Arrays.java:3332)",
            "java.lang.AbstractStringBuilder.ensureCapacityInternal(AbstractStringBuilder.java:124)",
            "com.tippingpoint.sms.report.CsvWriter.row(CsvWriter.java:58)",
            "com.tippingpoint.sms.report.Scheduler.run(Scheduler.java:97)"))
    i(T("2017-10-12 10:00:02"), "WARN", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
      "Local health check passed: heartbeat, interface, database; jboss slow (24 s)")
    i(T("2017-10-12 10:01:12"), "ERROR", "DeviceEventPoller-2", "com.tippingpoint.sms.device.EventPoller",
      "Event retrieval from ips-dc-07 aborted",
      ["java.lang.OutOfMemoryError: GC overhead limit exceeded"] +
      stack("java.util.HashMap.newNode(HashMap.java:1747)",
            "com.tippingpoint.sms.device.EventPoller.poll(EventPoller.java:201)"))
    for k in range(2):
        i(T("2017-10-12 10:03:30") + timedelta(minutes=2 * k), "ERROR", "DeviceStatsPoller-%d" % (k + 1),
          "com.tippingpoint.sms.device.StatsPoller", "Statistics from %s not collected" % DEVICES[k],
          ["java.util.concurrent.TimeoutException: no response within 120000 ms"] +
          stack("java.util.concurrent.FutureTask.get(FutureTask.java:205)",
                "com.tippingpoint.sms.device.StatsPoller.collect(StatsPoller.java:77)"))
    h.c(T("2017-10-12 10:02:13"), "ERROR", "STDERR",
        'Exception in thread "DeviceEventPoller-5" java.lang.OutOfMemoryError: Java heap space')
    h.c(T("2017-10-12 10:04:51"), "ERROR", "STDERR",
        'Exception in thread "http-0.0.0.0-443-9" java.lang.OutOfMemoryError: Java heap space')
    h.c(T("2017-10-12 10:06:20"), "ERROR", "STDERR",
        'Exception in thread "HAHealthMonitor" java.lang.OutOfMemoryError: Java heap space')
    i(T("2017-10-12 10:06:22"), "ERROR", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
      "Local health check failed: jboss - application server did not answer within 30 s (1 of 3)")
    i(T("2017-10-12 10:09:05"), "INFO", "main", "com.tippingpoint.sms.server.SMSServer",
      "Shutting down SMS server (requested by admin)")
    h.c(T("2017-10-12 10:09:40"), "INFO", "org.jboss.system.server.Server", "Shutdown complete")
    h.jboss_start(T("2017-10-12 10:10:02"), secs=171)
    h.filler(T("2017-10-12 10:13:00"), T("2017-10-12 11:15:00"), "active", "passive")
    h.write(os.path.join(HERE, "sms-sfo-1"), cuts_ha=[], cuts_info=[T("2017-10-12 00:00:00")], ha_state="active", retain_from=T("2017-10-11 00:00:00"))


def dbcrash():
    """sms-dal-1 (primary, active): MySQL (5.5, old mysqld.err format)
    finds a crashed table, dies on signal 11 and is restarted by
    mysqld_safe."""
    h = Host("sms-dal-1", "10.90.0.11", "sms-dal-2", "10.90.0.12", "primary", 61)
    h.jboss_start(T("2017-09-29 01:01:00"))
    h.ha_start(T("2017-09-29 01:05:00"), "active", "passive")
    h.filler(T("2017-10-09 00:00:00"), T("2017-10-10 12:20:00"), "active", "passive")
    old = lambda dt: dt.strftime("%y%m%d ") + ("%2d" % dt.hour) + dt.strftime(":%M:%S")
    t0 = T("2017-09-29 01:00:12")
    for k, l in enumerate([
            "mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql/dbdatadir",
            "[Note] Plugin 'FEDERATED' is disabled.",
            "InnoDB: The InnoDB memory heap is disabled",
            "InnoDB: Compressed tables use zlib 1.2.3",
            "InnoDB: Initializing buffer pool, size = 2.0G",
            "InnoDB: Completed initialization of buffer pool",
            "InnoDB: highest supported file format is Barracuda.",
            "InnoDB: Waiting for the background threads to start",
            "InnoDB: 5.5.57 started; log sequence number 61822013340",
            "[Note] Event Scheduler: Loaded 0 events",
            "[Note] /usr/sbin/mysqld: ready for connections."]):
        dt = t0 + timedelta(seconds=k // 3)
        h.m(dt, "%s %s" % (old(dt), l))
    h.m(t0 + timedelta(seconds=4), "Version: '5.5.57-log'  socket: '/var/lib/mysql/mysql.sock'  port: 3306  MySQL Community Server (GPL)")
    h.m(T("2017-10-05 02:00:03"), "%s [Warning] Aborted connection 81231 to db: 'sms' user: 'sms' host: 'localhost' (Got an error reading communication packets)" % old(T("2017-10-05 02:00:03")))
    c = T("2017-10-10 03:12:44")
    h.m(c, "%s [ERROR] /usr/sbin/mysqld: Table './sms/EVENT_HISTORY' is marked as crashed and should be repaired" % old(c))
    c2 = T("2017-10-10 03:12:47")
    h.m(c2, "%s [ERROR] /usr/sbin/mysqld: Table './sms/EVENT_HISTORY' is marked as crashed and should be repaired" % old(c2))
    c3 = T("2017-10-10 03:12:51")
    for l in ["03:12:51 UTC - mysqld got signal 11 ;",
              "This could be because you hit a bug. It is also possible that this binary",
              "or one of the libraries it was linked against is corrupt, improperly built,",
              "or misconfigured. This error can also be caused by malfunctioning hardware.",
              "We will try our best to scrape up some info that will hopefully help",
              "diagnose the problem, but since we have already crashed, ",
              "something is definitely wrong and this may fail.",
              "",
              "key_buffer_size=268435456",
              "read_buffer_size=131072",
              "max_used_connections=87",
              "max_threads=300",
              "thread_count=62",
              "connection_count=62",
              "",
              "Thread pointer: 0x7f3c2c1e9a20",
              "Attempting backtrace. You can use the following information to find out",
              "where mysqld died. If you see no messages after this, something went",
              "terribly wrong...",
              "stack_bottom = 7f3c5c0b6e58 thread_stack 0x40000",
              "/usr/sbin/mysqld(my_print_stacktrace+0x35)[0x7a9b85]",
              "/usr/sbin/mysqld(handle_fatal_signal+0x4a4)[0x66b3f4]",
              "/lib64/libpthread.so.0(+0xf5e0)[0x7f3c8e2a15e0]",
              "/usr/sbin/mysqld(_mi_search+0x1a7)[0x8c7d27]",
              "",
              "Trying to get some variables.",
              "Some pointers may be invalid and cause the dump to abort.",
              "Query (7f3c14004b10): SELECT COUNT(*) FROM EVENT_HISTORY WHERE SEVERITY >= 3 AND END_TIME > 1507598400000",
              "Connection ID (thread ID): 91852",
              "Status: NOT_KILLED",
              "",
              "The manual page at http://dev.mysql.com/doc/mysql/en/crashing.html contains",
              "information that should help you find out what is causing the crash."]:
        h.m(c3, l)
    r = T("2017-10-10 03:12:52")
    h.m(r, "%s mysqld_safe Number of processes running now: 0" % r.strftime("%y%m%d %H:%M:%S"))
    h.m(r, "%s mysqld_safe mysqld restarted" % r.strftime("%y%m%d %H:%M:%S"))
    r = T("2017-10-10 03:12:53")
    for k, l in enumerate([
            "[Note] Plugin 'FEDERATED' is disabled.",
            "InnoDB: The InnoDB memory heap is disabled",
            "InnoDB: Initializing buffer pool, size = 2.0G",
            "InnoDB: Completed initialization of buffer pool",
            "InnoDB: highest supported file format is Barracuda.",
            "InnoDB: The log sequence number in ibdata files does not match",
            "InnoDB: the log sequence number in the ib_logfiles!",
            "InnoDB: Database was not shut down normally!",
            "InnoDB: Starting crash recovery.",
            "InnoDB: Reading tablespace information from the .ibd files...",
            "InnoDB: Restoring possible half-written data pages from the doublewrite",
            "InnoDB: buffer...",
            "InnoDB: Waiting for the background threads to start",
            "InnoDB: 5.5.57 started; log sequence number 61844120932",
            "[Note] Event Scheduler: Loaded 0 events",
            "[Note] /usr/sbin/mysqld: ready for connections."]):
        dt = r + timedelta(seconds=k // 4)
        h.m(dt, "%s %s" % (old(dt), l))
    h.m(r + timedelta(seconds=4), "Version: '5.5.57-log'  socket: '/var/lib/mysql/mysql.sock'  port: 3306  MySQL Community Server (GPL)")
    c4 = T("2017-10-10 03:13:20")
    h.m(c4, "%s [Warning] Checking table:   './sms/EVENT_HISTORY'" % old(c4))
    c5 = T("2017-10-10 03:14:02")
    h.m(c5, "%s [ERROR] /usr/sbin/mysqld: Table './sms/EVENT_HISTORY' is marked as crashed and last (automatic?) repair failed" % old(c5))
    # SMS server side
    for k in range(3):
        h.i(T("2017-10-10 03:12:52") + timedelta(seconds=k * 2), "ERROR", "DeviceEventPoller-%d" % (k + 1),
            "com.tippingpoint.sms.events.EventStore", "Could not store events from %s" % DEVICES[k + 2],
            ["com.mysql.jdbc.exceptions.jdbc4.CommunicationsException: Communications link failure",
             "",
             "The last packet successfully received from the server was 1,012 milliseconds ago.  The last packet sent successfully to the server was 1,012 milliseconds ago."] +
            stack("sun.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)",
                  "com.mysql.jdbc.SQLError.createCommunicationsException(SQLError.java:1129)",
                  "com.tippingpoint.sms.events.EventStore.insertBatch(EventStore.java:301)"))
    h.i(T("2017-10-10 03:12:55"), "ERROR", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
        "Local health check failed: database - connection refused on localhost:3306 (1 of 3)")
    h.i(T("2017-10-10 03:14:10"), "ERROR", "ReportScheduler", "com.tippingpoint.sms.report.Scheduler",
        "Report 'Top Attacks (hourly)' failed: Table './sms/EVENT_HISTORY' is marked as crashed and last (automatic?) repair failed")
    # a data-source line with a credential: the profile's jdbc-password rule must redact it
    h.i(T("2017-10-09 00:00:40"), "INFO", "main", "com.tippingpoint.sms.server.DataSourceFactory",
        "Data source 'sms' uses jdbc:mysql://localhost:3306/sms?user=sms&password=Tp5ecret42&autoReconnect=true")
    h.write(os.path.join(HERE, "sms-dal-1"), cuts_ha=[], cuts_info=[T("2017-10-10 00:00:00")], ha_state="active", retain_from=T("2017-10-09 00:00:00"))


def split():
    """sms-ams-1 (primary) and sms-ams-2 (secondary, other site) lose the
    link between them; both keep running, the secondary takes over."""
    a = Host("sms-ams-1", "10.70.0.11", "sms-ams-2", "10.70.1.12", "primary", 71)
    b = Host("sms-ams-2", "10.70.1.12", "sms-ams-1", "10.70.0.11", "secondary", 72)
    for h, st in ((a, "active"), (b, "passive")):
        h.mysql56_start(T("2017-10-03 04:00:10"), 1911, slave=(st == "passive"))
        h.jboss_start(T("2017-10-03 04:01:00"))
        h.ha_start(T("2017-10-03 04:05:00"), st, "passive" if st == "active" else "active")
    a.filler(T("2017-10-11 00:00:00"), T("2017-10-12 09:14:00"), "active", "passive")
    b.filler(T("2017-10-11 00:00:00"), T("2017-10-12 09:14:00"), "passive", "active")
    for k, mnt in enumerate(("09:14:31", "09:15:31", "09:16:31")):
        a.h(T("2017-10-12 " + mnt), "WARN", "heartbeat", "No heartbeat from peer 10.70.1.12 in 60 s (%d of 3)" % (k + 1))
        b.h(T("2017-10-12 " + mnt) + timedelta(seconds=7), "WARN", "heartbeat", "No heartbeat reply from peer 10.70.0.11 (%d of 3)" % (k + 1))
    a.h(T("2017-10-12 09:16:32"), "WARN", "hamon", "Peer 10.70.1.12 missed 3 consecutive heartbeats; this node stays active")
    a.i(T("2017-10-12 09:16:33"), "WARN", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
        "Peer health check failed: interface - 10.70.1.12 does not answer on eth0 or eth1")
    a.h(T("2017-10-12 09:17:00"), "WARN", "replication", "Database replication to 10.70.1.12: connection lost")
    b.h(T("2017-10-12 09:16:39"), "WARN", "hamon", "Peer 10.70.0.11 missed 3 consecutive heartbeats, considering cluster takeover")
    hm = lambda t, msg: b.i(T("2017-10-12 " + t), "WARN", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor", msg)
    hm("09:16:40", "Peer health check failed: heartbeat - no reply from 10.70.0.11 after 3 attempts (eth1, eth0)")
    hm("09:16:44", "Peer health check failed: interface - 10.70.0.11 does not answer on eth0 or eth1")
    hm("09:16:49", "Peer health check failed: database - cannot connect to 10.70.0.11:3306 (timeout)")
    hm("09:17:19", "Peer health check failed: jboss - https://10.70.0.11:443/ did not answer within 30 s")
    b.h(T("2017-10-12 09:17:20"), "WARN", "hamon", "Peer health checks failed (heartbeat, interface, database, jboss), attempting to restart active system 10.70.0.11")
    b.h(T("2017-10-12 09:18:20"), "WARN", "hamon", "Restart request to 10.70.0.11 not delivered: peer unreachable")
    b.h(T("2017-10-12 09:18:21"), "WARN", "hamon", "Taking over the cluster: moving the cluster network identity to this node")
    b.h(T("2017-10-12 09:18:50"), "INFO", "replication", "Replication from 10.70.0.11 stopped; local database promoted")
    b.jboss_start(T("2017-10-12 09:18:55"), secs=181)
    b.h(T("2017-10-12 09:22:01"), "INFO", "hamon", "Local state: active")
    b.i(T("2017-10-12 09:22:10"), "INFO", "FailoverTask", "com.tippingpoint.sms.ha.FailoverTask",
        "Notifying 31 managed devices of the new active SMS")
    b.filler(T("2017-10-12 09:23:00"), T("2017-10-12 10:00:00"), "active", "unreachable", peer_checks=False)
    a.filler(T("2017-10-12 09:18:00"), T("2017-10-12 10:00:00"), "active", "unreachable", peer_checks=False)
    t = T("2017-10-12 09:18:31")
    while t < T("2017-10-12 10:00:00"):
        a.h(t, "WARN", "heartbeat", "No heartbeat from peer 10.70.1.12 in 60 s")
        b.h(t + timedelta(seconds=7), "WARN", "heartbeat", "No heartbeat reply from peer 10.70.0.11")
        t += timedelta(minutes=5)
    a.write(os.path.join(HERE, "sms-ams-1"), cuts_ha=[T("2017-10-12 00:00:00")], cuts_info=[T("2017-10-12 00:00:00")],
            ha_state="active", retain_from=T("2017-10-11 00:00:00"))
    b.write(os.path.join(HERE, "sms-ams-2"), cuts_ha=[T("2017-10-12 00:00:00")], cuts_info=[T("2017-10-12 00:00:00")],
            ha_state="active", retain_from=T("2017-10-11 00:00:00"))


def noactive():
    """sms-mia-a (primary) fails its local database check three times and
    takes itself out of the cluster; sms-mia-b (secondary) considers a
    takeover but refuses it because its replica is far behind: nobody is
    active."""
    a = Host("sms-mia-a", "10.45.0.11", "sms-mia-b", "10.45.0.12", "primary", 101)
    b = Host("sms-mia-b", "10.45.0.12", "sms-mia-a", "10.45.0.11", "secondary", 102)
    for h, st in ((a, "active"), (b, "passive")):
        h.mysql56_start(T("2017-10-02 04:00:10"), 1777, slave=(st == "passive"))
        h.jboss_start(T("2017-10-02 04:01:00"))
        h.ha_start(T("2017-10-02 04:05:00"), st, "passive" if st == "active" else "active")
    a.filler(T("2017-10-12 00:00:00"), T("2017-10-13 05:38:00"), "active", "passive")
    b.filler(T("2017-10-12 00:00:00"), T("2017-10-13 03:58:00"), "passive", "active")
    b.filler(T("2017-10-13 03:58:00"), T("2017-10-13 05:40:00"), "passive", "active", ha_lines=False)
    t = T("2017-10-13 04:00:05")
    n = 0
    while t < T("2017-10-13 05:40:00"):
        b.h(t, "WARN", "replication", "Database replication from 10.45.0.11: stalled, %d s behind" % (610 + 1800 * n))
        t += timedelta(minutes=30)
        n += 1
    b.m(T("2017-10-13 03:49:51"), "2017-10-13 03:49:51 1777 [ERROR] Slave SQL: Error 'Duplicate entry '4417352' for key 'PRIMARY'' on query. Default database: 'sms'. Query: 'INSERT INTO EVENT_HISTORY ...', Error_code: 1062")
    b.m(T("2017-10-13 03:49:51"), "2017-10-13 03:49:51 1777 [Warning] Slave: Duplicate entry '4417352' for key 'PRIMARY' Error_code: 1062")
    b.m(T("2017-10-13 03:49:51"), "2017-10-13 03:49:51 1777 [ERROR] Error running query, slave SQL thread aborted. Fix the problem, and restart the slave SQL thread with \"SLAVE START\". We stopped at log 'mysql-bin.000533' position 88213120")
    # primary: the database stops answering in time
    for k, mnt in enumerate(("05:40:02", "05:41:02", "05:42:03")):
        a.i(T("2017-10-13 " + mnt), "ERROR", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
            "Local health check failed: database - query did not complete within 60 s (%d of 3)" % (k + 1))
    a.i(T("2017-10-13 05:39:12"), "WARN", "EventStore", "com.tippingpoint.sms.events.EventStore",
        "Slow insert into EVENT_HISTORY: 48211 ms for 500 rows")
    a.i(T("2017-10-13 05:41:40"), "ERROR", "DeviceEventPoller-3", "com.tippingpoint.sms.events.EventStore",
        "Could not store events from ips-core-02",
        ["com.mysql.jdbc.exceptions.jdbc4.MySQLTimeoutException: Statement cancelled due to timeout or client request"] +
        stack("com.mysql.jdbc.StatementImpl.executeQuery(StatementImpl.java:1393)",
              "com.tippingpoint.sms.events.EventStore.insertBatch(EventStore.java:301)"))
    a.h(T("2017-10-13 05:42:04"), "WARN", "hamon", "Local database check failed 3 times; giving up the active role")
    a.h(T("2017-10-13 05:42:05"), "INFO", "hamon", "Local state: Failed")
    a.i(T("2017-10-13 05:42:30"), "WARN", "main", "com.tippingpoint.sms.server.SMSServer",
        "HA state is Failed: not accepting client or device connections")
    t = T("2017-10-13 05:45:01")
    while t < T("2017-10-13 06:40:00"):
        a.h(t, "INFO", "hamon", "Cluster status: role Failed, peer sms-mia-b (10.45.0.12) passive")
        t += timedelta(minutes=15)
    # secondary: takeover considered, then refused
    b.h(T("2017-10-13 05:42:40"), "WARN", "hamon", "Peer sms-mia-a (10.45.0.11) reports state Failed, considering cluster takeover")
    hm = lambda tt, lvl, msg: b.i(T("2017-10-13 " + tt), lvl, "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor", msg)
    hm("05:42:41", "INFO", "Peer health check passed: heartbeat - 10.45.0.11 answers (eth1)")
    hm("05:42:41", "INFO", "Peer health check passed: interface - 10.45.0.11 answers on eth0 and eth1")
    hm("05:42:42", "WARN", "Peer health check failed: database - 10.45.0.11:3306 query did not complete within 60 s")
    hm("05:43:12", "WARN", "Peer health check failed: jboss - https://10.45.0.11:443/ answers 503 (HA state Failed)")
    b.h(T("2017-10-13 05:43:13"), "ERROR", "hamon", "Takeover refused: local database replica is 6010 s behind the peer (replication stopped at 03:49:51)")
    b.h(T("2017-10-13 05:43:14"), "WARN", "hamon", "Remaining passive; manual intervention required")
    t = T("2017-10-13 05:45:01")
    while t < T("2017-10-13 06:40:00"):
        b.h(t, "WARN", "hamon", "Cluster status: role passive, peer sms-mia-a (10.45.0.11) Failed; no active node")
        t += timedelta(minutes=15)
    a.write(os.path.join(HERE, "sms-mia-a"), cuts_ha=[T("2017-10-13 00:00:00")], cuts_info=[T("2017-10-13 00:00:00")],
            ha_state="Failed", retain_from=T("2017-10-12 00:00:00"))
    b.write(os.path.join(HERE, "sms-mia-b"), cuts_ha=[T("2017-10-13 00:00:00")], cuts_info=[T("2017-10-13 00:00:00")],
            ha_state="passive", retain_from=T("2017-10-12 00:00:00"))


def oldlogs():
    """sms-ber-2 (secondary, passive): the customer reports an event of
    3 October; the logs start on 10 October."""
    h = Host("sms-ber-2", "10.30.8.12", "sms-ber-1", "10.30.8.11", "secondary", 81, tz="Europe/Berlin")
    h.mysql56_start(T("2017-10-04 05:00:10"), 1650, slave=True)
    h.jboss_start(T("2017-10-04 05:01:00"))
    h.filler(T("2017-10-10 06:00:00"), T("2017-10-12 09:00:00"), "passive", "active")
    h.write(os.path.join(HERE, "sms-ber-2"), cuts_ha=[T("2017-10-11 06:00:00")], cuts_info=[T("2017-10-11 06:00:00")],
            ha_state="passive", retain_from=T("2017-10-10 06:00:00"))


def standalone():
    """sms-lab-1: a standalone SMS, HA never set up (ha.state and ha.log say
    Un-configured). JBoss was installed under /opt/sms/jboss, where the
    collector does not look for run.conf, so the Java heap limit (2 GB on
    an 8 GB box) is visible only on the JVM's command line. A week-long
    report exhausts the heap; the admin restarts the SMS service."""
    h = Host("sms-lab-1", "10.99.7.21", "-", "-", "standalone", 111)
    h.xmx = "2048m"
    h.jboss_home = "/opt/sms/jboss"
    h.mem_total_kb = 8010452
    h.mysql56_start(T("2017-10-13 02:00:10"), 1650)     # rebooted after OS patches
    h.jboss_start(T("2017-10-13 02:01:00"))
    h.h(T("2017-10-13 02:05:00"), "INFO", "hamon", "HA service starting on sms-lab-1 (standalone)")
    h.h(T("2017-10-13 02:05:01"), "INFO", "hamon", "HA is not configured on this SMS: no peer defined")
    h.h(T("2017-10-13 02:05:02"), "INFO", "hamon", "Local state: Un-configured")
    h.filler(T("2017-10-13 02:10:00"), T("2017-10-14 16:00:00"), "Un-configured", "-", peer_checks=False,
             ha_lines=False, serving=True)
    i = h.i
    i(T("2017-10-14 16:01:10"), "INFO", "http-0.0.0.0-443-3", "com.tippingpoint.sms.report.Scheduler",
      "User 'labadmin' started report 'Device Traffic (7 days)'")
    i(T("2017-10-14 16:03:52"), "WARN", "ReportScheduler", "com.tippingpoint.sms.report.Scheduler",
      "Report 'Device Traffic (7 days)' returned 1288410 rows")
    i(T("2017-10-14 16:05:37"), "ERROR", "ReportScheduler", "com.tippingpoint.sms.report.Scheduler",
      "Report 'Device Traffic (7 days)' failed",
      ["java.lang.OutOfMemoryError: Java heap space"] +
      stack("java.util.Arrays.copyOf(Arrays.java:3332)",
            "com.tippingpoint.sms.report.CsvWriter.row(CsvWriter.java:58)",
            "com.tippingpoint.sms.report.Scheduler.run(Scheduler.java:97)"))
    h.c(T("2017-10-14 16:07:02"), "ERROR", "STDERR",
        'Exception in thread "DeviceEventPoller-3" java.lang.OutOfMemoryError: Java heap space')
    i(T("2017-10-14 16:10:02"), "ERROR", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
      "Local health check failed: jboss - application server did not answer within 30 s (1 of 3)")
    i(T("2017-10-14 16:24:48"), "INFO", "main", "com.tippingpoint.sms.server.SMSServer",
      "Shutting down SMS server (requested by admin)")
    h.c(T("2017-10-14 16:25:20"), "INFO", "org.jboss.system.server.Server", "Shutdown complete")
    h.jboss_start(T("2017-10-14 16:25:40"), secs=152)
    h.filler(T("2017-10-14 16:29:00"), T("2017-10-14 16:55:00"), "Un-configured", "-", peer_checks=False,
             ha_lines=False, serving=True)
    h.write(os.path.join(HERE, "sms-lab-1"), cuts_ha=[], cuts_info=[T("2017-10-14 00:00:00")],
            ha_state="Un-configured", jboss_conf=False, retain_from=T("2017-10-13 00:00:00"))


def _hourly_missed(h, t, n):
    """The hourly heartbeat summary after t counts n misses."""
    for k, (key, text) in enumerate(h.ha):
        if key[0] > t and "Heartbeats in the last 60 min" in text:
            h.ha[k] = (key, text.replace("answered 60, missed 0", "answered %d, missed %d" % (60 - n, n)))
            return


def flaky():
    """sms-den-1 (primary, active) and sms-den-2 (secondary, passive) on a
    link that drops heartbeats now and then. sms-den-1 misses three of its
    peer's heartbeats in a row and stays active; the passive peer got
    enough of the active node's heartbeats and never considered a takeover.
    sms-den-2 misses two in a row one afternoon, and three single ones
    hours apart the next night: none of it reaches three within minutes."""
    a = Host("sms-den-1", "10.55.0.11", "sms-den-2", "10.55.0.12", "primary", 121)
    b = Host("sms-den-2", "10.55.0.12", "sms-den-1", "10.55.0.11", "secondary", 122)
    for h, st in ((a, "active"), (b, "passive")):
        h.mysql56_start(T("2017-10-01 04:00:10"), 1702, slave=(st == "passive"))
        h.jboss_start(T("2017-10-01 04:01:00"))
        h.ha_start(T("2017-10-01 04:05:00"), st, "passive" if st == "active" else "active")
        h.filler(T("2017-10-15 00:00:00"), T("2017-10-16 09:30:00"), st, "passive" if st == "active" else "active")
    # the active node: three in a row, then the heartbeats come back
    for k, mnt in enumerate(("03:41:17", "03:42:17", "03:43:18")):
        a.h(T("2017-10-16 " + mnt), "WARN", "heartbeat", "No heartbeat from peer 10.55.0.12 in 60 s (%d of 3)" % (k + 1))
    a.h(T("2017-10-16 03:43:19"), "WARN", "hamon", "Peer 10.55.0.12 missed 3 consecutive heartbeats; this node stays active")
    a.i(T("2017-10-16 03:43:21"), "WARN", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
        "Peer health check failed: heartbeat - no reply from 10.55.0.12 on eth1 for 3 min; eth0 answers")
    a.h(T("2017-10-16 03:44:17"), "INFO", "heartbeat", "Heartbeat from peer 10.55.0.12 received again (round trip 840 ms, eth1)")
    a.i(T("2017-10-16 03:50:03"), "INFO", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor",
        "Peer health check passed: heartbeat - 10.55.0.12 answers (eth1)")
    _hourly_missed(a, T("2017-10-16 03:43:18"), 3)
    # the passive node: two in a row, then single misses hours apart
    for k, mnt in enumerate(("14:20:09", "14:21:09")):
        b.h(T("2017-10-15 " + mnt), "WARN", "heartbeat", "No heartbeat reply from peer 10.55.0.11 (%d of 3)" % (k + 1))
    b.h(T("2017-10-15 14:22:09"), "INFO", "heartbeat", "Heartbeat from peer 10.55.0.11 received again after 2 missed")
    _hourly_missed(b, T("2017-10-15 14:21:09"), 2)
    for day, mnt in (("2017-10-16", "01:12:09"), ("2017-10-16", "03:42:48"), ("2017-10-16", "06:05:09")):
        b.h(T(day + " " + mnt), "WARN", "heartbeat", "No heartbeat reply from peer 10.55.0.11 (1 of 3)")
        b.h(T(day + " " + mnt) + MIN, "INFO", "heartbeat", "Heartbeat from peer 10.55.0.11 received again after 1 missed")
        _hourly_missed(b, T(day + " " + mnt), 1)
    for h, st in ((a, "active"), (b, "passive")):
        h.write(os.path.join(HERE, h.name), cuts_ha=[T("2017-10-16 00:00:00")], cuts_info=[T("2017-10-16 00:00:00")],
                ha_state=st, retain_from=T("2017-10-01 00:00:00"))


def raw_upload():
    """What a customer sends by mail: ha.log* and sms-info.log* of the
    secondary sms-syd-2, which took over after losing its peer. Local
    time (Australia/Sydney); no bundle, no ha.state."""
    b = Host("sms-syd-2", "10.12.4.12", "sms-syd-1", "10.12.4.11", "secondary", 91)
    b.filler(T("2017-10-11 00:00:00"), T("2017-10-12 04:15:00"), "passive", "active")
    for k, mnt in enumerate(("04:15:12", "04:16:12", "04:17:12")):
        b.h(T("2017-10-12 " + mnt), "WARN", "heartbeat", "No heartbeat reply from peer 10.12.4.11 (%d of 3)" % (k + 1))
    b.h(T("2017-10-12 04:17:13"), "WARN", "hamon", "Peer 10.12.4.11 missed 3 consecutive heartbeats, considering cluster takeover")
    hm = lambda t, msg: b.i(T("2017-10-12 " + t), "WARN", "HAHealthMonitor", "com.tippingpoint.sms.ha.HealthMonitor", msg)
    hm("04:17:14", "Peer health check failed: heartbeat - no reply from 10.12.4.11 after 3 attempts (eth0)")
    hm("04:17:18", "Peer health check failed: interface - 10.12.4.11 does not answer on eth0")
    hm("04:17:23", "Peer health check failed: database - cannot connect to 10.12.4.11:3306 (timeout)")
    hm("04:17:53", "Peer health check failed: jboss - https://10.12.4.11:443/ did not answer within 30 s")
    b.h(T("2017-10-12 04:17:54"), "WARN", "hamon", "Peer health checks failed (heartbeat, interface, database, jboss), attempting to restart active system 10.12.4.11")
    b.h(T("2017-10-12 04:18:54"), "WARN", "hamon", "Restart request to 10.12.4.11 not delivered: peer unreachable")
    b.h(T("2017-10-12 04:18:55"), "WARN", "hamon", "Taking over the cluster: moving the cluster network identity to this node")
    b.jboss_start(T("2017-10-12 04:19:20"), secs=174)
    b.h(T("2017-10-12 04:22:30"), "INFO", "hamon", "Local state: active")
    b.filler(T("2017-10-12 04:23:00"), T("2017-10-12 08:40:00"), "active", "unreachable", peer_checks=False)
    root = os.path.join(RAW, "syd-upload")
    if os.path.exists(root):
        shutil.rmtree(root)
    _rotated(root, ".", "ha.log", b.ha, [T("2017-10-12 00:00:00")], ())
    _rotated(root, ".", "sms-info.log", b.info, [T("2017-10-12 00:00:00")], (1,))


if __name__ == "__main__":
    healthy()
    takeover()
    poweroff()
    degraded()
    heap()
    dbcrash()
    split()
    noactive()
    oldlogs()
    standalone()
    flaky()
    raw_upload()
