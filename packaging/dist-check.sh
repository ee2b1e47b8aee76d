#!/bin/sh
# End-to-end check of the installers, for CI (Debian 12, as root, apt packages below installed):
#   1. builds everything with packaging/dist.sh all, Windows signed with a throwaway
#      self-signed certificate (tests the signing path; real releases set SIGN_CERT/SIGN_KEY)
#   2. Windows: handover.exe is PE32+ GUI, handover-cli.exe PE32+ console, the setup is an
#      NSIS installer; signatures verify; version resources carry the stamped version
#   3. Linux: tarball layout; apt-get install ./dist/handover_<v>_amd64.deb;
#      /usr/bin/handover --version prints the stamped version; the installed app opens a
#      window named "Handover" under Xvfb (inside dbus-run-session) and is screenshotted
#      into build/screenshots/installed-app.png; then apt-get remove (DIST_CHECK_KEEP=1 keeps it)
#   4. FyneApp.toml is unchanged (fyne package's Build bump never reaches the checkout)
# Prints a summary with timings; exits non-zero if any check failed.
#
# apt packages: golang toolchain + gcc pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev
#   libxinerama-dev libxi-dev libxxf86vm-dev gcc-mingw-w64-x86-64 nsis osslsigncode openssl
#   xvfb xauth xdotool imagemagick x11-apps dbus file xz-utils libgl1-mesa-dri
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export LANG=C.UTF-8

# --- internal: runs inside `dbus-run-session -- xvfb-run ...` --------------------------
if [ "${1:-}" = __gui ]; then
  shot=$2
  applog=$3
  LANG=en_US.UTF-8 /usr/bin/handover >"$applog" 2>&1 &
  pid=$!
  wid=$(timeout 60 xdotool search --sync --onlyvisible --name '^Handover$' | head -n1)
  if [ -z "$wid" ]; then
    echo "no window named Handover within 60 s"
    kill "$pid" 2>/dev/null
    exit 1
  fi
  sleep 3 # let Fyne paint its first frames
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "handover exited after opening its window"
    exit 1
  fi
  echo "window $wid: $(xdotool getwindowname "$wid"), $(xdotool getwindowgeometry "$wid" | tr -s '\n ' ' ')"
  import -window "$wid" "$shot" || xwd -root -silent | convert xwd:- "$shot"
  kill "$pid"
  wait "$pid" 2>/dev/null
  exit 0
fi

START=$(date +%s)
SUMMARY=$ROOT/build/dist-check/summary.txt
mkdir -p build/dist-check build/screenshots
: >"$SUMMARY"
FAILED=0
now() { date +%s; }
say() { printf '[dist-check %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
result() { # result PASS|FAIL "what" seconds
  printf '%-4s %-66s %s\n' "$1" "$2" "${3:+$3 s}" >>"$SUMMARY"
  [ "$1" = PASS ] || FAILED=1
  say "$1 $2"
}
check() { # check "what" command...: PASS if the command succeeds
  what=$1
  shift
  if "$@" >/dev/null 2>&1; then result PASS "$what"; else result FAIL "$what"; fi
}
summary() {
  echo
  echo "==================== dist-check summary ($VERSION) ===================="
  cat "$SUMMARY"
  echo "total $(($(now) - START)) s; artefacts:"
  ls -l dist/ 2>/dev/null | sed 's/^/  /'
  [ $FAILED = 0 ] && echo "dist-check: ALL PASSED" || echo "dist-check: FAILED"
  exit $FAILED
}

# --- prerequisites ------------------------------------------------------------------------
missing=
for c in go gcc x86_64-w64-mingw32-gcc makensis osslsigncode openssl dpkg-deb xz file \
  xvfb-run xauth xdotool dbus-run-session import convert timeout git apt-get; do
  command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
  echo "dist-check: missing commands:$missing (see the apt list at the top of $0)" >&2
  exit 2
fi
if [ "$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO="sudo -n"; else
  echo "dist-check: needs root (or sudo) for apt-get install" >&2
  exit 2
fi

eval "$(packaging/version.sh)"
say "version $VERSION (deb $DEBVER, Windows $NUMVER)"
toml_before=$(sha256sum FyneApp.toml)

# --- 1. build, signing with a throwaway certificate --------------------------------------
cert=build/dist-check/test-sign.crt
key=build/dist-check/test-sign.key
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$key" -out "$cert" -days 2 \
  -subj "/CN=Handover dist-check throwaway" -addext "extendedKeyUsage=codeSigning" >/dev/null 2>&1
t=$(now)
if SIGN_CERT=$ROOT/$cert SIGN_KEY=$ROOT/$key packaging/dist.sh all; then
  result PASS "build linux + windows (packaging/dist.sh all)" $(($(now) - t))
else
  result FAIL "build linux + windows (packaging/dist.sh all)" $(($(now) - t))
  summary
fi

# --- 2. Windows artefacts ------------------------------------------------------------------
exe=build/windows/handover.exe
cli=build/windows/handover-cli.exe
setup=dist/Handover-$VERSION-setup.exe
for f in "$exe" "$cli" "$setup"; do say "file: $(file -b "$f" 2>&1 | cut -c1-110)"; done
check "handover.exe is PE32+ GUI x86-64" sh -c "file -b '$exe' | grep -q '^PE32+ executable (GUI) x86-64'"
check "handover-cli.exe is PE32+ console x86-64" sh -c "file -b '$cli' | grep -q '^PE32+ executable (console) x86-64'"
check "$(basename "$setup") is an NSIS installer" sh -c "file -b '$setup' | grep -q 'Nullsoft Installer self-extracting archive'"
check "exe version resource is $NUMVER" sh -c "strings -el '$exe' | grep -qx '$NUMVER'"
check "setup version resource says $VERSION" sh -c "strings -el '$setup' | grep -qx '$VERSION'"
for f in "$exe" "$cli" "$setup"; do
  check "signature verifies: $(basename "$f")" osslsigncode verify -CAfile "$cert" -in "$f"
done
cp "$exe" build/dist-check/unsigned.exe
check "no cert => 'signing skipped' and exit 0" sh -c \
  "env -u SIGN_CERT -u SIGN_KEY packaging/sign.sh build/dist-check/unsigned.exe | grep -q 'signing skipped: set SIGN_CERT and SIGN_KEY'"

# --- 3. Linux artefacts ---------------------------------------------------------------------
tarball=dist/handover-$VERSION-linux-amd64.tar.xz
deb=dist/handover_${VERSION}_amd64.deb
check "tarball has bin, desktop entry, icon, Makefile" sh -c "tar -tJf '$tarball' >build/dist-check/tar.txt &&
  grep -q 'bin/handover\$' build/dist-check/tar.txt && grep -q 'applications/com.handover.app.desktop\$' build/dist-check/tar.txt &&
  grep -q 'pixmaps/com.handover.app.png\$' build/dist-check/tar.txt && grep -q '^handover/Makefile\$' build/dist-check/tar.txt"
check ".deb control: Version $DEBVER, Recommends gnome-keyring" sh -c "dpkg-deb -f '$deb' Version | grep -qx '$DEBVER' &&
  dpkg-deb -f '$deb' Recommends | grep -q gnome-keyring"

t=$(now)
if $SUDO apt-get install -y "./$deb" >build/dist-check/apt.log 2>&1 ||
  { $SUDO apt-get update >>build/dist-check/apt.log 2>&1 && $SUDO apt-get install -y "./$deb" >>build/dist-check/apt.log 2>&1; }; then
  result PASS "apt-get install -y ./$deb" $(($(now) - t))
else
  tail -n 20 build/dist-check/apt.log
  result FAIL "apt-get install -y ./$deb" $(($(now) - t))
  summary
fi
check "installed: desktop entry with MimeType=application/x-handover;" \
  grep -qx 'MimeType=application/x-handover;' /usr/share/applications/com.handover.app.desktop
check "installed: hicolor icon + shared-mime-info XML" \
  test -f /usr/share/icons/hicolor/256x256/apps/com.handover.app.png -a -f /usr/share/mime/packages/com.handover.app.xml
if [ -f /usr/share/mime/globs2 ]; then
  check "update-mime-database knows *.handover" grep -q 'application/x-handover:\*\.handover' /usr/share/mime/globs2
fi
got=$(/usr/bin/handover --version 2>build/dist-check/version.stderr)
say "/usr/bin/handover --version -> $got"
if [ "$got" = "handover $VERSION" ]; then
  result PASS "/usr/bin/handover --version = 'handover $VERSION'"
else
  result FAIL "/usr/bin/handover --version = 'handover $VERSION' (got '$got')"
fi

t=$(now)
shot=build/screenshots/installed-app.png
rm -f "$shot"
home=$(mktemp -d)
if HOME=$home timeout 120 dbus-run-session -- xvfb-run -a -s '-screen 0 1280x800x24' \
  "$ROOT/packaging/dist-check.sh" __gui "$ROOT/$shot" "$ROOT/build/screenshots/installed-app.log" >build/dist-check/gui.log 2>&1; then
  cat build/dist-check/gui.log
  result PASS "installed app opens a window named Handover (Xvfb)" $(($(now) - t))
else
  cat build/dist-check/gui.log build/screenshots/installed-app.log 2>/dev/null | tail -n 20
  result FAIL "installed app opens a window named Handover (Xvfb)" $(($(now) - t))
fi
rm -rf "$home"
colours=$(convert "$shot" -format '%k' info: 2>/dev/null || echo 0)
if [ "${colours:-0}" -gt 8 ]; then
  result PASS "screenshot $shot ($colours colours)"
else
  result FAIL "screenshot $shot is missing or blank"
fi
if grep -q 'panic:\|Error in Fyne call thread' build/screenshots/installed-app.log 2>/dev/null; then
  result FAIL "app log has a panic or a Fyne threading error (build/screenshots/installed-app.log)"
fi
check "installed desktop entry starts one instance per file (Exec=handover %f)" \
  grep -qx 'Exec=handover %f' /usr/share/applications/com.handover.app.desktop

if [ "${DIST_CHECK_KEEP:-0}" != 1 ]; then
  check "apt-get remove -y handover" $SUDO apt-get remove -y handover
fi

# --- 4. the checkout stays clean ------------------------------------------------------------
check "FyneApp.toml unchanged (no Build bump in the checkout)" sh -c "[ \"\$(sha256sum FyneApp.toml)\" = '$toml_before' ]"
check "no fyne.syso / fyne_metadata_init.go left in the checkout" sh -c "[ ! -e fyne.syso ] && [ ! -e fyne_metadata_init.go ]"

summary
