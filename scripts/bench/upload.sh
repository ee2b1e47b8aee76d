#!/usr/bin/env bash
# scripts/bench/upload.sh SIZE PROJECT RESULTS.tsv — called by scripts/bench.sh.
# Uploads PROJECT to a local Clio (`handover fakeclio`) at BENCH_CLIO_RATE
# requests per BENCH_CLIO_WINDOW (default 600 per 1s: far above Clio's real
# 50/min, so the figure is our own cost per record, not the rate limit), inside
# a throwaway D-Bus session with a real gnome-keyring (login stores the tokens
# there, as in production). login's callback uses the fixed port 5678 (the
# redirect URI the local Clio has registered). Appends one result line (records/s, wall, peak RSS).
set -euo pipefail
cd "$(dirname "$0")/../.."
export LANG=en_US.UTF-8
size=$1 ws=$2 res=$3
H=$PWD/build/handover-dev # fakeclio is in dev builds only
RATE=${BENCH_CLIO_RATE:-600}
WINDOW=${BENCH_CLIO_WINDOW:-1s}
work=$(dirname "$ws")/upload
mkdir -p "$work"

if [ -z "${HANDOVER_BENCH_IN_KEYRING:-}" ]; then
  for t in dbus-run-session gnome-keyring-daemon curl; do
    command -v $t >/dev/null || { printf '%s\tupload\thandover\t0\t0\t0\t0\t0\t-\tTODO: %s not installed, upload not measured\n' "$size" "$t" >>"$res"; exit 0; }
  done
  export GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE)
  HOME=$(mktemp -d); export HOME
  mkdir -p "$HOME/.cache" "$HOME/.local/share/keyrings"; chmod 700 "$HOME/.cache" "$HOME/.local/share/keyrings"
  # dbus-run-session reports the session bus's SIGTERM (143) on the way out: the result line says how it went
  HANDOVER_BENCH_IN_KEYRING=1 dbus-run-session -- scripts/with-keyring.sh "$0" "$@" 2>/dev/null || true
  exit 0
fi

port=$(( 20000 + RANDOM % 20000 ))
"$H" fakeclio --addr 127.0.0.1:$port --rate-limit "$RATE" --window "$WINDOW" --auto-approve >"$work/fakeclio.log" 2>&1 &
fc=$!
trap 'kill $fc 2>/dev/null; wait $fc 2>/dev/null; exit 0' EXIT   # the result line says how it went
base=http://127.0.0.1:$port
for _ in $(seq 50); do grep -q "Local Clio running" "$work/fakeclio.log" && break; sleep 0.1; done
printf %s handover-dev-secret >"$work/secret.txt"
timeout 60 "$H" login --region us --base-url "$base" --client-id handover-dev --client-secret-file "$work/secret.txt" --no-browser >"$work/login.out" 2>"$work/login.err" &
lp=$!
url=""
for _ in $(seq 100); do url=$(grep -o 'http[^ ]*/oauth/authorize[^ ]*' "$work/login.out" | head -1 || true); [ -n "$url" ] && break; sleep 0.1; done
[ -n "$url" ] && curl -sSL -o /dev/null "$url" || true
if ! wait $lp; then
  printf '%s\tupload\thandover\t0\t0\t0\t0\t0\t-\tTODO: login to the local Clio failed: %s\n' "$size" "$(grep -v 'Fyne\|Cause:\|At: ' "$work/login.err" | tail -1 | tr '\t' ' ')" >>"$res"
  exit 0
fi
tf=$work/time.txt rc=0
/usr/bin/time -v -o "$tf" "$H" upload -w "$ws" --region us --base-url "$base" --allow-blockers --json >"$work/upload.json" 2>"$work/upload.err" || rc=$?
wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tf")
rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$tf")
cpu=$(awk -F': ' '/Percent of CPU/{sub("%","",$2); print $2}' "$tf")
# records sent = sum of "created" + "linked"; requests from the JSON answer
sum() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(d.get(sys.argv[2],{}).values()) if isinstance(d.get(sys.argv[2]),dict) else d.get(sys.argv[2],0))' "$work/upload.json" "$1" 2>/dev/null || echo 0; }
created=$(sum created) linked=$(sum linked) failedn=$(sum failed) requests=$(sum requests)
note="fakeclio at $RATE req/$WINDOW; created $created, linked $linked, failed $failedn, $requests requests"
if [ "$rc" = 1 ] && [ "$failedn" -gt 0 ] && [ "$created" -gt 0 ]; then
  note="$note; exit 1 because Clio refused $failedn records (the firm's planted bad data), as designed"; rc=0
fi
[ "$rc" != 0 ] && note="$note; exit $rc: $(grep -v 'Fyne\|Cause:\|At: ' "$work/upload.err" | tail -1 | tr '\t' ' ' | cut -c1-160)"
printf '%s\tupload\thandover\t%s\t0\t%s\t%s\t%s\t%s\t%s\n' "$size" "$((created + linked))" "${wall:-0}" "${rss:-0}" "${cpu:-0}" "$rc" "$note" >>"$res"
printf '  %-8s %-14s %-10s rows=%-8s wall=%6ss rss=%6s MB rc=%s (%s)\n' "$size" upload handover "$((created + linked))" "$wall" "$(( ${rss:-0} / 1024 ))" "$rc" "$note"
