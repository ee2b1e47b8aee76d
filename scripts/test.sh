#!/usr/bin/env bash
# make test: the Go test suite inside a D-Bus session with a real, unlocked
# gnome-keyring (so the keyring round trip is real), under a virtual X server
# (so the real-window smoke test can open the app and take a screenshot).
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
export HANDOVER_REAL_KEYRING=1
export HANDOVER_BIN=$PWD/build/handover
mkdir -p build/screenshots
# Keep Go's caches where they are: only the keyring must not see the real HOME.
export GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
# A throwaway HOME: the keyring daemon writes its files there, never into the user's.
HOME=$(mktemp -d)
export HOME
mkdir -p "$HOME/.cache" "$HOME/.local/share/keyrings"
chmod 700 "$HOME/.cache" "$HOME/.local/share/keyrings"
exec dbus-run-session -- scripts/with-keyring.sh \
  xvfb-run -a -s '-screen 0 1280x800x24' \
  bash -c 'go test -tags dev -count=1 ./... && scripts/window-smoke.sh'
