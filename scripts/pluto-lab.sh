#!/bin/bash
# pluto-lab.sh: run two real Libreswan pluto daemons in two network
# namespaces joined by a veth pair, let one side initiate a connection, and
# keep what a support engineer would collect from each side.
#
#   scripts/pluto-lab.sh SCENARIO OUTDIR [ID]
#
# Scenarios (IKE version after the dash):
#   up-v1 up-v2              matching settings on both sides
#   psk-v1 psk-v2            the responder holds a different pre-shared key
#   proposal-v1              IKEv1: the Quick Mode (ESP) proposals do not overlap
#   proposal-v2              IKEv2: the IKE proposals do not overlap
#   udp500-v1 udp500-v2      the responder's firewall drops UDP 500/4500 from the initiator
#   xauth-v1                 IKEv1 with XAUTH: the initiator gives the wrong password
#                            (the responder checks its passwd file, xauthby=file)
#
# Needs root, iproute2 (ip netns), iptables and Debian's libreswan package
# (/usr/libexec/ipsec/pluto, ipsec whack, ipsec initnss). Nothing touches
# the host's /etc/ipsec.*: each side gets its own configuration, secrets,
# NSS database and run directory under OUTDIR via pluto's --config,
# --secretsfile, --ipsecdir, --nssdir and --rundir, and logs to its own
# file (--logfile). The addresses (192.0.2.1 and 192.0.2.2, TEST-NET-1)
# exist only inside the two namespaces. The namespaces, the veth pair and
# both daemons are removed on exit, also on failure or interruption.
#
# OUTDIR/left and OUTDIR/right then hold, per side:
#   ipsec.conf ipsec.secrets pluto.log whack.txt (initiator only)
#   status.txt (ipsec whack --status) trafficstatus.txt
#   xfrm-state.txt xfrm-policy.txt ip-route.txt ip-addr.txt ip-link.txt
#   iptables-save.txt nft.txt ss.txt ps.txt uname.txt
# and OUTDIR/result.txt one line: the scenario and the initiator's whack exit code.
set -u

scenario=${1:?usage: pluto-lab.sh SCENARIO OUTDIR [ID]}
out=${2:?usage: pluto-lab.sh SCENARIO OUTDIR [ID]}
id=${3:-$$}
id=${id:0:8}

PLUTO=${PLUTO:-/usr/libexec/ipsec/pluto}
IPSEC=${IPSEC:-ipsec}
CONN=hq-branch
LEFT_IP=192.0.2.1
RIGHT_IP=192.0.2.2
NS_L=cfl-$id-l
NS_R=cfl-$id-r
VETH_L=cfl${id}l
VETH_R=cfl${id}r

die() { echo "pluto-lab: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XFRM)"
[ -x "$PLUTO" ] || die "no pluto at $PLUTO (Debian package libreswan)"
command -v ip >/dev/null || die "no ip(8)"

pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS_L" 2>/dev/null
	ip netns del "$NS_R" 2>/dev/null
	ip link del "$VETH_L" 2>/dev/null
	true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case $scenario in
up-v1|psk-v1|proposal-v1|udp500-v1|xauth-v1) ikever=1 ;;
up-v2|psk-v2|proposal-v2|udp500-v2) ikever=2 ;;
*) die "unknown scenario $scenario" ;;
esac

mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
rm -rf "$out/left" "$out/right"

# --- network: two namespaces, one veth pair ---------------------------------
ip netns add "$NS_L" || die "ip netns add failed"
ip netns add "$NS_R" || die "ip netns add failed"
ip link add "$VETH_L" type veth peer name "$VETH_R" || die "cannot create a veth pair"
ip link set "$VETH_L" netns "$NS_L" && ip link set "$VETH_R" netns "$NS_R" || die "cannot move the veth ends"
ip -n "$NS_L" addr add $LEFT_IP/24 dev "$VETH_L"
ip -n "$NS_R" addr add $RIGHT_IP/24 dev "$VETH_R"
for ns in "$NS_L" "$NS_R"; do
	ip -n "$ns" link set lo up
done
ip -n "$NS_L" link set "$VETH_L" up mtu 1400
ip -n "$NS_R" link set "$VETH_R" up mtu 1400

# --- configuration per side --------------------------------------------------
# side NAME LOCAL REMOTE PSK IKE ESP
side() {
	local dir=$out/$1 me=$2 peer=$3 psk=$4 ike=$5 esp=$6
	mkdir -p "$dir/ipsec.d" "$dir/nss" "$dir/run"
	{
		echo "# casefile pluto lab ($scenario): $1 side"
		echo "config setup"
		echo "	uniqueids=yes"
		echo "	ikev1-policy=accept"
		echo ""
		echo "conn $CONN"
		echo "	left=$me"
		echo "	right=$peer"
		echo "	authby=secret"
		echo "	type=tunnel"
		if [ "$ikever" = 1 ]; then
			echo "	keyexchange=ike"
			echo "	ikev2=no"
		else
			echo "	keyexchange=ike"
			echo "	ikev2=insist"
		fi
		[ -n "$ike" ] && echo "	ike=$ike"
		[ -n "$esp" ] && echo "	esp=$esp"
		echo "	dpddelay=5"
		echo "	dpdtimeout=15"
		echo "	dpdaction=restart"
		echo "	retransmit-interval=500"
		echo "	retransmit-timeout=8s"
		echo "	keyingtries=1"
		if [ "$scenario" = xauth-v1 ]; then
			if [ "$1" = left ]; then
				echo "	leftxauthclient=yes"
				echo "	rightxauthserver=yes"
				echo "	leftusername=$XAUTH_USER"
			else
				echo "	leftxauthserver=yes"
				echo "	rightxauthclient=yes"
				echo "	xauthby=file"
			fi
		fi
		echo "	auto=add"
	} > "$dir/ipsec.conf"
	printf '%s %s : PSK "%s"\n' "$me" "$peer" "$psk" > "$dir/ipsec.secrets"
	chmod 600 "$dir/ipsec.secrets"
	"$IPSEC" initnss --nssdir "$dir/nss" > "$dir/initnss.txt" 2>&1 || die "ipsec initnss failed for $1: $(cat "$dir/initnss.txt")"
}

XAUTH_USER=lab-user
psk_l='lab-psk-7f3a9c2e5b1d4086'
psk_r=$psk_l
ike_l='' ike_r=''
esp_l='' esp_r=''
case $scenario in
psk-*) psk_r='lab-psk-0000-not-the-same' ;;
proposal-v1) esp_l='aes128-sha2_256' esp_r='3des-md5' ;;
proposal-v2) ike_l='aes256-sha2_256;modp2048' ike_r='aes128-sha1;modp1536' ;;
esac
side left $LEFT_IP $RIGHT_IP "$psk_l" "$ike_l" "$esp_l"
side right $RIGHT_IP $LEFT_IP "$psk_r" "$ike_r" "$esp_r"

if [ "$scenario" = xauth-v1 ]; then
	# the responder's XAUTH users (user:crypt(password):connection)
	printf '%s:%s:%s\n' "$XAUTH_USER" "$(openssl passwd -1 'lab-xauth-right-pass')" "$CONN" > "$out/right/ipsec.d/passwd"
	chmod 600 "$out/right/ipsec.d/passwd"
fi

case $scenario in
udp500-*)
	ip netns exec "$NS_R" iptables -A INPUT -s $LEFT_IP -p udp --dport 500 -j DROP || die "iptables refused"
	ip netns exec "$NS_R" iptables -A INPUT -s $LEFT_IP -p udp --dport 4500 -j DROP
	;;
esac

# --- daemons -----------------------------------------------------------------
start() {
	local ns=$1 dir=$out/$2
	ip netns exec "$ns" "$PLUTO" --nofork \
		--config "$dir/ipsec.conf" --secretsfile "$dir/ipsec.secrets" \
		--ipsecdir "$dir/ipsec.d" --nssdir "$dir/nss" --rundir "$dir/run" \
		--dumpdir "$dir/run" --logfile "$dir/pluto.log" \
		> "$dir/pluto.stdout" 2>&1 &
	pids+=($!)
	echo $! > "$dir/pluto.pid"
}
start "$NS_L" left
start "$NS_R" right

# wait for both control sockets and for the connection to be loaded
for _ in $(seq 1 100); do
	[ -S "$out/left/run/pluto.ctl" ] && [ -S "$out/right/run/pluto.ctl" ] &&
		grep -q "added IKEv$ikever connection" "$out/left/pluto.log" 2>/dev/null &&
		grep -q "added IKEv$ikever connection" "$out/right/pluto.log" 2>/dev/null && break
	sleep 0.1
done
grep -q "added IKEv$ikever connection" "$out/left/pluto.log" 2>/dev/null ||
	die "pluto did not load the connection: $(tail -3 "$out/left/pluto.log" "$out/left/pluto.stdout" 2>&1)"

# --- initiate from the left ---------------------------------------------------
whack() { ip netns exec "$1" "$IPSEC" whack --rundir "$out/$2/run" "${@:3}"; }
xauth=()
[ "$scenario" = xauth-v1 ] && xauth=(--xauthname "$XAUTH_USER" --xauthpass 'lab-xauth-wrong-pass')
timeout 40 ip netns exec "$NS_L" "$IPSEC" whack --rundir "$out/left/run" "${xauth[@]}" --name $CONN --initiate > "$out/left/whack.txt" 2>&1
rc=$?
sleep 1

# --- what a support engineer collects on each side ----------------------------
capture() {
	local ns=$1 dir=$out/$2 pid
	pid=$(cat "$dir/pluto.pid")
	whack "$ns" "$2" --status > "$dir/status.txt" 2>&1
	whack "$ns" "$2" --trafficstatus > "$dir/trafficstatus.txt" 2>&1
	ip netns exec "$ns" ip xfrm state > "$dir/xfrm-state.txt" 2>&1
	ip netns exec "$ns" ip xfrm policy > "$dir/xfrm-policy.txt" 2>&1
	ip netns exec "$ns" ip route > "$dir/ip-route.txt" 2>&1
	ip netns exec "$ns" ip addr > "$dir/ip-addr.txt" 2>&1
	ip netns exec "$ns" ip -s link > "$dir/ip-link.txt" 2>&1
	ip netns exec "$ns" iptables-save -c > "$dir/iptables-save.txt" 2>&1
	ip netns exec "$ns" nft list ruleset > "$dir/nft.txt" 2>&1
	ip netns exec "$ns" ss -uanp > "$dir/ss.txt" 2>&1
	ps -o pid,ppid,user,args -p "$pid" > "$dir/ps.txt" 2>&1
	uname -r > "$dir/uname.txt"
}
capture "$NS_L" left
capture "$NS_R" right
echo "$scenario whack_rc=$rc" > "$out/result.txt"
exit 0
