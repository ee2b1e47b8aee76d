# Handover — make targets. `make demo` and `make test` are the two a newcomer needs.
SHELL := /bin/bash
GO ?= go
# en_US: Fyne cannot parse the "C" locale and logs an error at start-up.
export LANG := en_US.UTF-8
export CGO_ENABLED ?= 1
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
LDFLAGS := -X handover/cli.Version=$(VERSION)
BIN := build/handover

.PHONY: all build build-dev fakeclio demo run test test-unit lint bench soak clean fidelity screenshots

all: build

build:
	@mkdir -p build
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

## build-dev: the app with the rehearsal tools the installed one leaves out (the local Clio,
## the screenshot tour, the benchmarks): build/handover-dev, built with -tags dev
build-dev:
	@mkdir -p build
	$(GO) build -tags dev -ldflags "$(LDFLAGS)" -o build/handover-dev .

## fakeclio: run the local Clio for rehearsing an upload (ARGS="--auto-approve" etc.)
fakeclio:
	$(GO) run -tags dev . fakeclio $(ARGS)

## screenshots: the tour (the dev build walks the demo firm's steps, with a local Clio and a local
## sshd for the Send section) photographed into build/screenshots; DOCS=1 copies them to docs/screenshots
screenshots: build-dev
	scripts/screenshots.sh
	$(if $(DOCS),cp build/screenshots/*.png docs/screenshots/)

## demo: run the whole offline pipeline on the embedded demo firm and print a summary
demo: build
	$(BIN) demo --out build/demo

## run: open the desktop app
run: build
	$(BIN)

## test: everything a fresh machine can run — unit, golden, UI (headless), CLI end-to-end
## against the local Clio, a real keyring round trip and a real window under Xvfb
test: build
	scripts/test.sh

## test-unit: the Go tests only, without the keyring daemon or the X server
test-unit:
	$(GO) test -tags dev ./...

## fidelity: generate the corpus of unseen firms (internal/firmgen), run ingest and check on each,
## print records/links/balances recovered and the manual steps left, and update FIDELITY.md's table
## (SEED=n measures one more firm drawn from n beside the eight)
## (FIDELITY_DOC= prints only: CI does, so the tree it builds stays clean)
FIDELITY_DOC ?= FIDELITY.md
fidelity:
	$(GO) run ./internal/fidelity/cmd/fidelity -holdout 16 $(if $(FIDELITY_DOC),-doc $(FIDELITY_DOC)) $(if $(SEED),-seed $(SEED))

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags dev ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags dev ./...

bench: build build-dev
	scripts/bench.sh

soak: build
	scripts/soak.sh

clean:
	rm -rf build dist

-include dist.mk
