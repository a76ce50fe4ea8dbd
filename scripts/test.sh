#!/usr/bin/env bash
# make test: what CI runs (.ci/run). Formatting, vet, short fuzzing, then
# every test with a summary that lists skipped tests and their reasons and
# ends in "N passed, N failed, N skipped". Under CI=true a real-program test
# that cannot run fails instead of skipping (internal/testenv).
set -euo pipefail
GO=${GO:-go}
files=$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')
unformatted=$(gofmt -l $files)
if [ -n "$unformatted" ]; then
	echo "gofmt needed:"; echo "$unformatted"; exit 1
fi
$GO vet ./...
scripts/fuzz.sh "${FUZZTIME:-10s}"
mkdir -p bin
$GO build -o bin/testsummary ./internal/tools/testsummary
$GO test -json -count=1 -timeout 12m ./... | bin/testsummary
