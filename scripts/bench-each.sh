#!/bin/sh
# Measures analyze --each (docs/report.md, Batch analysis): EACH_BUNDLES
# (default 200) bundles of EACH_SIZE (5MiB) of tfst logs each, one host
# per bundle, written by benchgen. It times
#   singles  one `bin/analyze BUNDLE -o R.html` per bundle, one after the
#            other: the sum of their wall times, and the largest peak RSS
#   each     `bin/analyze --each BUNDLE... -o DIR` (--jobs = cores)
#   few      the same on the first EACH_FEW (10) bundles: peak RSS only
# and prints singles/each (how much the batch saves), each's peak RSS
# beside the small batch's (goal: flat, <= 1.2x) and one bundle's (--each
# makes one report per core at once, so about that many times one
# bundle's), and the load average of the shared machine.
# Run by `make bench` after `make build`.
set -eu
cd "$(dirname "$0")/.."
n=${EACH_BUNDLES:-200}
size=${EACH_SIZE:-5MiB}
few=${EACH_FEW:-10}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/casefile-bench}/each-$n-$size
mkdir -p "$dir/in" bin

[ -x bin/analyze ] || go build -o bin/analyze ./cmd/analyze
go build -o "$dir/benchgen" ./analyze/internal/benchgen
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	host=$(printf 'gw%04d' "$i")
	b="$dir/in/tfst-$host-20091013T120000Z.tar.gz"
	[ -s "$b" ] && continue
	"$dir/benchgen" -o "$b.tmp" -size "$size" -files 5 -host "$host" -name "tfst-$host-20091013T120000Z" && mv "$b.tmp" "$b"
done
echo "bench: $n bundles of $size of logs in $dir/in ($(du -sh "$dir/in" | cut -f1) on disk)" >&2

# wall seconds, user+sys seconds and max RSS (KiB) of a command
measure() {
	/usr/bin/time -f '%e %U %S %M' -o "$dir/time.out" "$@" >/dev/null 2>"$dir/stderr.out" || true
	set -- $(tail -n 1 "$dir/time.out")
	[ $# -eq 4 ] || { cat "$dir/stderr.out" >&2; exit 1; }
	wall=$1 user=$2 sys=$3 rss=$4
	cpu=$(echo "$user + $sys" | bc)
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
sum=0; sumcpu=0; one_rss=0
for b in "$dir"/in/*.tar.gz; do
	measure bin/analyze "$b" -o "$dir/single.html"
	sum=$(echo "$sum + $wall" | bc); sumcpu=$(echo "$sumcpu + $cpu" | bc)
	[ "$rss" -gt "$one_rss" ] && one_rss=$rss
done
echo "singles : $n runs, wall ${sum}s cpu ${sumcpu}s, largest peak RSS $((one_rss / 1024)) MiB" >&2

rm -rf "$dir/out" "$dir/out-few"
measure bin/analyze --each "$dir"/in/*.tar.gz -o "$dir/out"
each_wall=$wall each_cpu=$cpu each_rss=$rss
rows=$(wc -l <"$dir/out/index.json")
[ "$rows" -eq "$n" ] || { echo "bench: index.json has $rows rows, want $n" >&2; cat "$dir/stderr.out" >&2; exit 1; }
echo "each    : wall ${each_wall}s cpu ${each_cpu}s peak RSS $((each_rss / 1024)) MiB" >&2

measure bin/analyze --each $(ls "$dir"/in/*.tar.gz | head -n "$few") -o "$dir/out-few"
few_rss=$rss
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "load average            = $load0 at the start, $load1 at the end, on $(nproc) cores"
echo "sum of singles / --each = $(echo "scale=2; $sum / $each_wall" | bc) wall ($sum s / $each_wall s), $(echo "scale=2; $sumcpu / $each_cpu" | bc) cpu"
echo "--each peak RSS         = $((each_rss / 1024)) MiB for $n bundles, $((few_rss / 1024)) MiB for $few ($(echo "scale=2; $each_rss / $few_rss" | bc)x; goal <= 1.2x: flat)"
echo "                          one bundle alone $((one_rss / 1024)) MiB ($(echo "scale=2; $each_rss / $one_rss" | bc)x with $(nproc) reports at once)"
