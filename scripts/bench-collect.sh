#!/bin/sh
# Collector benchmark (make bench): collect a generated set of text logs
# (1 GiB across 50 files by default) with bin/collect and compare with
# `tar czf` of the same files: wall time, output size and peak memory
# (/usr/bin/time -v). Prints the ratios; the targets are wall time at most
# 0.5x tar's, output at most 1.1x tar's, peak RSS under 100 MiB and the
# same for half the input.
#
#   scripts/bench-collect.sh [SIZE]      # SIZE like 1GiB (default), 256MiB
#
# tar and collect run alternately BENCH_RUNS times (default 2) and the
# best wall time of each counts, so that load from other jobs on the
# machine weighs on both alike; CPU time is reported beside it.
#
# Needs: go, tar, gzip, /usr/bin/time (GNU time). Uses a scratch folder
# under ${TMPDIR:-/tmp} (about 3x SIZE of disk) and removes it.
set -eu
SIZE=${1:-1GiB}
FILES=${BENCH_FILES:-50}
RUNS=${BENCH_RUNS:-2}
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "bench-collect: /usr/bin/time (GNU time) is needed" >&2; exit 1; }
[ -x bin/collect ] || go build -o bin/collect ./cmd/collect
COLLECT=$(pwd)/bin/collect
PROFILE=$(pwd)/testdata/collect/profiles/bench.yaml
WORK=$(mktemp -d "${TMPDIR:-/tmp}/casefile-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

gen() { # gen ROOT SIZE
	mkdir -p "$1/etc"
	echo benchhost > "$1/etc/hostname"
	go run ./testdata/collect/benchgen -dir "$1/var/log/bench" -size "$2" -files "$FILES"
}

# measure LABEL -- CMD...: runs CMD under GNU time; sets WALL (s) and RSS (KiB).
measure() {
	label=$1; shift; shift
	/usr/bin/time -v -o "$WORK/time.$label" "$@" >"$WORK/out.$label" 2>"$WORK/err.$label" || {
		echo "bench-collect: $label failed:" >&2; cat "$WORK/err.$label" >&2; exit 1; }
	WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time.$label")
	RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.$label")
	CPU=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$WORK/time.$label")
}

echo "generating $SIZE of logs in $FILES files..." >&2
gen "$WORK/root" "$SIZE"
INPUT=$(du -sb "$WORK/root/var/log/bench" | cut -f1)
cat "$WORK"/root/var/log/bench/* >/dev/null   # warm the page cache for both

# best VAR VALUE: keeps the smaller of $VAR and VALUE in VAR.
best() { eval "cur=\${$1:-}"; if [ -z "$cur" ] || awk -v a="$2" -v b="$cur" 'BEGIN{exit !(a<b)}'; then eval "$1=$2"; fi; }
TAR_WALL= TAR_CPU= C_WALL= C_CPU= C_RSS=0
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i+1))
	rm -f "$WORK/tar.tar.gz"
	measure tar -- tar czf "$WORK/tar.tar.gz" -C "$WORK/root" var/log/bench
	best TAR_WALL "$WALL"; best TAR_CPU "$CPU"; TAR_RSS=$RSS; THIS_TAR=$WALL
	TAR_SIZE=$(stat -c %s "$WORK/tar.tar.gz")
	rm -rf "$WORK/out"; mkdir "$WORK/out"
	measure collect -- "$COLLECT" --profile "$PROFILE" --root "$WORK/root" --root-exec -o "$WORK/out/"
	best C_WALL "$WALL"; best C_CPU "$CPU"
	[ "$RSS" -gt "$C_RSS" ] && C_RSS=$RSS
	C_SIZE=$(stat -c %s "$WORK"/out/*.tar.gz)
	echo "run $i: tar ${THIS_TAR}s, collect ${WALL}s" >&2
done

# The same with half the input: memory must not grow with it.
rm -rf "$WORK/root" "$WORK/out" "$WORK/tar.tar.gz"
HALF=$(awk -v n="$INPUT" 'BEGIN{printf "%dKiB", n/2/1024}')
gen "$WORK/root" "$HALF"
mkdir "$WORK/out"
measure half -- "$COLLECT" --profile "$PROFILE" --root "$WORK/root" --root-exec -o "$WORK/out/"
H_RSS=$RSS

awk -v inp="$INPUT" -v tw="$TAR_WALL" -v ts="$TAR_SIZE" -v tr="$TAR_RSS" \
    -v cw="$C_WALL" -v cs="$C_SIZE" -v cr="$C_RSS" -v hr="$H_RSS" -v cpus="$(nproc)" \
    -v tc="$TAR_CPU" -v cc="$C_CPU" -v runs="$RUNS" -v load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)" 'BEGIN {
	mib = 1048576
	printf "input:            %.0f MiB of text logs, %s CPUs, load average %s, best of %s runs\n", inp/mib, cpus, load, runs
	printf "tar czf:          %6.1f s wall  %6.1f s CPU  %7.1f MiB  peak RSS %6.1f MiB\n", tw, tc, ts/mib, tr/1024
	printf "collect:          %6.1f s wall  %6.1f s CPU  %7.1f MiB  peak RSS %6.1f MiB\n", cw, cc, cs/mib, cr/1024
	printf "collect (half input):                                          peak RSS %6.1f MiB\n", hr/1024
	wr = cw/tw; sr = cs/ts
	printf "wall time ratio:  %.2fx tar czf (target <= 0.50)  %s\n", wr, (wr <= 0.5 ? "ok" : "MISSED")
	printf "CPU time ratio:   %.2fx tar czf\n", cc/tc
	printf "size ratio:       %.2fx tar czf (target <= 1.10)  %s\n", sr, (sr <= 1.1 ? "ok" : "MISSED")
	printf "peak RSS:         %.1f MiB (target < 100)         %s\n", cr/1024, (cr/1024 < 100 ? "ok" : "MISSED")
	printf "RSS full/half:    %.2f (independent of input size: ~1)\n", cr/hr
}'
