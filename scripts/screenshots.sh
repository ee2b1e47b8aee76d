#!/usr/bin/env bash
# Screenshots of every step of the desktop app on the demo firm, for the README
# and for eyeballing the screens: build/screenshots/NN-step.png.
#
# The app does the walking itself when HANDOVER_TOUR=1 (ui/tour.go): it opens
# the demo firm, shows each step (running the check and the duplicate search
# on the way) and prints "SHOT NN-name" when a screen is ready; this script
# photographs the window at each of those lines. Runs on the current DISPLAY,
# or starts its own Xvfb when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x800x24' "$0" "$@"
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-run-session >/dev/null; then
  exec dbus-run-session -- "$0" "$@"
fi

bin=${HANDOVER_BIN:-build/handover-dev} # the tour and the benchmarks are in dev builds only
[ -x "$bin" ] || make build-dev
out=${SHOTS_DIR:-build/screenshots} # FYNE_THEME=light SHOTS_DIR=build/screenshots-light for the light look
mkdir -p "$out"

# a clean preferences folder, so "Recent migrations" shows nothing personal
cfg=$(mktemp -d)
export XDG_CONFIG_HOME=$cfg HANDOVER_TOUR=1
case ${LANG:-C} in C | C.* | POSIX) export LANG=en_US.UTF-8 ;; esac # Fyne cannot parse "C"

coproc APP { exec "$bin" 2>"$out/app.log"; }
pid=$APP_PID
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$cfg"' EXIT

wid=$(timeout 60 xdotool search --sync --onlyvisible --name '^Handover' | head -1)
n=0
: >"$out/stalls.txt"
while IFS= read -r -t 120 line <&"${APP[0]}"; do
  case $line in
    "SHOT "*)
      name=${line#SHOT }
      import -window "$wid" "$out/$name.png"
      echo "saved $out/$name.png"
      n=$((n + 1))
      ;;
    "STALLS "* | "STALLDETAIL "* | "STALLSTACK "* | "UIWORK "* | "FRAME "*)
      # Longest wait of the UI goroutine per phase (and what it was doing
      # during the stalls, and the cost of a full frame): figures, not a
      # pass/fail.
      echo "$line" | tee -a "$out/stalls.txt"
      ;;
    "TOUR DONE") break ;;
    "TOUR FAILED"*) echo "$line" >&2; exit 1 ;;
  esac
done
if [ "$n" -lt 8 ]; then
  echo "FAIL screenshots: only $n screens photographed (see $out/app.log)" >&2
  exit 1
fi
echo "ok   screenshots: $n screens in $out"
