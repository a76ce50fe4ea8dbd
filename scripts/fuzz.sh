#!/bin/sh
# Runs every Fuzz target for the given time each (default 10s): a short run
# in `make test`, a long one with `make fuzz FUZZTIME=10m`.
set -eu
t=${1:-10s}
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "fuzz $pkg $f ($t)"
		go test -run='^$' -fuzz="^$f\$" -fuzztime="$t" "$pkg" >/tmp/casefile-fuzz.log 2>&1 || { cat /tmp/casefile-fuzz.log; exit 1; }
	done
done
