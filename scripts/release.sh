#!/bin/sh
# make release: static binaries for every platform casefile supports, a
# SHA256SUMS over them, and SHA256SUMS.minisig when a signing key is given
# (CASEFILE_RELEASE_KEY: a minisign secret key file; an encrypted key reads
# its password from CASEFILE_KEY_PASSWORD). Without a key the sums are
# written and the signature is skipped, saying so.
#
# analyze runs at the help desk (Linux, Windows, macOS laptops); collect
# runs on the customer's hosts, which include AIX and Solaris.
set -eu
GO=${GO:-go}
OUT=${OUT:-bin/release}
VERSION=${VERSION:-dev}
LDFLAGS="-s -w -X casefile/internal/version.Version=$VERSION"
both="linux/amd64 linux/arm64 windows/amd64 darwin/amd64 darwin/arm64"
collect_only="aix/ppc64 solaris/amd64"

rm -rf "$OUT"
mkdir -p "$OUT"
build() { # program os/arch
	os=${2%/*} arch=${2#*/} ext=
	[ "$os" = windows ] && ext=.exe
	echo "$OUT/$1-$os-$arch$ext"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch $GO build -trimpath -ldflags "$LDFLAGS" \
		-o "$OUT/$1-$os-$arch$ext" "./cmd/$1"
}
for t in $both; do build collect "$t"; build analyze "$t"; done
for t in $collect_only; do build collect "$t"; done

(cd "$OUT" && sha256sum -- collect-* analyze-* >SHA256SUMS)
echo "$OUT/SHA256SUMS"

key=${CASEFILE_RELEASE_KEY:-}
if [ -z "$key" ]; then
	echo "release: SHA256SUMS not signed: set CASEFILE_RELEASE_KEY to a minisign secret key file" >&2
	exit 0
fi
if [ ! -r "$key" ]; then
	echo "release: $key: signing key not readable" >&2
	exit 1
fi
"$GO" run ./internal/tools/signsums -key "$key" -comment "casefile $VERSION release" "$OUT/SHA256SUMS"
echo "$OUT/SHA256SUMS.minisig"
