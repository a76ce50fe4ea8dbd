#!/bin/sh
# Installs the Debian packages that tests run for real. Idempotent; quiet
# when everything is present. Without root or apt it says what is missing
# and the tests that need it skip with that reason.
set -u
need=""
have() { command -v "$1" >/dev/null 2>&1; }
have minisign  || need="$need minisign"
have sha256sum || need="$need coreutils"
have samhain   || need="$need samhain"
have unshare   || need="$need util-linux"   # samhain runs in a private mount namespace
have ps        || need="$need procps"       # the samhain scenarios read ps
have ipsec     || need="$need libreswan"
have chromium  || need="$need chromium"
have 7z        || need="$need p7zip-full"
have zstd      || need="$need zstd"
have xz        || need="$need xz-utils"
have ip        || need="$need iproute2"
have iptables  || need="$need iptables"
have tar       || need="$need tar"
[ -x /usr/bin/time ] || need="$need time"   # GNU time -v: peak RSS in make bench
[ -x /usr/sbin/sshd ] || need="$need openssh-server"   # scripts/sshd-lab.sh: the sshd profile's real case
have ssh       || need="$need openssh-client"
have sshpass   || need="$need sshpass"
have ansible-playbook || need="$need ansible"   # deploy/ansible: the fan-out playbook against loopback sshd
have java      || need="$need default-jdk-headless"   # analyze: a real Java stack trace (java runs a .java file: needs the JDK)
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && have apt-get; then
	echo "test-deps: installing$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $need; } >/tmp/casefile-test-deps.log 2>&1 \
		|| { echo "test-deps: apt-get failed (see /tmp/casefile-test-deps.log); tests needing$need will skip" >&2; exit 0; }
else
	echo "test-deps: missing$need (not root or no apt-get); tests needing them will skip" >&2
fi
exit 0
