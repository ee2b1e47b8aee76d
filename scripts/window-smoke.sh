#!/usr/bin/env bash
# Opens the real app (GLFW driver, Mesa software GL) on the current X display,
# waits for its window, saves a screenshot and checks it is not blank.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${HANDOVER_BIN:-build/handover}
out=${1:-build/screenshots/window-smoke.png}
mkdir -p "$(dirname "$out")"
: "${DISPLAY:?window-smoke needs an X display (run it under xvfb-run)}"
"$bin" & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
if ! timeout 60 xdotool search --sync --onlyvisible --name '^Handover' >/dev/null; then
  echo "FAIL window-smoke: no 'Handover' window appeared within 60 s" >&2
  exit 1
fi
sleep 2 # let the first frames render
import -window root "$out"
sd=$(convert "$out" -colorspace Gray -format '%[fx:standard_deviation]' info:)
if awk -v s="$sd" 'BEGIN{exit !(s < 0.01)}'; then
  echo "FAIL window-smoke: the screenshot $out is blank (std dev $sd)" >&2
  exit 1
fi
echo "ok   window-smoke: window 'Handover' appeared, screenshot $out (std dev $sd)"
