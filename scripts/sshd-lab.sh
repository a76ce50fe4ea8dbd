#!/bin/sh
# Runs the real OpenSSH sshd on 127.0.0.1 with a private configuration and
# host key, fails logins at it (sshpass with wrong passwords, an unknown
# user), logs in once with a key, starts a second sshd on the same port
# (bind failure), and writes what a customer would send to OUT:
#   OUT/auth.log    sshd's own log lines, each prefixed "Mmm dd HH:MM:SS
#                   HOST sshd[PID]: " as rsyslog writes them (sshd -e
#                   writes no time; the prefix is the time each line came)
#   OUT/sshd-t.txt  sshd -T (the effective configuration)
# Usage: scripts/sshd-lab.sh OUT [FAILS]   (root; needs sshd, ssh, sshpass)
set -eu
out=$1
fails=${2:-8}
command -v sshpass >/dev/null && [ -x /usr/sbin/sshd ] || { echo "sshd-lab: needs /usr/sbin/sshd, ssh and sshpass" >&2; exit 3; }
lab=$(mktemp -d)
trap 'kill $(cat "$lab/sshd.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$lab"' EXIT
mkdir -p "$out" /run/sshd
# a free port on the loopback
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 22022)
ssh-keygen -q -t ed25519 -N '' -f "$lab/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$lab/userkey"
cp "$lab/userkey.pub" "$lab/authorized_keys"
cat > "$lab/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $lab/hostkey
PidFile $lab/sshd.pid
AuthorizedKeysFile $lab/authorized_keys
StrictModes no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin yes
MaxAuthTries 10
UsePAM no
LogLevel INFO
CONF
stamp() { # prefix each line as rsyslog does
	while IFS= read -r line; do
		printf '%s labhost sshd[%s]: %s\n' "$(LC_ALL=C date '+%b %e %H:%M:%S')" "$1" "$line"
	done
}
/usr/sbin/sshd -T -f "$lab/sshd_config" > "$out/sshd-t.txt"
: > "$out/auth.log"
( /usr/sbin/sshd -D -e -f "$lab/sshd_config" 2>&1 & echo $! > "$lab/main.pid"; wait ) | stamp 4242 >> "$out/auth.log" &
sleep 1
opts="-p $port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5"
i=0
while [ $i -lt "$fails" ]; do
	sshpass -p "wrong$i" ssh $opts -o PreferredAuthentications=password -o PubkeyAuthentication=no \
		-o NumberOfPasswordPrompts=1 root@127.0.0.1 true 2>/dev/null || true
	i=$((i + 1))
done
sshpass -p x ssh $opts -o PreferredAuthentications=password -o PubkeyAuthentication=no \
	-o NumberOfPasswordPrompts=1 nosuchuser@127.0.0.1 true 2>/dev/null || true
ssh $opts -i "$lab/userkey" -o BatchMode=yes root@127.0.0.1 true
# a second server on the same address and port cannot bind
/usr/sbin/sshd -D -e -f "$lab/sshd_config" -o PidFile="$lab/second.pid" 2>&1 | stamp 4343 >> "$out/auth.log" || true
sleep 0.5
kill "$(cat "$lab/main.pid")"
sleep 0.5
