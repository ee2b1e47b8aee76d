#!/bin/sh
# Builds Handover's installers into dist/ (intermediate files in build/dist/).
#
#   packaging/dist.sh linux     dist/handover-<v>-linux-amd64.tar.xz, dist/handover_<v>_amd64.deb
#   packaging/dist.sh windows   dist/Handover-<v>-setup.exe (+ build/windows/handover{,-cli}.exe)
#   packaging/dist.sh all       both, in parallel (each is mostly one single-threaded cgo
#                               compile of go-gl, so two at once nearly halves the wall time)
#
# Source: the working tree (tracked + untracked files, like `go build`), or with
# DIST_SOURCE=head exactly the committed HEAD (git archive; version without -dirty), which
# is what a release should use and what to use while colleagues' edits don't compile.
# Version: see packaging/version.sh (git describe; `VERSION=1.2.3 packaging/dist.sh all`).
# Signing: see packaging/sign.sh (SIGN_CERT + SIGN_KEY, else "signing skipped").
#
# Every build goes through exactly the same fyne command line and environment, so the
# expensive C parts (go-gl, GLFW) come from GOCACHE after the first run: keep GOCACHE
# between CI runs. `fyne package` runs in a staged copy of the source (build/dist/src-*):
# it writes fyne_metadata_init.go / fyne.syso next to main.go and bumps Build in
# FyneApp.toml on every run; in the copy none of that touches the checkout.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
eval "$(packaging/version.sh)"
export VERSION

FYNE_VERSION=v1.7.4
TOOLS=$ROOT/build/tools
WORK=$ROOT/build/dist
DIST=$ROOT/dist
APP_ID=com.handover.app
DEB_DEPENDS="libgl1, libx11-6, libx11-xcb1, libxcursor1, libxi6, libxinerama1, libxrandr2, libxrender1, libxxf86vm1"
DEB_RECOMMENDS="gnome-keyring, libgl1-mesa-dri"
DEB_MAINTAINER=${DEB_MAINTAINER:-Handover maintainers <handover@example.invalid>}

export LANG=C.UTF-8
# fyne appends its own CGO_CFLAGS/LDFLAGS; anything inherited would change the cgo cache key
unset CGO_CFLAGS CGO_LDFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CC CXX GOOS GOARCH
# fyne moves -ldflags found in GOFLAGS onto its own go build command line
GOFLAGS="-buildvcs=false -ldflags=-X=handover/cli.Version=$VERSION"
export GOFLAGS

log() { printf '[dist %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[dist] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

tools() {
  mkdir -p "$TOOLS"
  if ! "$TOOLS/fyne" version 2>/dev/null | grep -q "$FYNE_VERSION"; then
    log "installing fyne CLI $FYNE_VERSION into build/tools"
    GOBIN="$TOOLS" GOFLAGS= go install "fyne.io/tools/cmd/fyne@$FYNE_VERSION"
  fi
  # small helper, pure Go (see packaging/pesubsys)
  GOFLAGS=-buildvcs=false CGO_ENABLED=0 go build -o "$TOOLS/pesubsys" ./packaging/pesubsys
}

# stage <name>: copy the working tree (tracked + untracked, not ignored) to build/dist/src-<name>
# and stamp the version into its FyneApp.toml.
stage() {
  src=$WORK/src-$1
  rm -rf "$src"
  mkdir -p "$src"
  if [ "${DIST_SOURCE:-worktree}" = head ]; then
    git archive --format=tar HEAD | tar -xf - -C "$src"
  elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # --ignore-failed-read: skip files that are tracked but deleted in the working tree
    git ls-files -z --cached --others --exclude-standard |
      tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$src"
  else
    tar --exclude=./build --exclude=./dist --exclude=./.git -cf - . | tar -xf - -C "$src"
  fi
  [ -f "$src/main.go" ] && [ -f "$src/FyneApp.toml" ] || die "staging $1 failed"
  sed -i -e "s/^Version = .*/Version = \"$SEMVER\"/" -e "s/^Build = .*/Build = $BUILD/" "$src/FyneApp.toml"
}

linux() {
  t0=$(now)
  stage linux
  src=$WORK/src-linux
  log "linux: fyne package --target linux --release ($VERSION, log: build/dist/fyne-linux.log)"
  (cd "$src" && GOARCH=amd64 "$TOOLS/fyne" package --target linux --release) >"$WORK/fyne-linux.log" 2>&1 ||
    { tail -n 40 "$WORK/fyne-linux.log" >&2; die "linux build failed"; }
  mkdir -p "$DIST"
  rm -f "$DIST"/handover-*-linux-amd64.tar.xz "$DIST"/handover_*_amd64.deb # older versions
  tarball=$DIST/handover-$VERSION-linux-amd64.tar.xz
  mv -f "$src/Handover.tar.xz" "$tarball"
  t1=$(now)
  log "linux: $(basename "$tarball") ($((t1 - t0)) s)"

  # .deb from the very same binary and desktop entry (dpkg-deb: no extra tools needed)
  x=$WORK/linux-tar
  root=$WORK/deb-root
  rm -rf "$x" "$root"
  mkdir -p "$x" "$root/DEBIAN"
  tar -xJf "$tarball" -C "$x"
  bin=$(find "$x" -path '*/bin/handover' -type f | head -n1)
  desktop=$(find "$x" -name "$APP_ID.desktop" | head -n1)
  [ -n "$bin" ] && [ -n "$desktop" ] || die "tarball lacks the binary or the desktop entry"
  grep -q '^MimeType=application/x-handover;' "$desktop" || die "desktop entry lacks MimeType"
  install -Dm0755 "$bin" "$root/usr/bin/handover"
  install -Dm0644 "$desktop" "$root/usr/share/applications/$APP_ID.desktop"
  # fyne writes "Exec=handover %F" (all selected files in one call); main.go opens exactly one
  # .handover file, so let the desktop start one instance per file
  sed -i 's/^Exec=handover %F$/Exec=handover %f/' "$root/usr/share/applications/$APP_ID.desktop"
  install -Dm0644 packaging/linux/handover-mime.xml "$root/usr/share/mime/packages/$APP_ID.xml"
  for s in 16 24 32 48 64 128 256 512; do
    install -Dm0644 "assets/icon/png/handover-$s.png" "$root/usr/share/icons/hicolor/${s}x$s/apps/$APP_ID.png"
  done
  size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  cat >"$root/DEBIAN/control" <<EOF
Package: handover
Version: $DEBVER
Architecture: amd64
Maintainer: $DEB_MAINTAINER
Installed-Size: $size
Depends: $DEB_DEPENDS
Recommends: $DEB_RECOMMENDS
Section: misc
Priority: optional
Description: Clio migration assistant for small law firms
 Handover moves a small law firm's legacy data (contacts, matters, bills)
 into Clio Manage. Desktop app plus the same engine on the command line
 (run "handover help").
EOF
  deb=$DIST/handover_${VERSION}_amd64.deb
  dpkg-deb --build --root-owner-group -Zxz "$root" "$deb" >/dev/null
  log "linux: $(basename "$deb") (Version: $DEBVER, $(($(now) - t1)) s)"
}

windows() {
  t0=$(now)
  command -v x86_64-w64-mingw32-gcc >/dev/null || die "x86_64-w64-mingw32-gcc missing (apt-get install gcc-mingw-w64-x86-64)"
  command -v makensis >/dev/null || die "makensis missing (apt-get install nsis)"
  stage windows
  src=$WORK/src-windows
  log "windows: fyne package --target windows --release ($VERSION, log: build/dist/fyne-windows.log)"
  # fyne builds with -H=windowsgui and embeds icon, manifest and version info (fyne.syso)
  (cd "$src" && CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
    "$TOOLS/fyne" package --target windows --release) >"$WORK/fyne-windows.log" 2>&1 ||
    { tail -n 40 "$WORK/fyne-windows.log" >&2; die "windows build failed"; }
  out=$ROOT/build/windows
  mkdir -p "$out" "$DIST"
  rm -f "$DIST"/Handover-*-setup.exe # older versions
  mv -f "$src/Handover.exe" "$out/handover.exe"
  # handover-cli.exe: the same binary with the console subsystem, so `handover-cli --version`
  # prints in cmd.exe/PowerShell and they wait for it (see packaging/pesubsys)
  "$TOOLS/pesubsys" -subsystem console "$out/handover.exe" "$out/handover-cli.exe"
  t1=$(now)
  log "windows: build/windows/handover.exe + handover-cli.exe ($((t1 - t0)) s)"

  packaging/sign.sh "$out/handover.exe" "$out/handover-cli.exe"
  set --
  if [ -n "${SIGN_CERT:-}" ] && [ -n "${SIGN_KEY:-}" ] && [ -f "$SIGN_CERT" ] && [ -f "$SIGN_KEY" ]; then
    set -- "-DSIGN_UNINST=$ROOT/packaging/sign.sh"
  fi
  setup=$DIST/Handover-$VERSION-setup.exe
  makensis -V2 -DVERSION="$VERSION" -DNUMVER="$NUMVER" \
    -DAPP_EXE="$out/handover.exe" -DCLI_EXE="$out/handover-cli.exe" \
    -DICON="$ROOT/assets/icon/handover.ico" -DOUTFILE="$setup" "$@" \
    packaging/windows/handover.nsi
  packaging/sign.sh "$setup"
  log "windows: $(basename "$setup") ($(($(now) - t1)) s)"
}

all() {
  mkdir -p "$WORK"
  t0=$(now)
  export DIST_TOOLS_READY=1
  log "building $VERSION (deb $DEBVER, Windows $NUMVER): linux and windows in parallel"
  "$0" linux >"$WORK/linux.log" 2>&1 &
  lp=$!
  "$0" windows >"$WORK/windows.log" 2>&1 &
  wp=$!
  rc=0
  wait $lp || rc=1
  cat "$WORK/linux.log"
  wait $wp || rc=1
  cat "$WORK/windows.log"
  [ $rc = 0 ] || die "a build failed (see above)"
  log "done in $(($(now) - t0)) s:"
  ls -l "$DIST"
}

cmd=${1:-all}
case "$cmd" in
  linux | windows)
    mkdir -p "$WORK"
    [ "${DIST_TOOLS_READY:-}" = 1 ] || tools
    "$cmd"
    ;;
  all)
    tools
    all
    ;;
  version) packaging/version.sh ;;
  *) die "usage: $0 [all|linux|windows|version]" ;;
esac
