#!/usr/bin/env bash
# Cold start to the first window: starts build/handover on a virtual X
# display five times and times how long until its window is mapped
# (xdotool --sync). Prints one line per run and the median, in ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${HANDOVER_BIN:-build/handover}
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "$0" "$@"
fi
export LANG=en_US.UTF-8
times=()
for i in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$bin" & pid=$!
  timeout 60 xdotool search --sync --onlyvisible --name '^Handover' >/dev/null
  end=$(date +%s%N)
  kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: window after $ms ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "startup: median $median ms to the first window (5 runs)"
