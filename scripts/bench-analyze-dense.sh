#!/bin/sh
# The engine on logs full of errors, and memory in bundles and members
# (issue 13; docs/engine.md, Cost). Run by `make bench` after
# scripts/bench-analyze.sh. Cases, each side by side with
# `tar -xzOf BUNDLE >/dev/null` (decompression alone, the floor), zgrep
# and rg, all timed in turns (best of BENCH_RUNS, default 2):
#   dense      2 of 7 lines routed-session failures (3 peers)   BENCH_DENSE_SIZE (256MiB)
#   handshake  1 of 4 lines a WHO/TELL handshake line           same size
#   bundles    20 bundles of 50 MiB (dense) analyzed together, against one of them
#   members    one bundle of 10,000 members (12 MiB of dense logs), against
#              the same bytes in 16 members and one bundle of 50 MiB
# BENCH_LARGE=1 adds dense and handshake at BENCH_LARGE_SIZE (1GiB); BENCH_NODE_SIZE and
# BENCH_MEMBERS shrink the last two cases for a quick try. Prints ratios (wall
# and CPU against the floor), peak RSS, the load average, and checks that
# the routed-session counts of the report equal grep -c of the pattern.
set -eu
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/casefile-bench}
runs=${BENCH_RUNS:-2}
size=${BENCH_DENSE_SIZE:-256MiB}
mkdir -p "$dir" bin
go build -o bin/analyze ./cmd/analyze # always: a bin/analyze left from another commit would be measured instead
go build -o "$dir/benchgen" ./analyze/internal/benchgen
gen() { # out size files mix [name]
	[ -s "$1" ] && return 0
	echo "bench: writing $1" >&2
	"$dir/benchgen" -o "$1.tmp" -size "$2" -files "$3" -mix "$4" ${5:+-name "$5"} -gz=false && mv "$1.tmp" "$1"
}

# wall seconds, user+sys seconds and max RSS (KiB) of a command
measure() {
	/usr/bin/time -f '%e %U %S %M' -o "$dir/time.out" "$@" >/dev/null 2>"$dir/stderr.out" || true
	set -- $(tail -n 1 "$dir/time.out")
	[ $# -eq 4 ] || { cat "$dir/stderr.out" >&2; exit 1; }
	wall=$1 cpu=$(echo "$2 + $3" | bc) rss=$4
}
best() { # name cmd...: best wall (and its CPU) of $runs, peak RSS
	n=$1; shift
	bw=""; bc_=0; br=0
	for _ in $(seq "$runs"); do
		measure "$@"
		if [ -z "$bw" ] || [ "$(echo "$wall < $bw" | bc)" = 1 ]; then bw=$wall bc_=$cpu; fi
		[ "$rss" -gt "$br" ] && br=$rss
	done
	eval "${n}_wall=$bw ${n}_cpu=$bc_ ${n}_rss=$br"
}
ratio() { echo "scale=2; $1 / $2" | bc; }

pat=$("$dir/benchgen" -patterns tfst | grep 'failure creating a routed')
case_one() { # label bundle...
	label=$1; shift
	best tar sh -c 'for b; do tar -xzOf "$b"; done' sh "$@"
	best an bin/analyze "$@" --format json -o "$dir/report.json"
	best zg sh -c 'for b; do zgrep -c -E -e "$0" "$b"; done' "$pat" "$@"
	best rg sh -c 'for b; do rg -z -c -e "$0" "$b"; done' "$pat" "$@"
	got=$(jq '[.findings[] | select(.id == "tfst.routed-session-failure") | .count] | add // 0' "$dir/report.json")
	want=$(for b; do tar -xzOf "$b" | grep -c -E -e "$pat" || true; done | paste -sd+ - | bc)
	ok=ok; [ "$got" = "$want" ] || ok="DIFFERS"
	printf '%-22s analyze/tar %5s wall %5s cpu | zgrep/analyze %6s | rg/analyze %5s | RSS %4s MiB | routed-session count %s, grep -c %s: %s\n' \
		"$label" "$(ratio "$an_wall" "$tar_wall")" "$(ratio "$an_cpu" "$tar_cpu")" "$(ratio "$zg_wall" "$an_wall")" \
		"$(ratio "$rg_wall" "$an_wall")" "$((an_rss / 1024))" "$got" "$want" "$ok"
}

echo "load average = $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores, $(date -u +%FT%TZ)"
gen "$dir/dense-$size.tar.gz" "$size" 16 dense
case_one "dense $size" "$dir/dense-$size.tar.gz"
gen "$dir/handshake-$size.tar.gz" "$size" 16 handshake
case_one "handshake $size" "$dir/handshake-$size.tar.gz"
if [ -n "${BENCH_LARGE:-}" ]; then
	large=${BENCH_LARGE_SIZE:-1GiB}
	gen "$dir/dense-$large.tar.gz" "$large" 50 dense
	case_one "dense $large" "$dir/dense-$large.tar.gz"
	gen "$dir/handshake-$large.tar.gz" "$large" 50 handshake
	case_one "handshake $large" "$dir/handshake-$large.tar.gz"
fi
node=${BENCH_NODE_SIZE:-50MiB}
set --
for i in $(seq -w 1 20); do
	gen "$dir/node$i-$node.tar.gz" "$node" 10 dense "tfst-node$i-20091013T120000Z"
	set -- "$@" "$dir/node$i-$node.tar.gz"
done
case_one "1 bundle of $node" "$1"
one_rss=$an_rss
case_one "20 bundles of $node" "$@"
echo "20 bundles / 1 bundle peak RSS = $(ratio "$an_rss" "$one_rss")   (goal < 128 MiB and <= 1.10)"
members=${BENCH_MEMBERS:-10000}
gen "$dir/members-16.tar.gz" 12MiB 16 dense tfst-members-20091013T120000Z
case_one "16 members (same bytes)" "$dir/members-16.tar.gz"
few_rss=$an_rss
gen "$dir/members-$members.tar.gz" 12MiB "$members" dense tfst-members-20091013T120000Z
case_one "$members members" "$dir/members-$members.tar.gz"
echo "$members members peak RSS / 16 members = $(ratio "$an_rss" "$few_rss"), / 1 bundle of $node = $(ratio "$an_rss" "$one_rss")   (goal < 128 MiB and <= 1.10)"
echo "load average = $(cut -d' ' -f1-3 /proc/loadavg) at the end"
