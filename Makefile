# casefile: make build | test | demo | bench | release | lint | fuzz | hostile
GO       ?= go
VERSION  ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null)
LDFLAGS  := -s -w -X casefile/internal/version.Version=$(VERSION)
BIN      := bin
DEMO     := demo-out

.PHONY: all build test test-deps lint fuzz demo bench pseudo-all hostile release clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/collect ./cmd/collect
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/analyze ./cmd/analyze

# Installs the Debian packages the tests run for real (minisign, samhain,
# libreswan, chromium...) when missing and when we may, and builds weed
# (SeaweedFS, the S3 server of the upload tests) once into ~/.cache/casefile;
# tests that need one that is still missing skip with a message naming it.
# The weed build (CPU) runs while apt-get installs (network and disk).
test-deps:
	@scripts/s3-server.sh >/dev/null & weed=$$!; \
	scripts/test-deps.sh; \
	wait $$weed || echo "test-deps: weed (the S3 server) not built; the S3 upload tests skip (and fail under CI=true)" >&2

# What CI runs (.ci/run). Keep it under 15 minutes on 2 cores.
test: test-deps
	@scripts/test.sh

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.6.1 ./...

# Longer fuzzing: make fuzz FUZZTIME=5m
FUZZTIME ?= 1m
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

# Every golden case collected with a pseudonym key (make test runs a subset).
pseudo-all:
	CASEFILE_PSEUDO_ALL=1 $(GO) test -count=1 -run TestCasesPseudonymized ./analyze/

# The hostile-input tests at full size (a 4 GiB gzip bomb, 300 bundles in
# a zip, 200,000 members); make test runs them small. docs/input.md.
hostile:
	CASEFILE_HOSTILE_FULL=1 $(GO) test -count=1 -timeout 60m -run 'TestHostile|TestBombTotalRatio|TestMemoryFlat' -v ./analyze/input ./cmd/analyze

demo: build
	@scripts/demo.sh

bench: build
	@scripts/bench-collect.sh
	@scripts/bench-analyze.sh
	@scripts/bench-analyze-dense.sh
	@scripts/bench-each.sh

# Static binaries for every supported platform, SHA256SUMS, and its
# minisign signature when CASEFILE_RELEASE_KEY names a secret key.
release:
	@VERSION=$(VERSION) GO=$(GO) OUT=$(BIN)/release scripts/release.sh

clean:
	rm -rf $(BIN) $(DEMO) report.html
