#!/bin/sh
# Builds SeaweedFS's weed (a real S3-compatible server: weed server -s3)
# once, from the Go module proxy, into a cache folder, and prints its path.
# The upload tests (internal/upload, cmd/collect) run it on 127.0.0.1 for
# the presigned-URL uploads; make test-deps runs this script so a fresh CI
# machine has it. The first build takes many minutes (SeaweedFS is large);
# later runs only print the path.
#
# `go install` refuses the module (its go.mod has replace directives), so
# the module is downloaded and built in a writable copy, where those
# directives apply as they do upstream.
#
# Usage: scripts/s3-server.sh        build if needed, print the path
#        scripts/s3-server.sh -n     print the path if built, else exit 1
# Environment: CASEFILE_WEED (use this binary instead), GO.
set -eu
MODULE=github.com/seaweedfs/seaweedfs
VERSION=v0.0.0-20261109003541-7506e5f91cd6
GO=${GO:-go}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/casefile/weed
bin=$cache/weed-$VERSION

if [ -n "${CASEFILE_WEED:-}" ]; then
	[ -x "$CASEFILE_WEED" ] || { echo "s3-server: CASEFILE_WEED=$CASEFILE_WEED is not an executable" >&2; exit 1; }
	echo "$CASEFILE_WEED"
	exit 0
fi
if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi
[ "${1:-}" = -n ] && exit 1

mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
start=$(date +%s)
echo "s3-server: building $MODULE@$VERSION (weed) into $cache; the first build takes many minutes" >&2
dir=$($GO mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] && [ -d "$dir" ] || { echo "s3-server: go mod download $MODULE@$VERSION gave no folder" >&2; exit 1; }
cp -R "$dir/." "$work/src"
chmod -R u+w "$work/src"
(cd "$work/src" && $GO build -mod=mod -o "$work/weed" ./weed) >"$work/build.log" 2>&1 || {
	tail -20 "$work/build.log" >&2
	echo "s3-server: building weed failed" >&2
	exit 1
}
mv "$work/weed" "$bin"
echo "s3-server: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
