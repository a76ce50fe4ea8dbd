# casefile: make build | test | demo | bench | release | lint | fuzz
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X casefile/internal/version.Version=$(VERSION)
BIN      := bin
DEMO     := demo-out

.PHONY: all build test test-deps lint fuzz demo bench release clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/collect ./cmd/collect
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/analyze ./cmd/analyze

# Installs the Debian packages the tests run for real (minisign, samhain,
# libreswan, chromium...) when missing and when we may; tests that need one
# that is still missing skip with a message naming it.
test-deps:
	@scripts/test-deps.sh

# What CI runs (.ci/run). Keep it under 15 minutes on 2 cores.
test: test-deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 12m ./...
	@scripts/fuzz.sh 10s

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.6.1 ./...

# Longer fuzzing: make fuzz FUZZTIME=5m
FUZZTIME ?= 1m
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

demo: build
	@scripts/demo.sh

bench: build
	@scripts/bench-collect.sh
	@scripts/bench-analyze.sh
	@scripts/bench-analyze-dense.sh

release:
	@for t in linux/amd64 linux/arm64 windows/amd64; do \
		os=$${t%/*}; arch=$${t#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		for c in collect analyze; do \
			echo "$(BIN)/release/$$c-$$os-$$arch$$ext"; \
			CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' \
				-o $(BIN)/release/$$c-$$os-$$arch$$ext ./cmd/$$c || exit 1; \
		done; \
	done

clean:
	rm -rf $(BIN) $(DEMO) report.html
