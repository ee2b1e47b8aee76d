#!/bin/sh
# Prints the version variables every dist step uses, as shell assignments:
#   VERSION  what people see: `git describe --tags --always --dirty` without a
#            leading "v" (e.g. 0.1.0, 0.1.0-3-gabc1234-dirty, abc1234);
#            fallback 0.0.0-dev outside git. An exported VERSION wins (make VERSION=...).
#            With DIST_SOURCE=head (build the committed HEAD) there is no --dirty.
#   SEMVER   x.y.z: from VERSION when it starts with one, else FyneApp.toml's Version
#   BUILD    commit count (monotonic on main), 1 outside git
#   NUMVER   SEMVER.BUILD: Windows version resources (VIProductVersion, fyne's FileVersion)
#   DEBVER   a valid Debian version that sorts correctly:
#            0.1.0 -> 0.1.0, 0.1.0-3-gabc-dirty -> 0.1.0+3.gabc.dirty,
#            abc1234-dirty (no tag yet) -> 0.1.0~git7.abc1234.dirty
# usage: eval "$(packaging/version.sh)"
set -eu
cd "$(dirname "$0")/.."

if [ -z "${VERSION:-}" ]; then
  dirty=--dirty
  [ "${DIST_SOURCE:-worktree}" != head ] || dirty=
  VERSION=$(git describe --tags --always $dirty 2>/dev/null || true)
  [ -n "$VERSION" ] || VERSION=0.0.0-dev
fi
VERSION=${VERSION#v}
case "$VERSION" in
  *[!A-Za-z0-9.+~_-]*) echo "version.sh: unusable VERSION '$VERSION'" >&2; exit 1 ;;
esac

BUILD=$(git rev-list --count HEAD 2>/dev/null || echo 1)
[ "$BUILD" -ge 1 ] 2>/dev/null || BUILD=1

base=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([0-9]*\.[0-9]*\.[0-9]*\)".*/\1/p' FyneApp.toml 2>/dev/null | head -n1)
[ -n "$base" ] || base=0.0.0

SEMVER=$(printf '%s\n' "$VERSION" | sed -n 's/^\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
if [ -n "$SEMVER" ]; then
  rest=${VERSION#"$SEMVER"}
  rest=${rest#-}
  if [ -z "$rest" ]; then
    DEBVER=$SEMVER
  else
    DEBVER="$SEMVER+$(printf '%s' "$rest" | tr -- '-_' '..')"
  fi
else
  SEMVER=$base
  DEBVER="$SEMVER~git$BUILD.$(printf '%s' "$VERSION" | tr -- '-_' '..')"
fi
NUMVER="$SEMVER.$BUILD"

printf 'VERSION=%s\nSEMVER=%s\nBUILD=%s\nNUMVER=%s\nDEBVER=%s\n' "$VERSION" "$SEMVER" "$BUILD" "$NUMVER" "$DEBVER"
