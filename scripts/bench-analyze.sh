#!/bin/sh
# Measures the analyzer against its floor and its naive alternative
# (docs/engine.md): on a bundle holding BENCH_SIZE (default 1GiB) of
# component logs in BENCH_FILES (50) members, with every rule of the
# BENCH_PROFILE (tfst) profile:
#   floor   tar -xzOf BUNDLE >/dev/null        (decompression alone)
#   naive   one zgrep -E pass per pattern of the profile
#   analyze bin/analyze BUNDLE                  (wall time and peak RSS)
# and prints analyze/floor (goal <= 1.5), naive/analyze (goal >= 5) and
# the peak RSS (goal < 256 MiB). BENCH_ZGREP_MAX=N times only the first N
# zgrep passes and extrapolates (the full run takes minutes).
# Run by `make bench` after `make build`.
set -eu
cd "$(dirname "$0")/.."
size=${BENCH_SIZE:-1GiB}
files=${BENCH_FILES:-50}
profile=${BENCH_PROFILE:-tfst}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/casefile-bench}
mkdir -p "$dir" bin
bundle="$dir/bench-$profile-$size-$files.tar.gz"

go build -o bin/analyze ./cmd/analyze # always: a bin/analyze left from another commit would be measured instead
go build -o "$dir/benchgen" ./analyze/internal/benchgen
if [ ! -s "$bundle" ]; then
	echo "bench: writing $bundle ($size of logs in $files members)" >&2
	"$dir/benchgen" -o "$bundle.tmp" -size "$size" -files "$files" && mv "$bundle.tmp" "$bundle"
fi
ls -l "$bundle" >&2

# wall seconds, user+sys seconds and max RSS (KiB) of a command
measure() {
	/usr/bin/time -f '%e %U %S %M' -o "$dir/time.out" "$@" >/dev/null 2>"$dir/stderr.out" || true
	# time says "Command exited with non-zero status N" first when it did.
	set -- $(tail -n 1 "$dir/time.out")
	[ $# -eq 4 ] || { cat "$dir/stderr.out" >&2; exit 1; }
	wall=$1 user=$2 sys=$3 rss=$4
	cpu=$(echo "$user + $sys" | bc)
}

# The floor and the analyzer run in turn, three times each, and the best
# wall time of each counts: a shared machine slows some runs down, and
# turns keep both sides under the same load. CPU time is printed too.
tar_wall=""; an_wall=""; an_rss=0
for i in 1 2 3; do
	measure tar -xzOf "$bundle"
	if [ -z "$tar_wall" ] || [ "$(echo "$wall < $tar_wall" | bc)" = 1 ]; then tar_wall=$wall tar_cpu=$cpu; fi
	measure bin/analyze "$bundle" --format json -o "$dir/report.json"
	if [ -z "$an_wall" ] || [ "$(echo "$wall < $an_wall" | bc)" = 1 ]; then an_wall=$wall an_cpu=$cpu; fi
	[ "$rss" -gt "$an_rss" ] && an_rss=$rss
done
echo "tar -xzOf: wall ${tar_wall}s cpu ${tar_cpu}s" >&2
echo "analyze  : wall ${an_wall}s cpu ${an_cpu}s peak RSS $((an_rss / 1024)) MiB" >&2
if ! grep -q '"findings"' "$dir/report.json"; then
	echo "bench: analyze wrote no report:" >&2
	cat "$dir/stderr.out" >&2
	exit 1
fi

"$dir/benchgen" -patterns "$profile" >"$dir/patterns.txt"
n=$(wc -l <"$dir/patterns.txt")
max=${BENCH_ZGREP_MAX:-$n}
i=0
zg=0
errors=0
while IFS= read -r pat; do
	i=$((i + 1))
	[ "$i" -gt "$max" ] && break
	measure zgrep -E -c -e "$pat" "$bundle"
	grep -q . "$dir/stderr.out" && errors=$((errors + 1))
	zg=$(echo "$zg + $wall" | bc)
done <"$dir/patterns.txt"
timed=$((i > max ? max : i))
[ "$timed" -lt "$n" ] && zg=$(echo "scale=2; $zg * $n / $timed" | bc)
echo "zgrep -E : ${zg}s for $n patterns (timed $timed, $errors not valid ERE)" >&2

echo "load average         = $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "analyze / tar -xzOf  = $(echo "scale=2; $an_wall / $tar_wall" | bc) wall, $(echo "scale=2; $an_cpu / $tar_cpu" | bc) cpu   (goal <= 1.5)"
echo "zgrep    / analyze   = $(echo "scale=1; $zg / $an_wall" | bc)   (goal >= 5)"
echo "analyze peak RSS     = $((an_rss / 1024)) MiB   (goal < 256)"
