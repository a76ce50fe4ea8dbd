#!/bin/sh
# Runs every Fuzz target for the given time each (default 10s): a short run
# in `make test`, a long one with `make fuzz FUZZTIME=10m`.
#
# Go's fuzzing coordinator sometimes ends a run with "context deadline
# exceeded" when a worker is slow to stop at the deadline (no failing
# input is written then: it is not a finding). Such a run is tried once
# more; a real failure (a "Failing input written" line) fails at once.
set -eu
t=${1:-10s}
log=$(mktemp "${TMPDIR:-/tmp}/casefile-fuzz.XXXXXX")
trap 'rm -f "$log"' EXIT
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "fuzz $pkg $f ($t)"
		for try in 1 2; do
			if go test -run='^$' -fuzz="^$f\$" -fuzztime="$t" "$pkg" >"$log" 2>&1; then
				break
			fi
			if [ "$try" = 1 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
				echo "fuzz $pkg $f: the fuzzing coordinator timed out stopping a worker (no failing input); trying once more"
				continue
			fi
			cat "$log"
			exit 1
		done
	done
done
