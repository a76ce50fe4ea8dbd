#!/bin/sh
# make demo: collect two fake TFST hosts from testdata (an endpoint proxy
# that ran out of file descriptors, and its gateway proxy), sign the bundles
# with a demo key, analyze them together, print the text report and write
# report.html. Everything lands in demo-out/ and ./report.html.
set -eu
cd "$(dirname "$0")/.."
out=demo-out
rm -rf "$out" && mkdir -p "$out"
clock() { date -u +%H:%M:%S; }

echo "== $(clock) keygen: a demo signing key (a support team keeps one per field engineer)"
bin/collect keygen -o "$out/demo.key"
# The help desk's trust file: one public key per line, then a name.
printf '%s demo field engineer\n' "$(tail -n1 "$out/demo.key.pub")" > "$out/trusted.keys"

for host in epp-fd-old gwp-fd-peer; do
	echo "== $(clock) collect --profile tfst --root testdata/hosts/tfst/$host"
	bin/collect --profile tfst --root "testdata/hosts/tfst/$host" --root-exec \
		--sign-key "$out/demo.key" -o "$out/" \
		--note "endpoints behind this proxy stopped reporting on 16 March 2010 from about 02:15"
done

echo
echo "== $(clock) verify one bundle with public tools only (minisign + sha256sum)"
b=$(ls "$out"/tfst-*.tar.gz | head -n1)
if command -v minisign >/dev/null 2>&1; then
	tmp=$(mktemp -d) && tar -xzf "$b" -C "$tmp" && top=$(ls "$tmp")
	(cd "$tmp/$top" && minisign -Vm SHA256SUMS -p "$OLDPWD/$out/demo.key.pub" && sha256sum --quiet -c SHA256SUMS && echo "sha256sum: all members OK")
	rm -rf "$tmp"
else
	echo "(minisign not installed: skipped; analyze verifies the signature itself)"
fi

echo
echo "== $(clock) analyze both bundles together"
# Exit 1 means "a finding at or above --fail-on exists": expected here.
rc=0
bin/analyze "$out"/tfst-*.tar.gz --trust "$out/trusted.keys" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
rc=0
bin/analyze "$out"/tfst-*.tar.gz --trust "$out/trusted.keys" -o report.html || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
echo
echo "report.html written ($(wc -c < report.html) bytes); open it in a browser."
