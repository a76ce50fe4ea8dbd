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

[ -x bin/analyze ] || go build -o bin/analyze ./cmd/analyze
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

# Best of three for the two main timings: the machine may be shared.
best() { # name command...
	name=$1; shift
	bw=""; bc_=""; brss=0
	for i in 1 2 3; do
		measure "$@"
		if [ -z "$bw" ] || [ "$(echo "$wall < $bw" | bc)" = 1 ]; then bw=$wall; bc_=$cpu; fi
		[ "$rss" -gt "$brss" ] && brss=$rss
	done
	echo "$name: wall ${bw}s cpu ${bc_}s peak RSS $((brss / 1024)) MiB" >&2
}

best "tar -xzOf" tar -xzOf "$bundle"
tar_wall=$bw
best "analyze  " bin/analyze "$bundle" --format json -o "$dir/report.json"
an_wall=$bw
an_rss=$brss
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

echo "analyze / tar -xzOf  = $(echo "scale=2; $an_wall / $tar_wall" | bc)   (goal <= 1.5)"
echo "zgrep    / analyze   = $(echo "scale=1; $zg / $an_wall" | bc)   (goal >= 5)"
echo "analyze peak RSS     = $((an_rss / 1024)) MiB   (goal < 256)"
