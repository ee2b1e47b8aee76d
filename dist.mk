# Installers (Windows NSIS setup, Linux tarball + .deb). Included from the top Makefile:
#   include dist.mk
# Paths are relative to the repo root. Scripts and details: packaging/ (README-install.md for users).
#
#   make dist           build everything into dist/ (Linux and Windows in parallel)
#   make dist-linux     dist/handover-<v>-linux-amd64.tar.xz + dist/handover_<v>_amd64.deb
#   make dist-windows   dist/Handover-<v>-setup.exe
#   make dist-check     dist + install the .deb, run it under Xvfb, check the Windows files
#                       (CI, Debian 12 as root; ~15 min cold on 2 cores, a few min with a warm GOCACHE)
#   make dist-version   print the version variables
#
# VERSION defaults to `git describe --tags --always --dirty` (0.0.0-dev outside git);
# override with `make dist VERSION=1.2.3`. Signing: SIGN_CERT/SIGN_KEY (packaging/sign.sh).
# The same -X flag stamps plain builds: go build -ldflags "$(DIST_LDFLAGS)" .

ifeq ($(origin VERSION),undefined)
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
endif
DIST_LDFLAGS := -X handover/cli.Version=$(patsubst v%,%,$(VERSION))

.PHONY: dist dist-linux dist-windows dist-check dist-version

dist:
	VERSION=$(VERSION) packaging/dist.sh all

dist-linux:
	VERSION=$(VERSION) packaging/dist.sh linux

dist-windows:
	VERSION=$(VERSION) packaging/dist.sh windows

dist-check:
	VERSION=$(VERSION) packaging/dist-check.sh

dist-version:
	@VERSION=$(VERSION) packaging/version.sh
