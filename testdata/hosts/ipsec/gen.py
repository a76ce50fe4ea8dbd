#!/usr/bin/env python3
"""Generate the fake IPsec (pluto) hosts under testdata/hosts/ipsec/ and the
raw customer uploads under testdata/raw/ipsec/.

What the profile relies on comes from the IPCop VPN troubleshooting article
(pluto's Main Mode and Quick Mode exchange in the system log, the tools:
ping, traceroute, the system log, iptables -L -n -v, ipsec auto --status,
ipsec whack --status, route -n, netstat, tcpdump) and from pluto's own
message catalog as Openswan 2.x and Libreswan 3.x, 4.x and 5.x print it
(state names, message texts, whack status lines, ip xfrm and iptables
output formats). Host names, connection names, addresses (RFC 5737
documentation ranges and RFC 1918), times, SPIs, keys and every
surrounding line are invented.

Run from anywhere: python3 testdata/hosts/ipsec/gen.py  (deterministic).
"""
import hashlib
import os
import shutil
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.normpath(os.path.join(HERE, "..", "..", "raw", "ipsec"))


def T(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S")


def spi(*parts):
    return "0x" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:8]


def key(*parts, n=32):
    return "0x" + hashlib.sha256(("k|" + "|".join(parts)).encode()).hexdigest()[:n]


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


class Log:
    """Lines with times, written in time order (stable for equal times)."""

    def __init__(self, fmt):
        self.fmt = fmt          # "syslog", "pluto" (Libreswan logfile), "journal"
        self.lines = []

    def add(self, t, text, host="gw", prog="pluto", pid=0):
        self.lines.append((t, len(self.lines), host, prog, pid, text))
        return t

    def text(self):
        out = []
        for t, _, host, prog, pid, text in sorted(self.lines):
            if self.fmt == "syslog":
                stamp = t.strftime("%b ") + ("%2d" % t.day) + t.strftime(" %H:%M:%S")
                tag = "%s[%d]" % (prog, pid) if pid else prog
                out.append("%s %s %s: %s" % (stamp, host, tag, text))
            elif self.fmt == "pluto":
                stamp = t.strftime("%b ") + ("%2d" % t.day) + t.strftime(" %H:%M:%S") + ".%06d" % (t.microsecond)
                out.append("%s: %s" % (stamp, text))
            elif self.fmt == "journal":
                stamp = t.strftime("%b %d %H:%M:%S") + ".%06d" % (t.microsecond)
                tag = "%s[%d]" % (prog, pid) if pid else prog
                out.append("%s %s %s: %s" % (stamp, host, tag, text))
        return "\n".join(out) + "\n"


class Host:
    def __init__(self, name, hostname, os_release, kernel, tz="Europe/Berlin", uptime="864213.44 3401922.10"):
        self.name = name
        self.root = os.path.join(HERE, name)
        self.files = {}
        self.cmds = {}      # program -> list of (args string, fixture name, exit code, stderr)
        self.files["etc/hostname"] = hostname + "\n"
        self.files["etc/os-release"] = os_release
        self.files["etc/timezone"] = tz + "\n"
        self.files["proc/sys/kernel/osrelease"] = kernel + "\n"
        self.files["proc/uptime"] = uptime + "\n"
        self.kernel = kernel
        self.hostname = hostname

    def file(self, path, text):
        self.files[path.lstrip("/")] = text

    def cmd(self, prog, args, out, rc=0, err=""):
        """prog answers `prog args` with out (stdout), err (stderr) and rc."""
        self.cmds.setdefault(prog, []).append((args, out, rc, err))

    def write(self):
        if os.path.isdir(self.root):
            shutil.rmtree(self.root)
        for p, text in self.files.items():
            write(os.path.join(self.root, p), text)
        n = 0
        for prog, answers in sorted(self.cmds.items()):
            lines = ["#!/bin/sh", "# fake %s for the casefile ipsec test host %s" % (prog, self.name),
                     'd="$(dirname "$0")/../fixtures"', 'case "$*" in']
            for args, out, rc, err in answers:
                n += 1
                fx = "%s-%d.txt" % (prog, n)
                write(os.path.join(self.root, "fixtures", fx), out)
                body = 'cat "$d/%s"' % fx
                if err:
                    write(os.path.join(self.root, "fixtures", fx + ".err"), err)
                    body += '; cat "$d/%s.err" >&2' % fx
                if rc:
                    body += "; exit %d" % rc
                lines.append('  "%s") %s ;;' % (args, body))
            lines.append('  *) echo "%s: this fake host does not answer: $*" >&2; exit 2 ;;' % prog)
            lines.append("esac")
            write(os.path.join(self.root, "bin", prog), "\n".join(lines) + "\n", 0o755)


# --- common fixtures ------------------------------------------------------

DEBIAN12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n'
UBUNTU12 = 'NAME="Ubuntu"\nVERSION="12.04.4 LTS, Precise Pangolin"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu precise (12.04.4 LTS)"\nVERSION_ID="12.04"\n'
CENTOS7 = 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n'
RHEL6 = 'NAME="Red Hat Enterprise Linux Server"\nVERSION="6.10 (Santiago)"\nID="rhel"\nVERSION_ID="6.10"\nPRETTY_NAME="Red Hat Enterprise Linux Server 6.10 (Santiago)"\n'
IPCOP = 'NAME="IPCop"\nVERSION="1.4.21"\nID=ipcop\nPRETTY_NAME="IPCop 1.4.21"\n'
ALMA9 = 'NAME="AlmaLinux"\nVERSION="9.4 (Seafoam Ocelot)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="AlmaLinux 9.4 (Seafoam Ocelot)"\n'


def ps_elf(procs):
    """procs: list of (pid, ppid, user, cmd)."""
    out = ["F S UID          PID    PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD"]
    base = [(1, 0, "root", "/sbin/init"), (412, 1, "root", "/usr/sbin/sshd -D"), (455, 1, "root", "/usr/sbin/crond -n")]
    for pid, ppid, user, cmd in base + procs:
        out.append("4 S %-8s %7d %7d  0  80   0 -  %5d -      09:12 ?        00:00:01 %s" % (user, pid, ppid, 1200 + pid % 900, cmd))
    return "\n".join(out) + "\n"


def ss_udp(lines):
    out = ["Netid State  Recv-Q Send-Q      Local Address:Port   Peer Address:Port Process",
           'tcp   LISTEN 0      128               0.0.0.0:22          0.0.0.0:*     users:(("sshd",pid=412,fd=3))']
    out += lines
    return "\n".join(out) + "\n"


def ip_addr(ifaces):
    """ifaces: list of (name, mtu, addr/prefix)."""
    out = ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
           "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
           "    inet 127.0.0.1/8 scope host lo", "       valid_lft forever preferred_lft forever"]
    for i, (name, mtu, addr) in enumerate(ifaces, start=2):
        out.append("%d: %s: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu %d qdisc fq_codel state UP group default qlen 1000" % (i, name, mtu))
        out.append("    link/ether 52:54:00:%02x:%02x:%02x brd ff:ff:ff:ff:ff:ff" % (i, i * 7 % 256, i * 13 % 256))
        out.append("    inet %s brd + scope global %s" % (addr, name))
        out.append("       valid_lft forever preferred_lft forever")
    return "\n".join(out) + "\n"


def xfrm_state(sas):
    """sas: list of (src, dst, spi, reqid, mode, enc, ekey, auth, akey, bytes, packets)."""
    out = []
    for src, dst, s, reqid, mode, enc, ekey, auth, akey, byt, pk in sas:
        out += ["src %s dst %s" % (src, dst),
                "\tproto esp spi %s reqid %d mode %s" % (s, reqid, mode),
                "\treplay-window 0 flag af-unspec",
                "\tauth-trunc %s %s 96" % (auth, akey),
                "\tenc %s %s" % (enc, ekey),
                "\tanti-replay context: seq 0x0, oseq 0x%x, bitmap 0x00000000" % pk,
                "\tlifetime config:",
                "\t  limit: soft (INF)(bytes), hard (INF)(bytes)",
                "\t  limit: soft (INF)(packets), hard (INF)(packets)",
                "\t  expire add: soft 28043(sec), hard 28800(sec)",
                "\t  expire use: soft 0(sec), hard 0(sec)",
                "\tlifetime current:",
                "\t  %d(bytes), %d(packets)" % (byt, pk),
                "\t  add 2024-03-04 08:01:12 use 2024-03-04 09:40:02",
                "\tstats:",
                "\t  replay-window 0 replay 0 failed 0"]
    return "\n".join(out) + "\n"


def xfrm_policy(pols):
    """pols: list of (src_net, dst_net, dir, tmpl_src, tmpl_dst, reqid)."""
    out = []
    for sn, dn, d, ts, td, reqid in pols:
        out += ["src %s dst %s " % (sn, dn),
                "\tdir %s priority 1757 ptype main " % d,
                "\ttmpl src %s dst %s" % (ts, td),
                "\t\tproto esp reqid %d mode tunnel" % reqid]
    return "\n".join(out) + "\n"


IPTABLES_EMPTY = """# Generated by iptables-save v1.8.9 (nf_tables) on Mon Mar  4 10:30:00 2024
*filter
:INPUT ACCEPT [120331:98221904]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [101211:77412330]
COMMIT
# Completed on Mon Mar  4 10:30:00 2024
"""


def libreswan_status(version, ifaces, conns, states, total_loaded=None):
    """whack --status as Libreswan 3.x/4.x prints it (000 prefixes)."""
    out = ["000 using kernel interface: xfrm"]
    for ifn, addr in ifaces:
        out += ["000 interface %s UDP %s:4500" % (ifn, addr), "000 interface %s UDP %s:500" % (ifn, addr)]
    out += ["000  ", "000 fips mode=disabled;", "000  ", "000 config setup options:", "000  ",
            "000 pluto_version=%s, pluto_vendorid=OE-Libreswan-%s, audit-log=yes" % (version, version),
            "000 nat-traversal=yes, keep-alive=20, nat-ikeport=4500", "000  ", "000 Connection list:", "000  "]
    for name, left, right, policy, extra in conns:
        out += ['000 "%s": %s...%s; %s; eroute owner: #%s' % (name, left, right, extra.get("routing", "erouted"), extra.get("owner", "0")),
                '000 "%s":     oriented; my_ip=unset; their_ip=unset; my_updown=ipsec _updown;' % name,
                '000 "%s":   our auth:secret, their auth:secret' % name,
                '000 "%s":   ike_life: 28800s; ipsec_life: 28800s; rekey_margin: 540s; rekey_fuzz: 100%%; keyingtries: 0;' % name,
                '000 "%s":   policy: %s;' % (name, policy),
                '000 "%s":   dpd: action:restart; delay:30; timeout:120; nat-t: encaps:auto; nat_keepalive:yes; ikev1_natt:both' % name,
                '000 "%s":   newest ISAKMP SA: #%s; newest IPsec SA: #%s;' % (name, extra.get("isakmp", "0"), extra.get("ipsec", "0"))]
    n = len(conns) if total_loaded is None else total_loaded
    active = sum(1 for s in states if "IPsec SA established" in s or "QUICK_I2" in s or "QUICK_R2" in s or "ESTABLISHED_CHILD" in s)
    out += ["000  ", "000 Total IPsec connections: loaded %d, active %d" % (n, active), "000  ",
            "000 State Information: DDoS cookies not required, Accepting new IKE connections",
            "000 IKE SAs: total(%d), half-open(0), open(0), authenticated(%d), anonymous(0)" % (len(states), len(states)),
            "000  "]
    out += ["000 " + s for s in states]
    out += ["000  ", "000 Bare Shunt list:", "000  "]
    return "\n".join(out) + "\n"


def base_linux(h, ifaces, procs, udp_sockets, routes):
    h.cmd("ps", "-elf", ps_elf(procs))
    h.cmd("ss", "-tuanp", ss_udp(udp_sockets))
    h.cmd("uname", "-a", "Linux %s %s #1 SMP x86_64 GNU/Linux\n" % (h.hostname, h.kernel))
    h.cmd("uptime", "", " 10:30:00 up 10 days,  0:03,  1 user,  load average: 0.04, 0.03, 0.00\n")
    h.cmd("ip", "addr", ip_addr(ifaces))
    h.cmd("ip", "route show table all", routes)
    h.cmd("ip", "-s link", ip_addr(ifaces))


# ===========================================================================
# IPCop (Openswan, KLIPS, everything in /var/log/messages)
# ===========================================================================

IPCOP_CONF = """# Do not modify 'ipsec.conf' directly since any changes you make will be
# overwritten whenever you change IPsec settings using the web interface!
#
config setup
	interfaces="%defaultroute"
	klipsdebug="none"
	plutodebug="none"
	plutoload=%search
	plutostart=%search
	uniqueids=yes
	nat_traversal=yes
	virtual_private=%v4:10.0.0.0/8,%v4:172.16.0.0/12,%v4:192.168.0.0/16,%v4:!192.168.20.0/24

conn %default
	keyingtries=0
	disablearrivalcheck=no

conn branch
	left=203.0.113.20
	leftnexthop=%defaultroute
	leftsubnet=192.168.20.0/24
	right=198.51.100.44
	rightsubnet=192.168.44.0/24
	rightnexthop=%defaultroute
	dpddelay=30
	dpdtimeout=120
	dpdaction=restart
	authby=secret
	auto=start
"""

IPCOP_SETTINGS = """ENABLED=on
ENABLED_BLUE=off
VPN_IP=203.0.113.20
VPN_DELAYED_START=0
VPN_WATCH=on
"""


def ipcop_host(name, hostname, scenario):
    h = Host(name, hostname, IPCOP, "2.4.36", tz="Europe/Berlin")
    h.file("/var/ipcop/vpn/ipsec.conf", IPCOP_CONF)
    h.file("/var/ipcop/vpn/ipsec.secrets", '203.0.113.20 198.51.100.44 : PSK "Kl4usBranchV0n2006!"\n')
    h.file("/var/ipcop/vpn/settings", IPCOP_SETTINGS)
    log = Log("syslog")
    boot = T("2024-03-04 06:12:07")
    for i, l in enumerate(["Starting Openswan IPsec 2.4.12...",
                           "Using KLIPS IPsec interface code on 2.4.36"]):
        log.add(boot + timedelta(seconds=i), l, host=hostname, prog="ipsec_setup")
    pid = 585
    t = boot + timedelta(seconds=3)
    for l in ["Starting Pluto (Openswan Version 2.4.12 X.509-1.5.4 PLUTO_USES_KEYRR; Vendor ID OEZ~gaUsRcvq)",
              "including NAT-Traversal patch (Version 0.6c)",
              "Using KLIPS IPsec interface code on 2.4.36",
              'added connection description "branch"',
              "listening for IKE messages",
              "adding interface ipsec0/eth1 203.0.113.20:500",
              "adding interface ipsec0/eth1 203.0.113.20:4500",
              'loading secrets from "/etc/ipsec.secrets"']:
        log.add(t, l, host=hostname, pid=pid)
    log.add(T("2024-03-04 06:40:10"), "eth0: link up, 100Mbps, full-duplex", host=hostname, prog="kernel")
    c = '"branch"'
    if scenario == "ok":
        # The branch initiates; IPCop answers Main Mode and Quick Mode, and the
        # exchange repeats at each re-key (about hourly).
        serial = 620
        for k, start in enumerate([T("2024-03-04 06:12:41"), T("2024-03-04 07:05:18"), T("2024-03-04 07:58:02"),
                                   T("2024-03-04 08:51:33"), T("2024-03-04 09:44:49")]):
            mm, qm = serial + 2 * k, serial + 2 * k + 1
            s = start
            for l in ["packet from 198.51.100.44:500: received Vendor ID payload [Openswan (this version) 2.4.12 ]",
                      "packet from 198.51.100.44:500: received Vendor ID payload [Dead Peer Detection]",
                      "packet from 198.51.100.44:500: received Vendor ID payload [draft-ietf-ipsec-nat-t-ike-02_n] method set to=106"]:
                log.add(s, l, host=hostname, pid=pid)
            for off, l in [(0, '%s #%d: responding to Main Mode' % (c, mm)),
                           (0, '%s #%d: transition from state (null) to state STATE_MAIN_R1' % (c, mm)),
                           (1, '%s #%d: NAT-Traversal: Result using draft-ietf-ipsec-nat-t-ike-02/03: no NAT detected' % (c, mm)),
                           (1, '%s #%d: transition from state STATE_MAIN_R1 to state STATE_MAIN_R2' % (c, mm)),
                           (1, '%s #%d: Main mode peer ID is ID_IPV4_ADDR: \'198.51.100.44\'' % (c, mm)),
                           (1, '%s #%d: transition from state STATE_MAIN_R2 to state STATE_MAIN_R3' % (c, mm)),
                           (1, '%s #%d: sent MR3, ISAKMP SA established' % (c, mm)),
                           (2, '%s #%d: responding to Quick Mode' % (c, qm)),
                           (2, '%s #%d: transition from state (null) to state STATE_QUICK_R1' % (c, qm)),
                           (2, '%s #%d: transition from state STATE_QUICK_R1 to state STATE_QUICK_R2' % (c, qm)),
                           (2, '%s #%d: STATE_QUICK_R2: IPsec SA established {ESP=>%s <%s}' % (c, qm, spi("ipcop", str(qm), "o"), spi("ipcop", str(qm), "i")))]:
                log.add(s + timedelta(seconds=off), l, host=hostname, pid=pid)
            if k > 0:
                log.add(s + timedelta(seconds=3), '%s #%d: received Delete SA payload: deleting ISAKMP State #%d' % (c, mm, mm - 2), host=hostname, pid=pid)
        states = ['#628: "branch" STATE_MAIN_R3 (sent MR3, ISAKMP SA established); EVENT_SA_REPLACE in 2897s; newest ISAKMP; lastdpd=12s(seq in:4211 out:0)',
                  '#629: "branch" STATE_QUICK_R2 (IPsec SA established); EVENT_SA_REPLACE in 27961s; newest IPSEC; eroute owner',
                  '#629: "branch" esp.%s@198.51.100.44 esp.%s@203.0.113.20 tun.1001@198.51.100.44 tun.1002@203.0.113.20' % (spi("ipcop", "629", "o")[2:], spi("ipcop", "629", "i")[2:])]
        eroute = "erouted"
        isakmp, ipsec = "628", "629"
    else:   # pskfail: the branch's key was changed, ours was not
        serial = 731
        starts = [T("2024-03-04 09:31:02"), T("2024-03-04 09:32:14"), T("2024-03-04 09:33:26")]
        for k, start in enumerate(starts):
            mm = serial + k
            s = start
            log.add(s, "packet from 198.51.100.44:500: received Vendor ID payload [Dead Peer Detection]", host=hostname, pid=pid)
            for off, l in [(0, '%s #%d: responding to Main Mode' % (c, mm)),
                           (0, '%s #%d: transition from state (null) to state STATE_MAIN_R1' % (c, mm)),
                           (1, '%s #%d: NAT-Traversal: Result using draft-ietf-ipsec-nat-t-ike-02/03: no NAT detected' % (c, mm)),
                           (1, '%s #%d: transition from state STATE_MAIN_R1 to state STATE_MAIN_R2' % (c, mm)),
                           (1, '%s #%d: next payload type of ISAKMP Identification Payload has an unknown value: %d' % (c, mm, 97 + 41 * k)),
                           (1, '%s #%d: malformed payload in packet' % (c, mm)),
                           (11, '%s #%d: next payload type of ISAKMP Identification Payload has an unknown value: %d' % (c, mm, 140 + 7 * k)),
                           (11, '%s #%d: malformed payload in packet' % (c, mm)),
                           (31, '%s #%d: next payload type of ISAKMP Identification Payload has an unknown value: %d' % (c, mm, 33 + 5 * k)),
                           (31, '%s #%d: malformed payload in packet' % (c, mm)),
                           (61, '%s #%d: max number of retransmissions (2) reached STATE_MAIN_R2' % (c, mm))]:
                log.add(s + timedelta(seconds=off), l, host=hostname, pid=pid)
        states = ['#733: "branch" STATE_MAIN_R2 (sent MR2, expecting MI3); EVENT_RETRANSMIT in 8s']
        eroute = "prospective erouted"
        isakmp, ipsec = "0", "0"
    h.file("/var/log/messages", log.text())
    status = ["000 interface ipsec0/eth1 203.0.113.20", "000 %myid = (none)", "000 debug none", "000  ",
              "000 algorithm ESP encrypt: id=3, name=ESP_3DES, ivlen=64, keysizemin=192, keysizemax=192",
              "000 algorithm ESP auth attr: id=1, name=AUTH_ALGORITHM_HMAC_MD5, keysizemin=128, keysizemax=128",
              "000  ",
              '000 "branch": 192.168.20.0/24===203.0.113.20...198.51.100.44===192.168.44.0/24; %s; eroute owner: #%s' % (eroute, ipsec),
              '000 "branch":   ike_life: 3600s; ipsec_life: 28800s; rekey_margin: 540s; rekey_fuzz: 100%; keyingtries: 0',
              '000 "branch":   policy: PSK+ENCRYPT+TUNNEL+PFS+UP; prio: 24,24; interface: eth1; ',
              '000 "branch":   newest ISAKMP SA: #%s; newest IPsec SA: #%s; ' % (isakmp, ipsec),
              "000  "]
    status += ["000 " + s for s in states] + ["000  "]
    st = "\n".join(status) + "\n"
    # Openswan 2.4 answers all three; the collector keeps the first that works.
    h.cmd("ipsec", "whack --status", st)
    h.cmd("ipsec", "auto --status", st)
    h.cmd("ipsec", "--version", "Linux Openswan U2.4.12/K2.4.36 (klips)\nSee `ipsec --copyright' for copyright information.\n")
    # IPCop: no iptables-save, no ip; the article's tools instead.
    h.cmd("iptables", "-L -n -v -x", IPCOP_IPTABLES)
    h.cmd("route", "-n", """Kernel IP routing table
Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
203.0.113.0     0.0.0.0         255.255.255.0   U     0      0        0 eth1
203.0.113.0     0.0.0.0         255.255.255.0   U     0      0        0 ipsec0
192.168.44.0    203.0.113.1     255.255.255.0   UG    0      0        0 ipsec0
192.168.20.0    0.0.0.0         255.255.255.0   U     0      0        0 eth0
0.0.0.0         203.0.113.1     0.0.0.0         UG    0      0        0 eth1
""")
    h.cmd("ifconfig", "-a", """eth0      Link encap:Ethernet  HWaddr 00:0C:29:4E:7A:01
          inet addr:192.168.20.1  Bcast:192.168.20.255  Mask:255.255.255.0
          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1
eth1      Link encap:Ethernet  HWaddr 00:0C:29:4E:7A:02
          inet addr:203.0.113.20  Bcast:203.0.113.255  Mask:255.255.255.0
          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1
ipsec0    Link encap:Ethernet  HWaddr 00:0C:29:4E:7A:02
          inet addr:203.0.113.20  Mask:255.255.255.0
          UP RUNNING NOARP  MTU:16260  Metric:1
lo        Link encap:Local Loopback
          inet addr:127.0.0.1  Mask:255.0.0.0
          UP LOOPBACK RUNNING  MTU:16436  Metric:1
""")
    h.cmd("ps", "-elf", ps_elf([(585, 584, "root", "/usr/lib/ipsec/pluto --nofork --secretsfile /etc/ipsec.secrets --uniqueids --nat_traversal --virtual_private %v4:10.0.0.0/8,%v4:172.16.0.0/12,%v4:192.168.0.0/16,%v4:!192.168.20.0/24"),
                                 (584, 1, "root", "/bin/sh /usr/lib/ipsec/_plutorun --debug  --uniqueids yes --nat_traversal yes"),
                                 (1910, 1, "root", "/usr/local/bin/httpd")]))
    h.cmd("netstat", "-anp", """Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 0.0.0.0:445             0.0.0.0:*               LISTEN      1910/httpd
udp        0      0 203.0.113.20:500        0.0.0.0:*                           585/pluto
udp        0      0 203.0.113.20:4500       0.0.0.0:*                           585/pluto
udp        0      0 127.0.0.1:500           0.0.0.0:*                           585/pluto
""")
    h.cmd("uname", "-a", "Linux %s 2.4.36 #1 Tue Jan 1 12:00:00 GMT 2008 i686 GNU/Linux\n" % hostname)
    return h


IPCOP_IPTABLES = """Chain INPUT (policy DROP 1822 packets, 143233 bytes)
    pkts      bytes target     prot opt in     out     source               destination
  114221 99120344 CUSTOMINPUT  all  --  *      *       0.0.0.0/0            0.0.0.0/0
  112001 98001233 GUARDIAN   all  --  *      *       0.0.0.0/0            0.0.0.0/0
   54012 12001223 ACCEPT     udp  --  eth1   *       0.0.0.0/0            0.0.0.0/0           udp dpt:500
       0        0 ACCEPT     udp  --  eth1   *       0.0.0.0/0            0.0.0.0/0           udp dpt:4500
   41133 31200981 ACCEPT     esp  --  eth1   *       0.0.0.0/0            0.0.0.0/0

Chain CUSTOMINPUT (1 references)
    pkts      bytes target     prot opt in     out     source               destination

Chain GUARDIAN (1 references)
    pkts      bytes target     prot opt in     out     source               destination
"""


# ===========================================================================
# Libreswan hosts
# ===========================================================================

def lsw_noresp():
    """Libreswan 4.10 on Debian 12 initiates IKEv2 to a peer whose firewall
    drops UDP 500: no answer, ever."""
    h = Host("lsw-noresp", "gw-fra1", DEBIAN12, "6.1.0-18-amd64")
    h.file("/etc/ipsec.conf", """# /etc/ipsec.conf - Libreswan IPsec configuration file
config setup
	logfile=/var/log/pluto.log
	logappend=yes
	uniqueids=yes

include /etc/ipsec.d/*.conf
""")
    h.file("/etc/ipsec.d/fra-ams.conf", """conn fra-ams
	left=192.0.2.10
	leftid=192.0.2.10
	leftsubnet=10.10.0.0/16
	right=198.51.100.7
	rightid=198.51.100.7
	rightsubnet=10.20.0.0/16
	authby=secret
	ikev2=insist
	ike=aes256-sha2_256;dh19
	esp=aes256gcm16
	dpddelay=10
	dpdtimeout=60
	dpdaction=restart
	auto=start
""")
    h.file("/etc/ipsec.secrets", "include /etc/ipsec.d/*.secrets\n")
    h.file("/etc/ipsec.d/fra-ams.secrets", '192.0.2.10 198.51.100.7 : PSK "rG7#kq2!Lw9pZ4xV"\n')
    log = Log("pluto")
    t = T("2024-03-04 08:00:02")
    for l in ["NSS DB directory: sql:/var/lib/ipsec/nss", "Initializing NSS using read-write database \"sql:/var/lib/ipsec/nss\"",
              "Starting Pluto (Libreswan Version 4.10 IKEv2 IKEv1 XFRM XFRMI esp-hw-offload FORK PTHREAD_SETSCHEDPRIO NSS (IPsec profile) (NSS-KDF) DNSSEC SYSTEMD_WATCHDOG LABELED_IPSEC (SELINUX) LIBCAP_NG LINUX_AUDIT AUTH_PAM NETWORKMANAGER CURL(non-NSS) LDAP(non-NSS)) pid:812",
              "NAT-Traversal support  [enabled]", '"fra-ams": added IKEv2 connection', "listening for IKE messages",
              "adding UDP interface eth0 192.0.2.10:500", "adding UDP interface eth0 192.0.2.10:4500",
              'loading secrets from "/etc/ipsec.secrets"', 'loading secrets from "/etc/ipsec.d/fra-ams.secrets"']:
        log.add(t, l)
        t += timedelta(microseconds=41733)
    serial = 1
    start = T("2024-03-04 08:00:03")
    for attempt in range(6):
        s = start + timedelta(seconds=attempt * 125)
        log.add(s, '"fra-ams" #%d: initiating IKEv2 connection' % serial)
        log.add(s + timedelta(microseconds=1900), '"fra-ams" #%d: sent IKE_SA_INIT request to 198.51.100.7:500' % serial)
        wait = 0.5
        el = 0.0
        for r in range(6):
            el += wait
            log.add(s + timedelta(seconds=el), '"fra-ams" #%d: STATE_V2_PARENT_I1: retransmission; will wait %s seconds for response' % (serial, ("%g" % (wait * 2))))
            wait *= 2
        el = 60.0
        log.add(s + timedelta(seconds=el), '"fra-ams" #%d: STATE_V2_PARENT_I1: 60 second timeout exceeded after 6 retransmits.  No response (or no acceptable response) to our first IKEv2 message' % serial)
        log.add(s + timedelta(seconds=el, microseconds=90), '"fra-ams" #%d: deleting state (STATE_V2_PARENT_I1) aged 60.012s and NOT sending notification' % serial)
        log.add(s + timedelta(seconds=el, microseconds=150), '"fra-ams" #%d: deleting IKE SA but connection is supposed to remain up; schedule EVENT_REVIVE_CONNS' % serial)
        serial += 1
    h.file("/var/log/pluto.log", log.text())
    h.file("/var/log/pluto.log.1", "")
    states = ['#7: "fra-ams":500 STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); RETRANSMIT in 2s; idle;']
    h.cmd("ipsec", "whack --status", libreswan_status("4.10", [("eth0", "192.0.2.10")],
          [("fra-ams", "10.10.0.0/16===192.0.2.10", "198.51.100.7===10.20.0.0/16", "IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP+IKE_FRAG_ALLOW+ESN_NO+ESN_YES", {"routing": "prospective erouted"})], states))
    h.cmd("ipsec", "whack --trafficstatus", "")
    h.cmd("ipsec", "--version", "Libreswan 4.10\n")
    h.cmd("ip", "-s xfrm state", "")
    h.cmd("ip", "xfrm policy", xfrm_policy([("10.10.0.0/16", "10.20.0.0/16", "out", "192.0.2.10", "198.51.100.7", 16389)]))
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    h.cmd("nft", "list ruleset", "table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n")
    base_linux(h, [("eth0", 1500, "192.0.2.10/24"), ("eth1", 1500, "10.10.0.1/16")],
               [(812, 1, "root", "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork")],
               ['udp   UNCONN 0      0              192.0.2.10:500         0.0.0.0:*     users:(("pluto",pid=812,fd=17))',
                'udp   UNCONN 0      0              192.0.2.10:4500        0.0.0.0:*     users:(("pluto",pid=812,fd=18))'],
               "default via 192.0.2.1 dev eth0 proto static\n10.10.0.0/16 dev eth1 proto kernel scope link src 10.10.0.1\n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10\n")
    h.file("/proc/net/xfrm_stat", XFRM_STAT)
    h.file("/proc/modules", PROC_MODULES)
    return h


XFRM_STAT = """XfrmInError             \t0
XfrmInBufferError       \t0
XfrmInHdrError          \t0
XfrmInNoStates          \t0
XfrmInStateProtoError   \t0
XfrmInStateModeError    \t0
XfrmInStateSeqError     \t0
XfrmInStateExpired      \t0
XfrmInStateMismatch     \t0
XfrmInStateInvalid      \t0
XfrmInTmplMismatch      \t0
XfrmInNoPols            \t0
XfrmInPolBlock          \t0
XfrmInPolError          \t0
XfrmOutError            \t0
XfrmOutBundleGenError   \t0
XfrmOutBundleCheckError \t0
XfrmOutNoStates         \t311
XfrmOutStateProtoError  \t0
XfrmOutStateModeError   \t0
XfrmOutStateSeqError    \t0
XfrmOutStateExpired     \t0
XfrmOutPolBlock         \t0
XfrmOutPolDead          \t0
XfrmOutPolError         \t0
XfrmFwdHdrError         \t0
XfrmOutStateInvalid     \t0
XfrmAcquireError        \t0
"""

PROC_MODULES = """esp4 24576 2 - Live 0x0000000000000000
xfrm4_tunnel 16384 0 - Live 0x0000000000000000
tunnel4 16384 1 xfrm4_tunnel, Live 0x0000000000000000
xfrm_user 53248 2 - Live 0x0000000000000000
xfrm_algo 16384 2 esp4,xfrm_user, Live 0x0000000000000000
"""


def lsw_fwpeer():
    """The other end of lsw-noresp: Libreswan 3.32 on CentOS 7 with a
    firewall rule that drops IKE from the Frankfurt gateway."""
    h = Host("lsw-fwpeer", "gw-ams1", CENTOS7, "3.10.0-1160.el7.x86_64")
    h.file("/etc/ipsec.conf", "config setup\n\tprotostack=netkey\n\tlogfile=/var/log/pluto.log\n\ninclude /etc/ipsec.d/*.conf\n")
    h.file("/etc/ipsec.d/ams-fra.conf", """conn ams-fra
	left=198.51.100.7
	leftsubnet=10.20.0.0/16
	right=192.0.2.10
	rightsubnet=10.10.0.0/16
	authby=secret
	ikev2=insist
	ike=aes256-sha2_256;dh19
	esp=aes256gcm16
	auto=add
""")
    h.file("/etc/ipsec.d/ams-fra.secrets", '198.51.100.7 192.0.2.10 : PSK "rG7#kq2!Lw9pZ4xV"\n')
    log = Log("pluto")
    t = T("2024-03-04 07:55:40")
    for l in ["NSS DB directory: sql:/etc/ipsec.d",
              "Starting Pluto (Libreswan Version 3.32 XFRM(netkey) esp-hw-offload FORK PTHREAD_SETSCHEDPRIO NSS (IPsec profile) DNSSEC SYSTEMD_WATCHDOG LABELED_IPSEC SECCOMP LIBCAP_NG LINUX_AUDIT XAUTH_PAM NETWORKMANAGER CURL(non-NSS)) pid:1204",
              "NAT-Traversal support  [enabled]", 'added connection description "ams-fra"', "listening for IKE messages",
              "adding interface eth0/eth0 198.51.100.7:500", "adding interface eth0/eth0 198.51.100.7:4500",
              'loading secrets from "/etc/ipsec.secrets"', 'loading secrets from "/etc/ipsec.d/ams-fra.secrets"']:
        log.add(t, l)
        t += timedelta(microseconds=52011)
    h.file("/var/log/pluto.log", log.text())
    h.cmd("ipsec", "whack --status", libreswan_status("3.32", [("eth0/eth0", "198.51.100.7")],
          [("ams-fra", "10.20.0.0/16===198.51.100.7", "192.0.2.10===10.10.0.0/16", "PSK+ENCRYPT+TUNNEL+PFS+IKEV2_ALLOW+IKEV2_PROPOSE+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO", {"routing": "unrouted"})], []))
    h.cmd("ipsec", "--version", "Linux Libreswan 3.32 (netkey) on 3.10.0-1160.el7.x86_64\n")
    h.cmd("ip", "-s xfrm state", "")
    h.cmd("ip", "xfrm policy", "")
    h.cmd("iptables-save", "-c", """# Generated by iptables-save v1.4.21 on Mon Mar  4 10:31:02 2024
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [88121:9921344]
:IN_public - [0:0]
[2:120] -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
[0:0] -A INPUT -i lo -j ACCEPT
[97:41517] -A INPUT -s 192.0.2.10/32 -p udp -m udp --dport 500 -j DROP
[0:0] -A INPUT -s 192.0.2.10/32 -p udp -m udp --dport 4500 -j DROP
[0:0] -A INPUT -p esp -j ACCEPT
[1211:99822] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
[44:3011] -A INPUT -j REJECT --reject-with icmp-host-prohibited
COMMIT
# Completed on Mon Mar  4 10:31:02 2024
""")
    base_linux(h, [("eth0", 1500, "198.51.100.7/24"), ("eth1", 1500, "10.20.0.1/16")],
               [(1204, 1, "root", "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork")],
               ['udp   UNCONN 0      0            198.51.100.7:500         0.0.0.0:*     users:(("pluto",pid=1204,fd=17))',
                'udp   UNCONN 0      0            198.51.100.7:4500        0.0.0.0:*     users:(("pluto",pid=1204,fd=18))'],
               "default via 198.51.100.1 dev eth0\n10.20.0.0/16 dev eth1 proto kernel scope link src 10.20.0.1\n198.51.100.0/24 dev eth0 proto kernel scope link src 198.51.100.7\n")
    h.file("/proc/modules", PROC_MODULES)
    return h


def lsw_down():
    """Libreswan 3.25 on CentOS 7: pluto died (the service was stopped for
    maintenance and not started again); the tunnels are configured."""
    h = Host("lsw-down", "vpn-muc", CENTOS7, "3.10.0-957.el7.x86_64")
    h.file("/etc/ipsec.conf", "config setup\n\tprotostack=netkey\n\ninclude /etc/ipsec.d/*.conf\n")
    h.file("/etc/ipsec.d/muc-ber.conf", """conn muc-ber
	left=%defaultroute
	leftid=@vpn-muc.example.org
	leftsubnet=172.16.10.0/24
	right=203.0.113.90
	rightid=@vpn-ber.example.org
	rightsubnet=172.16.20.0/24
	authby=secret
	auto=start

conn muc-ham
	also=muc-common
	right=203.0.113.91
	rightsubnet=172.16.30.0/24
	auto=start
""")
    h.file("/etc/ipsec.d/muc.secrets", '@vpn-muc.example.org @vpn-ber.example.org : PSK "Tr0p1cal-Mang0-44"\n@vpn-muc.example.org 203.0.113.91 :\n\tPSK "c0ntinued-line-s3cret"\n')
    log = Log("syslog")
    t = T("2024-03-02 22:14:51")
    for l in ['"muc-ber" #412: received Delete SA payload: deleting ISAKMP State #412',
              "shutting down", "forgetting secrets",
              '"muc-ber": deleting non-instance connection', '"muc-ham": deleting non-instance connection',
              "shutting down interface eth0/eth0 198.51.100.61:4500", "shutting down interface eth0/eth0 198.51.100.61:500"]:
        log.add(t, l, host="vpn-muc", pid=1877)
    log.add(t + timedelta(seconds=1), "Stopping Libreswan IPsec...", host="vpn-muc", prog="ipsec")
    log.add(t + timedelta(seconds=2), "Stopped Internet Key Exchange (IKE) Protocol Daemon for IPsec.", host="vpn-muc", prog="systemd", pid=1)
    log.add(T("2024-03-04 10:02:11"), "Accepted publickey for admin from 192.0.2.200 port 50022 ssh2: RSA SHA256:Xf3gP", host="vpn-muc", prog="sshd", pid=20331)
    h.file("/var/log/secure", log.text())
    err = 'whack: Pluto is not running (no "/run/pluto/pluto.ctl")\n'
    h.cmd("ipsec", "whack --status", "", rc=1, err=err)
    h.cmd("ipsec", "status", "", rc=1, err=err)
    h.cmd("ipsec", "auto --status", "", rc=1, err=err)
    h.cmd("ipsec", "whack --trafficstatus", "", rc=1, err=err)
    h.cmd("ipsec", "--version", "Linux Libreswan 3.25 (netkey) on 3.10.0-957.el7.x86_64\n")
    h.cmd("ip", "-s xfrm state", "")
    h.cmd("ip", "xfrm policy", "")
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    base_linux(h, [("eth0", 1500, "198.51.100.61/24"), ("eth1", 1500, "172.16.10.1/24")],
               [(2201, 1, "root", "/usr/sbin/chronyd")], [],
               "default via 198.51.100.1 dev eth0\n172.16.10.0/24 dev eth1 proto kernel scope link src 172.16.10.1\n198.51.100.0/24 dev eth0 proto kernel scope link src 198.51.100.61\n")
    return h


# ===========================================================================
# Openswan 2.6 on RHEL 6: a Quick Mode proposal mismatch, both ends
# ===========================================================================

def osw_proposal(side):
    """side "hq" initiates with esp=aes128-sha1 and PFS; side "shop" only
    accepts 3des-md5 without PFS (a store router nobody updated)."""
    if side == "hq":
        h = Host("osw-proposal-hq", "fw-hq", RHEL6, "2.6.32-754.el6.x86_64")
        me, peer, conn, name = "192.0.2.33", "198.51.100.120", "hq-shop17", "fw-hq"
        mynet, peernet = "10.1.0.0/16", "10.117.0.0/24"
        esp = "\tesp=aes128-sha1\n\tpfs=yes\n"
    else:
        h = Host("osw-proposal-shop", "shop17-gw", RHEL6, "2.6.32-431.el6.x86_64")
        me, peer, conn, name = "198.51.100.120", "192.0.2.33", "shop17-hq", "shop17-gw"
        mynet, peernet = "10.117.0.0/24", "10.1.0.0/16"
        esp = "\tesp=3des-md5\n\tpfs=no\n"
    h.file("/etc/ipsec.conf", """version 2.0

config setup
	protostack=netkey
	nat_traversal=yes
	virtual_private=%%v4:10.0.0.0/8,%%v4:192.168.0.0/16
	oe=off

conn %s
	left=%s
	leftsubnet=%s
	right=%s
	rightsubnet=%s
	authby=secret
	ike=aes128-sha1;modp1024
%s	keyingtries=%%forever
	auto=%s
""" % (conn, me, mynet, peer, peernet, esp, "start" if side == "hq" else "add"))
    h.file("/etc/ipsec.secrets", '%s %s : PSK "Sh0p17-2019-summer"\n' % (me, peer))
    log = Log("syslog")
    pid = 2310 if side == "hq" else 1718
    c = '"%s"' % conn
    start = T("2024-03-04 09:12:05")
    for k in range(4):
        s = start + timedelta(seconds=k * 75)
        mm, qm = 2 * k + 1, 2 * k + 2
        if side == "hq":
            lines = [(0, '%s #%d: initiating Main Mode' % (c, mm)),
                     (0, '%s #%d: transition from state STATE_MAIN_I1 to state STATE_MAIN_I2' % (c, mm)),
                     (0, '%s #%d: STATE_MAIN_I2: sent MI2, expecting MR2' % (c, mm)),
                     (0, '%s #%d: NAT-Traversal: Result using RFC 3947 (NAT-Traversal): no NAT detected' % (c, mm)),
                     (0, '%s #%d: transition from state STATE_MAIN_I2 to state STATE_MAIN_I3' % (c, mm)),
                     (0, '%s #%d: STATE_MAIN_I3: sent MI3, expecting MR3' % (c, mm)),
                     (0, '%s #%d: Main mode peer ID is ID_IPV4_ADDR: \'%s\'' % (c, mm, peer)),
                     (0, '%s #%d: transition from state STATE_MAIN_I3 to state STATE_MAIN_I4' % (c, mm)),
                     (0, '%s #%d: STATE_MAIN_I4: ISAKMP SA established {auth=OAKLEY_PRESHARED_KEY cipher=aes_128 prf=oakley_sha group=modp1024}' % (c, mm)),
                     (0, '%s #%d: initiating Quick Mode PSK+ENCRYPT+TUNNEL+PFS+UP+IKEv2ALLOW+SAREFTRACK {using isakmp#%d msgid:%08x proposal=AES(12)_128-SHA1(2)_160 pfsgroup=OAKLEY_GROUP_MODP1024}' % (c, qm, mm, 0x3a11f0c2 + k)),
                     (0, '%s #%d: ignoring informational payload, type NO_PROPOSAL_CHOSEN msgid=00000000' % (c, mm)),
                     (0, '%s #%d: received and ignored informational message' % (c, mm)),
                     (10, '%s #%d: ignoring informational payload, type NO_PROPOSAL_CHOSEN msgid=00000000' % (c, mm)),
                     (30, '%s #%d: ignoring informational payload, type NO_PROPOSAL_CHOSEN msgid=00000000' % (c, mm)),
                     (70, '%s #%d: max number of retransmissions (2) reached STATE_QUICK_I1.  No acceptable response to our first Quick Mode message: perhaps peer likes no proposal' % (c, qm)),
                     (70, '%s #%d: starting keying attempt %d of an unlimited number' % (c, qm, k + 2))]
        else:
            lines = [(0, '%s #%d: responding to Main Mode' % (c, mm)),
                     (0, '%s #%d: transition from state STATE_MAIN_R0 to state STATE_MAIN_R1' % (c, mm)),
                     (0, '%s #%d: STATE_MAIN_R1: sent MR1, expecting MI2' % (c, mm)),
                     (0, '%s #%d: NAT-Traversal: Result using RFC 3947 (NAT-Traversal): no NAT detected' % (c, mm)),
                     (0, '%s #%d: transition from state STATE_MAIN_R1 to state STATE_MAIN_R2' % (c, mm)),
                     (0, '%s #%d: STATE_MAIN_R2: sent MR2, expecting MI3' % (c, mm)),
                     (0, '%s #%d: Main mode peer ID is ID_IPV4_ADDR: \'%s\'' % (c, mm, peer)),
                     (0, '%s #%d: transition from state STATE_MAIN_R2 to state STATE_MAIN_R3' % (c, mm)),
                     (0, '%s #%d: STATE_MAIN_R3: sent MR3, ISAKMP SA established {auth=OAKLEY_PRESHARED_KEY cipher=aes_128 prf=oakley_sha group=modp1024}' % (c, mm)),
                     (0, '%s #%d: the peer proposed: %s:0/0 -> %s:0/0' % (c, mm, mynet, peernet)),
                     (0, '%s #%d: we require PFS but Quick I1 SA specifies no GROUP_DESCRIPTION' % (c, qm)) if False else
                     (0, '%s #%d: sending encrypted notification NO_PROPOSAL_CHOSEN to %s:500' % (c, qm, peer)),
                     (10, '%s #%d: the peer proposed: %s:0/0 -> %s:0/0' % (c, mm, mynet, peernet)),
                     (10, '%s #%d: sending encrypted notification NO_PROPOSAL_CHOSEN to %s:500' % (c, qm, peer)),
                     (30, '%s #%d: the peer proposed: %s:0/0 -> %s:0/0' % (c, mm, mynet, peernet)),
                     (30, '%s #%d: sending encrypted notification NO_PROPOSAL_CHOSEN to %s:500' % (c, qm, peer))]
        for off, l in lines:
            log.add(s + timedelta(seconds=off), l, host=name, pid=pid)
    h.file("/var/log/secure", log.text())
    state = ('#7: "%s":500 STATE_MAIN_I4 (ISAKMP SA established); EVENT_SA_REPLACE in 2711s; newest ISAKMP; lastdpd=-1s(seq in:0 out:0); idle; import:admin initiate' % conn if side == "hq"
             else '#7: "%s":500 STATE_MAIN_R3 (sent MR3, ISAKMP SA established); EVENT_SA_REPLACE in 3011s; newest ISAKMP; lastdpd=-1s(seq in:0 out:0); idle; import:not set' % conn)
    st = "\n".join(["000 using kernel interface: netkey",
                    "000 interface eth0/eth0 %s" % me, "000 %myid = (none)", "000 debug none", "000  ",
                    '000 "%s": %s===%s...%s===%s; %s; eroute owner: #0' % (conn, mynet, me, peer, peernet, "prospective erouted" if side == "hq" else "unrouted"),
                    '000 "%s":   policy: PSK+ENCRYPT+TUNNEL+%sUP+IKEv2ALLOW+SAREFTRACK+lKOD+rKOD; prio: 16,24; interface: eth0; ' % (conn, "PFS+" if side == "hq" else ""),
                    '000 "%s":   newest ISAKMP SA: #7; newest IPsec SA: #0; ' % conn,
                    "000  ", "000 " + state, "000  "]) + "\n"
    h.cmd("ipsec", "whack --status", st)
    h.cmd("ipsec", "--version", "Linux Openswan U2.6.32/K%s (netkey)\nSee `ipsec --copyright' for copyright information.\n" % h.kernel)
    h.cmd("ip", "-s xfrm state", "")
    h.cmd("ip", "xfrm policy", "")
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    base_linux(h, [("eth0", 1500, me + "/24"), ("eth1", 1500, mynet.replace(".0/", ".1/"))],
               [(pid, 1, "root", "/usr/libexec/ipsec/pluto --nofork --secretsfile /etc/ipsec.secrets --ipsecdir /etc/ipsec.d --use-netkey --uniqueids --nat_traversal")],
               ['udp   UNCONN 0      0  %15s:500         0.0.0.0:*     users:(("pluto",pid=%d,fd=14))' % (me, pid)],
               "default via %s dev eth0\n" % (me.rsplit(".", 1)[0] + ".1"))
    return h


# ===========================================================================
# Libreswan 3.27: the branch sits behind NAT and sends its private address
# as its ID, the hub expects the public one
# ===========================================================================

def lsw_idmismatch():
    h = Host("lsw-idmismatch", "hub-vie", CENTOS7, "3.10.0-1062.el7.x86_64")
    h.file("/etc/ipsec.conf", "config setup\n\tprotostack=netkey\n\ninclude /etc/ipsec.d/*.conf\n")
    h.file("/etc/ipsec.d/vie-linz.conf", """conn vie-linz
	left=192.0.2.80
	leftid=192.0.2.80
	leftsubnet=10.80.0.0/16
	right=%any
	rightid=203.0.113.145
	rightsubnet=10.145.0.0/24
	authby=secret
	ikev2=no
	auto=add
""")
    h.file("/etc/ipsec.d/vie-linz.secrets", '192.0.2.80 %any : PSK "L1nz-branch-PSK-2023"\n')
    log = Log("syslog")
    c = '"vie-linz"[1] 203.0.113.145'
    start = T("2024-03-04 10:01:40")
    pid = 930
    for k in range(3):
        s = start + timedelta(seconds=k * 60)
        mm = 21 + k
        for off, l in [(0, 'packet from 203.0.113.145:500: received Vendor ID payload [RFC 3947]'),
                       (0, '%s #%d: responding to Main Mode from unknown peer 203.0.113.145 on port 500' % (c, mm)),
                       (0, '%s #%d: STATE_MAIN_R1: sent MR1, expecting MI2' % (c, mm)),
                       (0, '%s #%d: NAT-Traversal: Result using RFC 3947 (NAT-Traversal) sender port 500: peer behind NAT' % (c, mm)),
                       (0, '%s #%d: STATE_MAIN_R2: sent MR2, expecting MI3' % (c, mm)),
                       (0, '%s #%d: Peer ID is ID_IPV4_ADDR: \'192.168.1.20\'' % (c, mm)),
                       (0, '%s #%d: we require IKEv1 peer to have ID \'203.0.113.145\', but peer declares \'192.168.1.20\'' % (c, mm)),
                       (0, '%s #%d: sending encrypted notification INVALID_ID_INFORMATION to 203.0.113.145:4500' % (c, mm)),
                       (20, '%s #%d: max number of retransmissions (2) reached STATE_MAIN_R2' % (c, mm))]:
            log.add(s + timedelta(seconds=off), l, host="hub-vie", pid=pid)
    h.file("/var/log/secure", log.text())
    h.cmd("ipsec", "whack --status", libreswan_status("3.27", [("eth0/eth0", "192.0.2.80")],
          [("vie-linz", "10.80.0.0/16===192.0.2.80", "%any===10.145.0.0/24", "PSK+ENCRYPT+TUNNEL+PFS+IKEV1_ALLOW+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO", {"routing": "unrouted"})], []))
    h.cmd("ipsec", "--version", "Linux Libreswan 3.27 (netkey) on 3.10.0-1062.el7.x86_64\n")
    h.cmd("ip", "-s xfrm state", "")
    h.cmd("ip", "xfrm policy", "")
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    base_linux(h, [("eth0", 1500, "192.0.2.80/24"), ("eth1", 1500, "10.80.0.1/16")],
               [(pid, 1, "root", "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork")],
               ['udp   UNCONN 0      0            192.0.2.80:500         0.0.0.0:*     users:(("pluto",pid=930,fd=17))',
                'udp   UNCONN 0      0            192.0.2.80:4500        0.0.0.0:*     users:(("pluto",pid=930,fd=18))'],
               "default via 192.0.2.1 dev eth0\n")
    return h


# ===========================================================================
# Openswan 2.6 L2TP/IPsec server on Ubuntu (auth.log): phones connect, one
# unknown peer keeps trying without a matching connection
# ===========================================================================

def osw_roadwarrior():
    h = Host("osw-roadwarrior", "vpn-l2tp", UBUNTU12, "3.2.0-126-generic")
    h.file("/etc/ipsec.conf", """version 2.0

config setup
	nat_traversal=yes
	virtual_private=%v4:10.0.0.0/8,%v4:192.168.0.0/16,%v4:172.16.0.0/12
	oe=off
	protostack=netkey

conn L2TP-PSK-NAT
	rightsubnet=vhost:%priv
	also=L2TP-PSK-noNAT

conn L2TP-PSK-noNAT
	authby=secret
	pfs=no
	auto=add
	keyingtries=3
	rekey=no
	ikelifetime=8h
	keylife=1h
	type=transport
	left=192.0.2.150
	leftprotoport=17/1701
	right=%any
	rightprotoport=17/%any
""")
    h.file("/etc/ipsec.secrets", '192.0.2.150 %any: PSK "Phone-Users-Share-This-1"\n')
    log = Log("syslog")
    pid = 1633
    s = T("2024-03-04 08:41:10")
    c = '"L2TP-PSK-NAT"[2] 198.51.100.201'
    for off, l in [(0, 'packet from 198.51.100.201:500: received Vendor ID payload [RFC 3947] method set to=109 '),
                   (0, '%s #14: responding to Main Mode from unknown peer 198.51.100.201' % c),
                   (0, '%s #14: transition from state STATE_MAIN_R0 to state STATE_MAIN_R1' % c),
                   (0, '%s #14: STATE_MAIN_R1: sent MR1, expecting MI2' % c),
                   (0, '%s #14: NAT-Traversal: Result using RFC 3947 (NAT-Traversal): peer is NATed' % c),
                   (0, '%s #14: transition from state STATE_MAIN_R1 to state STATE_MAIN_R2' % c),
                   (0, '%s #14: STATE_MAIN_R2: sent MR2, expecting MI3' % c),
                   (1, '%s #14: Main mode peer ID is ID_IPV4_ADDR: \'10.177.3.9\'' % c),
                   (1, '%s #14: transition from state STATE_MAIN_R2 to state STATE_MAIN_R3' % c),
                   (1, '%s #14: new NAT mapping for #14, was 198.51.100.201:500, now 198.51.100.201:4500' % c),
                   (1, '%s #14: STATE_MAIN_R3: sent MR3, ISAKMP SA established {auth=OAKLEY_PRESHARED_KEY cipher=aes_256 prf=oakley_sha group=modp1024}' % c),
                   (1, '%s #14: the peer proposed: 192.0.2.150/32:17/1701 -> 10.177.3.9/32:17/0' % c),
                   (1, '%s #15: responding to Quick Mode proposal {msgid:a1f00c12}' % c),
                   (1, '%s #15: transition from state STATE_QUICK_R0 to state STATE_QUICK_R1' % c),
                   (1, '%s #15: STATE_QUICK_R1: sent QR1, inbound IPsec SA installed, expecting QI2' % c),
                   (1, '%s #15: transition from state STATE_QUICK_R1 to state STATE_QUICK_R2' % c),
                   (1, '%s #15: STATE_QUICK_R2: IPsec SA established transport mode {ESP/NAT=>%s <%s xfrm=AES_256-HMAC_SHA1 NATOA=10.177.3.9 NATD=198.51.100.201:4500 DPD=none}' % (c, spi("rw", "o"), spi("rw", "i")))]:
        log.add(s + timedelta(seconds=off), l, host="vpn-l2tp", pid=pid)
    # an unknown peer (a former employee's phone, a scanner) with no connection
    for k, (t, port) in enumerate([(T("2024-03-04 09:02:13"), 53011), (T("2024-03-04 09:02:24"), 53011), (T("2024-03-04 09:02:46"), 53011),
                                   (T("2024-03-04 09:30:02"), 60112)]):
        for l in ['packet from 203.0.113.66:%d: received Vendor ID payload [RFC 3947] method set to=109' % port,
                  'packet from 203.0.113.66:%d: ignoring Vendor ID payload [FRAGMENTATION 80000000]' % port,
                  'packet from 203.0.113.66:%d: initial Main Mode message received on 192.0.2.150:500 but no connection has been authorized with policy=RSASIG' % port]:
            log.add(t, l, host="vpn-l2tp", pid=pid)
    log.add(T("2024-03-04 09:10:40"), 'packet from 198.51.100.9:500: initial Main Mode message received on 192.0.2.150:500 but no connection has been authorized with policy=PSK', host="vpn-l2tp", pid=pid)
    h.file("/var/log/auth.log", log.text())
    h.cmd("ipsec", "whack --status", "\n".join([
        "000 using kernel interface: netkey", "000 interface eth0/eth0 192.0.2.150", "000 %myid = (none)", "000  ",
        '000 "L2TP-PSK-NAT": 192.0.2.150:17/1701...%any:17/%any===?; unrouted; eroute owner: #0',
        '000 "L2TP-PSK-NAT"[2]: 192.0.2.150:17/1701...198.51.100.201[10.177.3.9]:17/0===10.177.3.9/32; erouted; eroute owner: #15',
        '000 "L2TP-PSK-noNAT": 192.0.2.150:17/1701...%any:17/%any; unrouted; eroute owner: #0',
        "000  ",
        '000 #15: "L2TP-PSK-NAT"[2] 198.51.100.201:4500 STATE_QUICK_R2 (IPsec SA established); EVENT_SA_EXPIRE in 2211s; newest IPSEC; eroute owner; isakmp#14; idle; import:respond to stranger',
        '000 #14: "L2TP-PSK-NAT"[2] 198.51.100.201:4500 STATE_MAIN_R3 (sent MR3, ISAKMP SA established); EVENT_SA_EXPIRE in 27611s; newest ISAKMP; nodpd; idle; import:respond to stranger',
        "000  "]) + "\n")
    h.cmd("ipsec", "--version", "Linux Openswan U2.6.37/K3.2.0-126-generic (netkey)\n")
    h.cmd("ip", "-s xfrm state", xfrm_state([
        ("198.51.100.201", "192.0.2.150", spi("rw", "i"), 16385, "transport", "cbc(aes)", key("rw", "ie"), "hmac(sha1)", key("rw", "ia", n=40), 184112, 1911),
        ("192.0.2.150", "198.51.100.201", spi("rw", "o"), 16385, "transport", "cbc(aes)", key("rw", "oe"), "hmac(sha1)", key("rw", "oa", n=40), 901220, 2240)]))
    h.cmd("ip", "xfrm policy", "")
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    base_linux(h, [("eth0", 1500, "192.0.2.150/24")],
               [(pid, 1632, "root", "/usr/lib/ipsec/pluto --nofork --secretsfile /etc/ipsec.secrets --ipsecdir /etc/ipsec.d --use-auto --uniqueids --nat_traversal --virtual_private %v4:10.0.0.0/8,%v4:192.168.0.0/16,%v4:172.16.0.0/12"),
                (1632, 1, "root", "/bin/sh /usr/lib/ipsec/_plutorun --debug --uniqueids yes --force_busy no --nocrsend no --strictcrlpolicy no --nat_traversal yes"),
                (1701, 1, "root", "/usr/sbin/xl2tpd")],
               ['udp   UNCONN 0      0           192.0.2.150:500         0.0.0.0:*     users:(("pluto",pid=1633,fd=14))',
                'udp   UNCONN 0      0           192.0.2.150:4500        0.0.0.0:*     users:(("pluto",pid=1633,fd=15))',
                'udp   UNCONN 0      0               0.0.0.0:1701        0.0.0.0:*     users:(("xl2tpd",pid=1701,fd=3))'],
               "default via 192.0.2.1 dev eth0\n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.150\n")
    return h


# ===========================================================================
# Libreswan 3.23: dead peer detection takes the tunnel down, it comes back
# ===========================================================================

def lsw_dpd():
    h = Host("lsw-dpd", "dc1-vpn", CENTOS7, "3.10.0-862.el7.x86_64")
    h.file("/etc/ipsec.conf", "config setup\n\tprotostack=netkey\n\tlogfile=/var/log/pluto.log\n\ninclude /etc/ipsec.d/*.conf\n")
    h.file("/etc/ipsec.d/dc1-dc2.conf", """conn dc1-dc2
	left=192.0.2.201
	leftsubnet=10.201.0.0/16
	right=198.51.100.202
	rightsubnet=10.202.0.0/16
	authby=secret
	ikev2=no
	ike=aes256-sha2_256;modp2048
	phase2alg=aes256-sha2_256
	dpddelay=15
	dpdtimeout=60
	dpdaction=restart
	auto=start
""")
    h.file("/etc/ipsec.d/dc1-dc2.secrets", '192.0.2.201 198.51.100.202 : PSK "DataCenter-Link-7781"\n')
    log = Log("pluto")
    c = '"dc1-dc2"'

    def up(s, mm, qm):
        for off, l in [(0.0, '%s #%d: initiating Main Mode' % (c, mm)),
                       (0.001, '%s #%d: STATE_MAIN_I1: sent MI1, expecting MR1' % (c, mm)),
                       (0.04, '%s #%d: STATE_MAIN_I2: sent MI2, expecting MR2' % (c, mm)),
                       (0.09, '%s #%d: STATE_MAIN_I3: sent MI3, expecting MR3' % (c, mm)),
                       (0.12, '%s #%d: Main mode peer ID is ID_IPV4_ADDR: \'198.51.100.202\'' % (c, mm)),
                       (0.12, '%s #%d: STATE_MAIN_I4: ISAKMP SA established {auth=PRESHARED_KEY cipher=aes_256 integ=sha2_256 group=MODP2048}' % (c, mm)),
                       (0.13, '%s #%d: initiating Quick Mode PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV1_ALLOW+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO {using isakmp#%d msgid:%08x proposal=AES_CBC_256-HMAC_SHA2_256_128 pfsgroup=MODP2048}' % (c, qm, mm, 0x51c00000 + qm)),
                       (0.19, '%s #%d: STATE_QUICK_I2: sent QI2, IPsec SA established tunnel mode {ESP=>%s <%s xfrm=AES_CBC_256-HMAC_SHA2_256_128 NATOA=none NATD=none DPD=active}' % (c, qm, spi("dpd", str(qm), "o"), spi("dpd", str(qm), "i")))]:
            log.add(s + timedelta(seconds=off), l)

    up(T("2024-03-03 22:00:04"), 1, 2)
    dead = T("2024-03-04 03:17:45")
    log.add(dead, '%s #1: DPD: No response from peer - declaring peer dead' % c)
    log.add(dead + timedelta(microseconds=300), '%s #1: DPD: Restarting all connections that share this peer' % c)
    log.add(dead + timedelta(microseconds=500), '%s #2: deleting state (STATE_QUICK_I2) and sending notification' % c)
    log.add(dead + timedelta(microseconds=900), '%s #1: deleting state (STATE_MAIN_I4) and sending notification' % c)
    serial = 3
    for k in range(3):
        s = dead + timedelta(seconds=1 + k * 61)
        log.add(s, '%s #%d: initiating Main Mode' % (c, serial))
        log.add(s + timedelta(microseconds=800), '%s #%d: STATE_MAIN_I1: sent MI1, expecting MR1' % (c, serial))
        log.add(s + timedelta(seconds=0.5), '%s #%d: STATE_MAIN_I1: retransmission; will wait 1 seconds for response' % (c, serial))
        log.add(s + timedelta(seconds=60), '%s #%d: max number of retransmissions (8) reached STATE_MAIN_I1.  No response (or no acceptable response) to our first IKEv1 message' % (c, serial))
        log.add(s + timedelta(seconds=60, microseconds=200), '%s #%d: starting keying attempt %d of an unlimited number, but releasing whack' % (c, serial, k + 2))
        serial += 1
    up(T("2024-03-04 03:21:07"), serial, serial + 1)
    h.file("/var/log/pluto.log", log.text())
    states = ['#6: "dc1-dc2":500 STATE_MAIN_I4 (ISAKMP SA established); EVENT_SA_REPLACE in 2611s; newest ISAKMP; lastdpd=3s(seq in:0 out:0); idle; import:admin initiate',
              '#7: "dc1-dc2":500 STATE_QUICK_I2 (sent QI2, IPsec SA established); EVENT_SA_REPLACE in 25011s; newest IPSEC; eroute owner; isakmp#6; idle; import:admin initiate',
              '#7: "dc1-dc2" esp.%s@198.51.100.202 esp.%s@192.0.2.201 tun.0@198.51.100.202 tun.0@192.0.2.201 ref=0 refhim=0 Traffic: ESPin=88MB ESPout=91MB! ESPmax=4194303B ' % (spi("dpd", "7", "o")[2:], spi("dpd", "7", "i")[2:])]
    h.cmd("ipsec", "whack --status", libreswan_status("3.23", [("eth0/eth0", "192.0.2.201")],
          [("dc1-dc2", "10.201.0.0/16===192.0.2.201", "198.51.100.202===10.202.0.0/16", "PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV1_ALLOW+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO", {"isakmp": "6", "ipsec": "7", "owner": "7"})], states))
    h.cmd("ipsec", "whack --trafficstatus", '006 #7: "dc1-dc2", type=ESP, add_time=1709522467, inBytes=92274688, outBytes=95420416, id=\'198.51.100.202\'\n')
    h.cmd("ipsec", "--version", "Linux Libreswan 3.23 (netkey) on 3.10.0-862.el7.x86_64\n")
    h.cmd("ip", "-s xfrm state", xfrm_state([
        ("198.51.100.202", "192.0.2.201", spi("dpd", "7", "i"), 16389, "tunnel", "cbc(aes)", key("dpd", "ie", n=64), "hmac(sha256)", key("dpd", "ia", n=64), 92274688, 71211),
        ("192.0.2.201", "198.51.100.202", spi("dpd", "7", "o"), 16389, "tunnel", "cbc(aes)", key("dpd", "oe", n=64), "hmac(sha256)", key("dpd", "oa", n=64), 95420416, 73001)]))
    h.cmd("ip", "xfrm policy", xfrm_policy([("10.201.0.0/16", "10.202.0.0/16", "out", "192.0.2.201", "198.51.100.202", 16389),
                                            ("10.202.0.0/16", "10.201.0.0/16", "fwd", "198.51.100.202", "192.0.2.201", 16389),
                                            ("10.202.0.0/16", "10.201.0.0/16", "in", "198.51.100.202", "192.0.2.201", 16389)]))
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    base_linux(h, [("eth0", 1500, "192.0.2.201/24"), ("eth1", 9000, "10.201.0.1/16")],
               [(1480, 1, "root", "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork")],
               ['udp   UNCONN 0      0           192.0.2.201:500         0.0.0.0:*     users:(("pluto",pid=1480,fd=17))'],
               "default via 192.0.2.1 dev eth0\n10.201.0.0/16 dev eth1 proto kernel scope link src 10.201.0.1\n10.202.0.0/16 via 192.0.2.1 dev eth0 src 10.201.0.1\n")
    h.file("/proc/net/xfrm_stat", XFRM_STAT)
    h.file("/proc/modules", PROC_MODULES)
    return h


# ===========================================================================
# Libreswan 3.29: NAT between the sites, but the connection forbids UDP
# encapsulation (encapsulation=no): IKE works, ESP is lost in the NAT
# ===========================================================================

def lsw_natoff():
    h = Host("lsw-natoff", "plant-gw", CENTOS7, "3.10.0-1127.el7.x86_64")
    h.file("/etc/ipsec.conf", "config setup\n\tprotostack=netkey\n\tplutodebug=control\n\tlogfile=/var/log/pluto.log\n\ninclude /etc/ipsec.d/*.conf\n")
    h.file("/etc/ipsec.d/plant-office.conf", """conn plant-office
	left=192.168.50.2
	leftid=@plant
	leftsubnet=10.50.0.0/24
	right=203.0.113.12
	rightid=@office
	rightsubnet=10.12.0.0/24
	authby=secret
	ikev2=no
	encapsulation=no
	auto=start
""")
    h.file("/etc/ipsec.d/plant.secrets", '@plant @office : PSK "PlantFloor-Office-2024"\n')
    log = Log("pluto")
    c = '"plant-office"'
    s = T("2024-03-04 07:30:00")
    for off, l in [(0.0, '%s #1: initiating Main Mode' % c),
                   (0.001, '%s #1: STATE_MAIN_I1: sent MI1, expecting MR1' % c),
                   (0.05, '| NAT-Traversal: Result using RFC 3947 (NAT-Traversal) sender port 500: I am behind NAT'),
                   (0.05, '%s #1: STATE_MAIN_I2: sent MI2, expecting MR2' % c),
                   (0.09, '%s #1: STATE_MAIN_I3: sent MI3, expecting MR3' % c),
                   (0.12, '%s #1: Main mode peer ID is ID_FQDN: \'@office\'' % c),
                   (0.12, '%s #1: STATE_MAIN_I4: ISAKMP SA established {auth=PRESHARED_KEY cipher=aes_256 integ=sha2_256 group=MODP2048}' % c),
                   (0.13, '%s #2: initiating Quick Mode PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV1_ALLOW+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO {using isakmp#1 msgid:7f01a2c3 proposal=AES_CBC_256-HMAC_SHA2_256_128 pfsgroup=MODP2048}' % c),
                   (0.19, '%s #2: STATE_QUICK_I2: sent QI2, IPsec SA established tunnel mode {ESP=>%s <%s xfrm=AES_CBC_256-HMAC_SHA2_256_128 NATOA=none NATD=none DPD=passive}' % (c, spi("nat", "o"), spi("nat", "i")))]:
        log.add(s + timedelta(seconds=off), l)
    h.file("/var/log/pluto.log", log.text())
    h.cmd("ipsec", "whack --status", libreswan_status("3.29", [("eth0/eth0", "192.168.50.2")],
          [("plant-office", "10.50.0.0/24===192.168.50.2[@plant]", "203.0.113.12[@office]===10.12.0.0/24", "PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV1_ALLOW+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO", {"isakmp": "1", "ipsec": "2", "owner": "2"})],
          ['#2: "plant-office":500 STATE_QUICK_I2 (sent QI2, IPsec SA established); EVENT_SA_REPLACE in 27411s; newest IPSEC; eroute owner; isakmp#1; idle;',
           '#1: "plant-office":500 STATE_MAIN_I4 (ISAKMP SA established); EVENT_SA_REPLACE in 2711s; newest ISAKMP; lastdpd=-1s(seq in:0 out:0); idle;']))
    h.cmd("ipsec", "whack --trafficstatus", '006 #2: "plant-office", type=ESP, add_time=1709537400, inBytes=0, outBytes=418880, id=\'@office\'\n')
    h.cmd("ipsec", "--version", "Linux Libreswan 3.29 (netkey) on 3.10.0-1127.el7.x86_64\n")
    h.cmd("ip", "-s xfrm state", xfrm_state([
        ("203.0.113.12", "192.168.50.2", spi("nat", "i"), 16393, "tunnel", "cbc(aes)", key("nat", "ie", n=64), "hmac(sha256)", key("nat", "ia", n=64), 0, 0),
        ("192.168.50.2", "203.0.113.12", spi("nat", "o"), 16393, "tunnel", "cbc(aes)", key("nat", "oe", n=64), "hmac(sha256)", key("nat", "oa", n=64), 418880, 4363)]))
    h.cmd("ip", "xfrm policy", xfrm_policy([("10.50.0.0/24", "10.12.0.0/24", "out", "192.168.50.2", "203.0.113.12", 16393)]))
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    base_linux(h, [("eth0", 1500, "192.168.50.2/24"), ("eth1", 1500, "10.50.0.1/24")],
               [(1190, 1, "root", "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork")],
               ['udp   UNCONN 0      0          192.168.50.2:500         0.0.0.0:*     users:(("pluto",pid=1190,fd=17))',
                'udp   UNCONN 0      0          192.168.50.2:4500        0.0.0.0:*     users:(("pluto",pid=1190,fd=18))'],
               "default via 192.168.50.1 dev eth0\n")
    return h


# ===========================================================================
# Libreswan 3.29: both gateways start Main Mode at the same moment. The
# peer answers with its own negotiation (#2, #3: the tunnel comes up) and
# ignores ours (#1), which retransmits and times out after the tunnel is
# up: a leftover, not a failure.
# ===========================================================================

def lsw_crossed():
    h = Host("lsw-crossed", "dc1-gw", CENTOS7, "3.10.0-1160.el7.x86_64")
    h.file("/etc/ipsec.conf", "config setup\n\tprotostack=netkey\n\tlogfile=/var/log/pluto.log\n\ninclude /etc/ipsec.d/*.conf\n")
    h.file("/etc/ipsec.d/dc1-dc3.conf", """conn dc1-dc3
	left=198.51.100.40
	leftid=@dc1
	leftsubnet=10.40.0.0/16
	right=203.0.113.60
	rightid=@dc3
	rightsubnet=10.60.0.0/16
	authby=secret
	ikev2=no
	auto=start
""")
    h.file("/etc/ipsec.d/dc1.secrets", '@dc1 @dc3 : PSK "Dc1-Dc3-crossed-2024"\n')
    log = Log("pluto")
    c = '"dc1-dc3"'
    s = T("2024-03-04 07:45:00")
    steps = [(0.0, '%s #1: initiating Main Mode' % c),
             (0.001, '%s #1: STATE_MAIN_I1: sent MI1, expecting MR1' % c),
             (0.02, '%s #2: responding to Main Mode' % c),
             (0.021, '%s #2: STATE_MAIN_R1: sent MR1, expecting MI2' % c),
             (0.06, '%s #2: STATE_MAIN_R2: sent MR2, expecting MI3' % c),
             (0.1, '%s #2: Main mode peer ID is ID_FQDN: \'@dc3\'' % c),
             (0.1, '%s #2: STATE_MAIN_R3: sent MR3, ISAKMP SA established {auth=PRESHARED_KEY cipher=aes_256 integ=sha2_256 group=MODP2048}' % c),
             (0.15, '%s #3: responding to Quick Mode proposal {msgid:5c0ffee1}' % c),
             (0.151, '%s #3: STATE_QUICK_R1: sent QR1, inbound IPsec SA installed, expecting QI2' % c),
             (0.2, '%s #3: STATE_QUICK_R2: IPsec SA established tunnel mode {ESP=>%s <%s xfrm=AES_CBC_256-HMAC_SHA2_256_128 NATOA=none NATD=none DPD=passive}' % (c, spi("crossed", "o"), spi("crossed", "i")))]
    wait = 0.5
    t = 0.5
    while t < 60:
        steps.append((t, '%s #1: STATE_MAIN_I1: retransmission; will wait %g seconds for response' % (c, wait)))
        t += wait
        wait = min(wait * 2, 32)
    steps.append((60.0, '%s #1: STATE_MAIN_I1: 60 second timeout exceeded after 7 retransmits.  No response (or no acceptable response) to our first IKEv1 message' % c))
    steps.append((60.0, '%s #1: deleting state (STATE_MAIN_I1) and NOT sending notification' % c))
    for off, l in steps:
        log.add(s + timedelta(seconds=off), l)
    h.file("/var/log/pluto.log", log.text())
    h.cmd("ipsec", "whack --status", libreswan_status("3.29", [("eth0/eth0", "198.51.100.40")],
          [("dc1-dc3", "10.40.0.0/16===198.51.100.40[@dc1]", "203.0.113.60[@dc3]===10.60.0.0/16", "PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV1_ALLOW+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO", {"isakmp": "2", "ipsec": "3", "owner": "3"})],
          ['#3: "dc1-dc3":500 STATE_QUICK_R2 (IPsec SA established); EVENT_SA_REPLACE in 27811s; newest IPSEC; eroute owner; isakmp#2; idle;',
           '#2: "dc1-dc3":500 STATE_MAIN_R3 (sent MR3, ISAKMP SA established); EVENT_SA_REPLACE in 2811s; newest ISAKMP; lastdpd=-1s(seq in:0 out:0); idle;']))
    h.cmd("ipsec", "whack --trafficstatus", '006 #3: "dc1-dc3", type=ESP, add_time=1709534700, inBytes=2811904, outBytes=1904512, id=\'@dc3\'\n')
    h.cmd("ipsec", "--version", "Linux Libreswan 3.29 (netkey) on 3.10.0-1160.el7.x86_64\n")
    h.cmd("ip", "-s xfrm state", xfrm_state([
        ("203.0.113.60", "198.51.100.40", spi("crossed", "i"), 16417, "tunnel", "cbc(aes)", key("crossed", "ie", n=64), "hmac(sha256)", key("crossed", "ia", n=64), 2811904, 2977),
        ("198.51.100.40", "203.0.113.60", spi("crossed", "o"), 16417, "tunnel", "cbc(aes)", key("crossed", "oe", n=64), "hmac(sha256)", key("crossed", "oa", n=64), 1904512, 2311)]))
    h.cmd("ip", "xfrm policy", xfrm_policy([("10.40.0.0/16", "10.60.0.0/16", "out", "198.51.100.40", "203.0.113.60", 16417)]))
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    base_linux(h, [("eth0", 1500, "198.51.100.40/24"), ("eth1", 1500, "10.40.0.1/16")],
               [(1212, 1, "root", "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork")],
               ['udp   UNCONN 0      0          198.51.100.40:500         0.0.0.0:*     users:(("pluto",pid=1212,fd=17))',
                'udp   UNCONN 0      0          198.51.100.40:4500        0.0.0.0:*     users:(("pluto",pid=1212,fd=18))'],
               "default via 198.51.100.1 dev eth0\n")
    return h


# ===========================================================================
# Libreswan 4.10 in a minimal VM: the kernel has no ESP, and an IKEv1
# connection is refused by the global ikev1-policy
# ===========================================================================

def lsw_kernel():
    h = Host("lsw-kernel", "edge-vm7", DEBIAN12, "6.6.12-minimal")
    h.file("/etc/ipsec.conf", """config setup
	logfile=/var/log/pluto.log

conn edge-core
	left=192.0.2.70
	right=198.51.100.71
	authby=secret
	ikev2=insist
	auto=add

conn edge-legacy
	left=192.0.2.70
	right=198.51.100.99
	authby=secret
	ikev2=no
	auto=add
""")
    h.file("/etc/ipsec.secrets", '192.0.2.70 198.51.100.71 : PSK "Edge-Core-Shared-99"\n192.0.2.70 198.51.100.99 : PSK "Legacy-Box-Shared-11"\n')
    log = Log("pluto")
    t = T("2024-03-04 09:00:00")
    for l in ["Starting Pluto (Libreswan Version 4.10 IKEv2 IKEv1 XFRM XFRMI esp-hw-offload FORK PTHREAD_SETSCHEDPRIO NSS (IPsec profile) (NSS-KDF) DNSSEC SYSTEMD_WATCHDOG LABELED_IPSEC (SELINUX) LIBCAP_NG LINUX_AUDIT AUTH_PAM NETWORKMANAGER CURL(non-NSS) LDAP(non-NSS)) pid:318",
              "NAT-Traversal support  [enabled]",
              '"edge-core": added IKEv2 connection',
              '"edge-legacy": failed to add IKEv1 connection: global ikev1-policy does not allow IKEv1 connections',
              "listening for IKE messages", "adding UDP interface eth0 192.0.2.70:500", "adding UDP interface eth0 192.0.2.70:4500",
              'loading secrets from "/etc/ipsec.secrets"']:
        log.add(t, l)
        t += timedelta(microseconds=12004)
    c = '"edge-core"'
    s = T("2024-03-04 09:14:31")
    for off, l in [(0.0, '%s #1: proposal 1:IKE=AES_GCM_C_256-HMAC_SHA2_512-MODP2048 chosen from remote proposals 1:IKE:ENCR=AES_GCM_C_256;PRF=HMAC_SHA2_512;PRF=HMAC_SHA2_256;DH=MODP2048[first-match]' % c),
                   (0.003, '%s #1: sent IKE_SA_INIT reply {cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 group=MODP2048}' % c),
                   (0.041, '%s #1: processing decrypted IKE_AUTH request: SK{IDi,AUTH,SA,TSi,TSr}' % c),
                   (0.042, '%s #1: responder established IKE SA; authenticated peer using authby=secret and ID_IPV4_ADDR \'198.51.100.71\'' % c),
                   (0.043, '%s #2: proposal 1:ESP=AES_GCM_C_256-ENABLED SPI=c1a02f77 chosen from remote proposals 1:ESP:ENCR=AES_GCM_C_256;ESN=ENABLED;ESN=DISABLED[first-match]' % c),
                   (0.044, 'ERROR: %s #2: netlink response for Add SA esp.c1a02f77@198.51.100.71: Protocol not supported (errno 93)' % c),
                   (0.044, '%s #2: setup_half_ipsec_sa() hit fail:' % c)]:
        log.add(s + timedelta(seconds=off), l)
    h.file("/var/log/pluto.log", log.text())
    h.cmd("ipsec", "whack --status", libreswan_status("4.10", [("eth0", "192.0.2.70")],
          [("edge-core", "192.0.2.70", "198.51.100.71", "IKEv2+PSK+ENCRYPT+TUNNEL+PFS+IKE_FRAG_ALLOW+ESN_NO+ESN_YES", {"routing": "unrouted", "isakmp": "1"})],
          ['#1: "edge-core":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in 28312s; REPLACE in 28792s; newest; idle;']))
    h.cmd("ipsec", "--version", "Libreswan 4.10\n")
    h.cmd("ip", "-s xfrm state", "")
    h.cmd("ip", "xfrm policy", "")
    h.cmd("iptables-save", "-c", IPTABLES_EMPTY)
    base_linux(h, [("eth0", 1500, "192.0.2.70/24")],
               [(318, 1, "root", "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork")],
               ['udp   UNCONN 0      0            192.0.2.70:500         0.0.0.0:*     users:(("pluto",pid=318,fd=17))'],
               "default via 192.0.2.1 dev eth0\n")
    h.file("/proc/modules", "xfrm_user 53248 1 - Live 0x0000000000000000\nxfrm_algo 16384 1 xfrm_user, Live 0x0000000000000000\n")
    return h


# ===========================================================================
# Libreswan 5.1 on AlmaLinux 9 (journal only): a healthy IKEv2 site-to-site
# ===========================================================================

def lsw5_ok():
    h = Host("lsw5-ok", "site-a-gw", ALMA9, "5.14.0-427.13.1.el9_4.x86_64")
    h.file("/etc/ipsec.conf", "config setup\n\tlogfile=\n\ninclude /etc/ipsec.d/*.conf\n")
    h.file("/etc/ipsec.d/site-a-b.conf", """conn site-a-b
	left=192.0.2.4
	leftid=@site-a
	leftsubnet=10.1.0.0/24
	right=198.51.100.5
	rightid=@site-b
	rightsubnet=10.2.0.0/24
	authby=secret
	ike=aes_gcm256-sha2_512;dh19
	esp=aes_gcm256
	auto=start
""")
    h.file("/etc/ipsec.d/site-a-b.secrets", '@site-a @site-b : PSK "site-a-to-b-Xq71pl0"\n: PPK "site-ppk" "PostQuantum-extra-key"\n')
    log = Log("journal")
    c = '"site-a-b"'
    s = T("2024-03-04 06:00:11")
    lines = [(0.0, 'Starting Pluto (Libreswan Version 5.1 IKEv2 IKEv1 XFRM XFRMI esp-hw-offload FORK PTHREAD_SETSCHEDPRIO GLIBC_KEYRING NSS (IPsec profile) (NSS-KDF) DNSSEC SYSTEMD_WATCHDOG LABELED_IPSEC (SELINUX) SECCOMP LIBCAP_NG LINUX_AUDIT AUTH_PAM NETWORKMANAGER CURL(non-NSS) LDAP(non-NSS)) pid:1022'),
             (0.2, '%s: added IKEv2 connection' % c)]
    serial = 1
    for k, at in enumerate([0.5, 28011.3]):
        ike, child = serial, serial + 1
        if k == 0:
            lines += [(at, '%s #%d: initiating IKEv2 connection to 198.51.100.5 using UDP' % (c, ike)),
                      (at + 0.002, '%s #%d: sent IKE_SA_INIT request to 198.51.100.5:UDP/500' % (c, ike)),
                      (at + 0.031, '%s #%d: processed IKE_SA_INIT response from 198.51.100.5:UDP/500 {cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH19}, initiating IKE_AUTH' % (c, ike)),
                      (at + 0.033, '%s #%d: sent IKE_AUTH request to 198.51.100.5:UDP/500 with shared-key-mac and FQDN \'@site-a\'; Child SA #%d {ESP <%s}' % (c, ike, child, spi("l5", "i", str(child)))),
                      (at + 0.061, '%s #%d: processing IKE_AUTH response from 198.51.100.5:UDP/500 containing SK{IDr,AUTH,SA,TSi,TSr}' % (c, ike)),
                      (at + 0.062, '%s #%d: initiator established IKE SA; authenticated peer using authby=secret and FQDN \'@site-b\'' % (c, ike)),
                      (at + 0.064, '%s #%d: initiator established Child SA using #%d; IPsec tunnel [10.1.0.0/24===10.2.0.0/24] {ESP/ESN=>%s <%s xfrm=AES_GCM_16_256-NONE DPD=passive}' % (c, child, ike, spi("l5", "o", str(child)), spi("l5", "i", str(child))))]
        else:
            lines += [(at, '%s #%d: initiating rekey to replace Child SA #2 using IKE SA #1' % (c, child + 1)),
                      (at + 0.021, '%s #%d: sent CREATE_CHILD_SA request to rekey Child SA #2 using IKE SA #1 {ESP <%s}' % (c, child + 1, spi("l5", "i", "4"))),
                      (at + 0.049, '%s #%d: initiator rekeyed Child SA #2 using #1; IPsec tunnel [10.1.0.0/24===10.2.0.0/24] {ESP/ESN=>%s <%s xfrm=AES_GCM_16_256-NONE DPD=passive}' % (c, child + 1, spi("l5", "o", "4"), spi("l5", "i", "4"))),
                      (at + 0.051, '%s #2: ESP traffic information: in=1GB out=2GB' % c)]
        serial += 2
    for off, l in lines:
        log.add(s + timedelta(seconds=off), l, host="site-a-gw", pid=1022)
    h.cmd("journalctl", "--no-pager -o short-precise --since -7d -t pluto -t ipsec -t ipsec_setup -t ipsec__plutorun", log.text())
    h.cmd("ipsec", "whack --status", "\n".join([
        "using kernel interface: xfrm", "interface eth0 UDP 192.0.2.4:4500", "interface eth0 UDP 192.0.2.4:500", "",
        "Connection list:", "",
        '"site-a-b": 10.1.0.0/24===192.0.2.4[@site-a]...198.51.100.5[@site-b]===10.2.0.0/24; routed-tunnel; my_ip=unset; their_ip=unset;',
        '"site-a-b":   host: oriented; local: 192.0.2.4; remote: 198.51.100.5;',
        '"site-a-b":   our auth:secret, their auth:secret, our autheap:none, their autheap:none;',
        '"site-a-b":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;',
        "", "Total IPsec connections: loaded 1, routed 1, active 1", "",
        "State Information: DDoS cookies not required, Accepting new IKE connections",
        "IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)",
        "IPsec SAs: total(1), authenticated(1), anonymous(0)", "",
        '#1: "site-a-b":500 ESTABLISHED_IKE_SA (established IKE SA); REKEY in 21311s; REPLACE in 28692s; newest; idle;',
        '#4: "site-a-b":500 ESTABLISHED_CHILD_SA (established Child SA); REKEY in 27111s; REPLACE in 28692s; newest; eroute owner; IKE SA #1; idle;',
        '#4: "site-a-b" esp.%s@198.51.100.5 esp.%s@192.0.2.4 tun.0@198.51.100.5 tun.0@192.0.2.4 Traffic: ESPin=1GB ESPout=2GB ESPmax=2^63B ' % (spi("l5", "o", "4")[2:], spi("l5", "i", "4")[2:]),
        ""]) + "\n")
    h.cmd("ipsec", "whack --trafficstatus", '#4: "site-a-b", type=ESP, add_time=1709532011, inBytes=1073741824, outBytes=2147483648, maxBytes=2^63B, id=\'@site-b\'\n')
    h.cmd("ipsec", "--version", "Libreswan 5.1\n")
    h.cmd("ip", "-s xfrm state", xfrm_state([
        ("198.51.100.5", "192.0.2.4", spi("l5", "i", "4"), 16397, "tunnel", "rfc4106(gcm(aes))", key("l5", "ie", n=72), "digest_null", "0x", 1073741824, 812211),
        ("192.0.2.4", "198.51.100.5", spi("l5", "o", "4"), 16397, "tunnel", "rfc4106(gcm(aes))", key("l5", "oe", n=72), "digest_null", "0x", 2147483648, 1612002)]).replace("\tauth-trunc digest_null 0x 96\n\tenc rfc4106(gcm(aes))", "\taead rfc4106(gcm(aes))").replace("\n\tanti-replay", " 128\n\tanti-replay"))
    h.cmd("ip", "xfrm policy", xfrm_policy([("10.1.0.0/24", "10.2.0.0/24", "out", "192.0.2.4", "198.51.100.5", 16397),
                                            ("10.2.0.0/24", "10.1.0.0/24", "fwd", "198.51.100.5", "192.0.2.4", 16397),
                                            ("10.2.0.0/24", "10.1.0.0/24", "in", "198.51.100.5", "192.0.2.4", 16397)]))
    h.cmd("nft", "list ruleset", """table inet firewalld {
	chain filter_INPUT {
		type filter hook input priority filter + 10; policy accept;
		ct state { established, related } accept
		iifname "lo" accept
		udp dport { 500, 4500 } counter packets 41220 bytes 9921100 accept
		meta l4proto esp counter packets 812211 bytes 1073741824 accept
		jump filter_INPUT_ZONES
		reject with icmpx admin-prohibited
	}
}
""")
    base_linux(h, [("eth0", 1500, "192.0.2.4/24"), ("eth1", 1500, "10.1.0.1/24")],
               [(1022, 1, "root", "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork")],
               ['udp   UNCONN 0      0             192.0.2.4:500         0.0.0.0:*     users:(("pluto",pid=1022,fd=17))',
                'udp   UNCONN 0      0             192.0.2.4:4500        0.0.0.0:*     users:(("pluto",pid=1022,fd=18))'],
               "default via 192.0.2.1 dev eth0 proto static metric 100\n10.1.0.0/24 dev eth1 proto kernel scope link src 10.1.0.1\n10.2.0.0/24 via 192.0.2.1 dev eth0 table 220 proto static src 10.1.0.1\n")
    h.file("/proc/net/xfrm_stat", XFRM_STAT)
    h.file("/proc/modules", PROC_MODULES)
    return h


# ===========================================================================
# Raw customer uploads (no bundle)
# ===========================================================================

def raw_uploads():
    if os.path.isdir(RAW):
        shutil.rmtree(RAW)
    # The IPCop web interface's IPSec log page, copied into a text file:
    # one day, time of day only, newest line first (read bottom to top).
    c1, c2 = "\u201cfiliale\u201d", "\u201cfiliale\u201d"
    lines = []
    t0 = T("2024-03-04 22:49:46")
    mm, qm = 812, 813
    ex = [(0, "%s #%d: responding to Main Mode" % (c1, mm)),
          (0, "%s #%d: transition from state (null) to state STATE_MAIN_R1" % (c1, mm)),
          (0, "%s #%d: NAT-Traversal: Result using draft-ietf-ipsec-nat-t-ike-02/03: no NAT detected" % (c1, mm)),
          (0, "%s #%d: transition from state STATE_MAIN_R1 to state STATE_MAIN_R2" % (c1, mm)),
          (0, "%s #%d: Main mode peer ID is ID_IPV4_ADDR: '198.51.100.30'" % (c1, mm)),
          (0, "%s #%d: transition from state STATE_MAIN_R2 to state STATE_MAIN_R3" % (c1, mm)),
          (0, "%s #%d: sent MR3, ISAKMP SA established" % (c1, mm)),
          (1, "%s #%d: responding to Quick Mode" % (c2, qm)),
          (1, "%s #%d: transition from state (null) to state STATE_QUICK_R1" % (c2, qm)),
          (1, "%s #%d: transition from state STATE_QUICK_R1 to state STATE_QUICK_R2" % (c2, qm)),
          (1, "%s #%d: IPsec SA established" % (c2, qm))]
    for off, l in ex:
        lines.append((t0 + timedelta(seconds=off), "pluto[611] " + l))
    lines.append((T("2024-03-04 21:51:02"), "pluto[611] \"filiale\" #810: received Delete SA payload: deleting ISAKMP State #808"))
    lines.sort(key=lambda x: x[0])   # time order (stable), then newest first
    out = ["%s %s" % (t.strftime("%H:%M:%S"), l) for t, l in lines]
    write(os.path.join(RAW, "ipcop-page", "ipcop-ipsec-log.txt"), "\n".join(reversed(out)) + "\n")
    # A pasted `ipsec auto --up` (Openswan 2.6): the peer never answers.
    write(os.path.join(RAW, "whack-paste", "ipsec-auto-up.txt"), """104 "lab-rtr" #3: STATE_MAIN_I1: initiate
010 "lab-rtr" #3: STATE_MAIN_I1: retransmission; will wait 20s for response
010 "lab-rtr" #3: STATE_MAIN_I1: retransmission; will wait 40s for response
031 "lab-rtr" #3: max number of retransmissions (2) reached STATE_MAIN_I1.  No response (or no acceptable response) to our first IKE message
000 "lab-rtr" #3: starting keying attempt 2 of at most 3, but releasing whack
""")


def main():
    hosts = [ipcop_host("ipcop-ok", "ipcop", "ok"), ipcop_host("ipcop-pskfail", "ipcop", "pskfail"),
             lsw_noresp(), lsw_fwpeer(), lsw_down(), osw_proposal("hq"), osw_proposal("shop"),
             lsw_idmismatch(), osw_roadwarrior(), lsw_dpd(), lsw_natoff(), lsw_crossed(), lsw_kernel(), lsw5_ok()]
    for h in hosts:
        h.write()
    raw_uploads()


if __name__ == "__main__":
    main()
