# Installers (Windows NSIS setup, Linux tarball + .deb). Included from the top Makefile
# (`-include dist.mk`); paths are relative to the repo root. Scripts: packaging/.
#
#   make dist           build everything into dist/ (Linux and Windows in parallel)
#   make dist-linux     dist/handover-<v>-linux-amd64.tar.xz + dist/handover_<v>_amd64.deb
#   make dist-windows   dist/Handover-<v>-setup.exe
#   make dist-check     dist + install the .deb, run it under Xvfb, check the Windows files
#                       (CI: Debian 12 as root; see packaging/dist-check.sh for apt packages)
#   make dist-version   print the version variables
#
# Version: `git describe --tags --always --dirty` (packaging/version.sh); pass
# `make dist VERSION=1.2.3` to override. `make dist DIST_SOURCE=head` builds the committed
# HEAD instead of the working tree. Signing: SIGN_CERT/SIGN_KEY (packaging/sign.sh).

# hand VERSION to the scripts only when it was given explicitly, so the top Makefile's
# own VERSION (or DIST_SOURCE=head dropping -dirty) never disagrees with the scripts
DIST_ENV = $(if $(filter command line environment environment override,$(origin VERSION)),VERSION=$(VERSION))

.PHONY: dist dist-linux dist-windows dist-check dist-version

dist:
	$(DIST_ENV) packaging/dist.sh all

dist-linux:
	$(DIST_ENV) packaging/dist.sh linux

dist-windows:
	$(DIST_ENV) packaging/dist.sh windows

dist-check:
	$(DIST_ENV) packaging/dist-check.sh

dist-version:
	@$(DIST_ENV) packaging/version.sh
