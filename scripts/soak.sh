#!/usr/bin/env bash
# make soak: crash-resume trials and fuzzing. Prints "soak: N passed, M failed"
# and exits non-zero on any failure.
#
#   make soak                 # SHORT form (≈3-4 min; what .ci/run calls)
#   SOAK=long make soak       # LONG form for nightly: 1M-row firm, 40+20 kill trials,
#                             # 5 min per fuzz target, upload chaos with extra seeds (≈1.5 h)
#   SOAK_SEED=42 make soak    # replay the same kill points
#   SOAK_ONLY="ingest package upload fuzz"   # run a subset
#
# (1) ingest: start `handover ingest` on a firm's files, kill -9 it at a random
#     moment, then scripts/bench/wscheck must find the project opening cleanly
#     (or absent), PRAGMA integrity_check ok, VerifyInvariant passing and every
#     source present either whole (same counts as a clean run) or not at all;
#     re-running the ingest must complete with counts equal to the clean run.
# (2) package: kill -9 `handover package` at a random moment: no file under the
#     final name unless complete (verify passes), the project's counts untouched,
#     the re-run verifies and clears the killed run's .partial temp file; and,
#     once, two clean runs must give the same bytes.
# (3) upload: the crash/chaos tests of core/upload (journal + local Clio, no
#     duplicates, nothing lost), if present; and the one-writer trials: two
#     upload processes on one project, kill -9 of the lease holder.
# (4) every `func Fuzz*` in the module, for a fixed time each.
set -uo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
MODE=${SOAK:-short}
ONLY=${SOAK_ONLY:-"ingest package upload fuzz"}
SEED=${SOAK_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$SEED
H=$PWD/build/handover
OUT=$PWD/build/soak
DATA=$PWD/build/bench-data
case "$MODE" in
  short) INGEST_TRIALS=${SOAK_INGEST_TRIALS:-10}; PACK_TRIALS=${SOAK_PACK_TRIALS:-10}; FUZZTIME=${SOAK_FUZZTIME:-5s}
         ING_CONTACTS=5000; PACK_CONTACTS=1000 ;;
  long)  INGEST_TRIALS=${SOAK_INGEST_TRIALS:-40}; PACK_TRIALS=${SOAK_PACK_TRIALS:-20}; FUZZTIME=${SOAK_FUZZTIME:-5m}
         ING_CONTACTS=100000; PACK_CONTACTS=10000 ;;
  *) echo "soak: SOAK must be short or long" >&2; exit 2 ;;
esac
[ -x "$H" ] || { echo "soak: $H missing: run 'make soak' (it builds first)" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT/bin" "$DATA"
LOG=$OUT/soak.log
SUM=$OUT/summary.txt
: >"$SUM"
go build -o "$OUT/bin/gen" ./internal/synth/gen || exit 2
go build -o "$OUT/bin/wscheck" ./scripts/bench/wscheck || exit 2
WSCHECK=$OUT/bin/wscheck
passed=0 failed=0
t0=$(date +%s)
ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
bad()  { failed=$((failed + 1)); echo "  FAIL $*"; echo "FAIL $*" >>"$SUM"; }
note() { echo "$*" | tee -a "$SUM"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
HELP=$("$H" help 2>/dev/null)   # not piped into grep -q: under pipefail its early exit would SIGPIPE the help
hascmd() { grep -qE "^  $1 " <<<"$HELP"; }
want() { [[ " $ONLY " == *" $1 "* ]]; }
echo "soak: $MODE form, seed $SEED (SOAK_SEED=$SEED replays the kill points)"

firm() { # firm CONTACTS → prints the cached firm's directory (same cache as make bench)
  local d=$DATA/firm-c$1-s1
  if [ ! -f "$d/.complete" ]; then
    rm -rf "$d" "$d.tmp"
    "$OUT/bin/gen" -out "$d.tmp" -contacts "$1" -seed 1 -q >&2 && mv "$d.tmp" "$d" && touch "$d/.complete"
  fi
  echo "$d"
}

# run_killed MAX_MS CMD...: start CMD, kill -9 it after a random delay in
# [20, MAX_MS] ms (it may finish first). Sets KILLED=1 if it was still running.
run_killed() {
  local max=$1; shift
  local delay=$(( 20 + (RANDOM * 32768 + RANDOM) % (max > 20 ? max - 19 : 1) ))
  "$@" >>"$LOG" 2>&1 &
  local pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  KILLED=0
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null && KILLED=1; fi
  wait "$pid" 2>/dev/null
  KILL_AT=$delay
}

# ---------------------------------------------------------------- (1) ingest
if want ingest; then
  d=$(firm "$ING_CONTACTS")
  files=("$d/pclaw/clients.csv" "$d/pclaw/matters.csv" "$d/pclaw/time.csv" "$d/pclaw/ar-ledger.xlsx" "$d/mail/matters.mbox" "$d/abacus/NAMES.DBF")
  w=$OUT/ingest
  mkdir -p "$w"
  s=$(now_ms)
  "$H" ingest -w "$w/clean.handover" "${files[@]}" --json >"$w/clean.json" 2>>"$LOG" || bad "ingest: clean run failed"
  T=$(( $(now_ms) - s ))
  "$WSCHECK" -w "$w/clean.handover" -dump "$w/clean-state.json" >>"$LOG" 2>&1 || bad "ingest: clean project does not check"
  # Even trials add to an existing project (made and closed cleanly with the first file),
  # odd trials start from nothing: a new project's first seconds are their own risk.
  "$H" ingest -w "$w/seed.handover" "${files[0]}" >>"$LOG" 2>&1 || bad "ingest: seed project failed"
  note "ingest: clean run of ${#files[@]} files ($(( $(wc -l <"$d/pclaw/time.csv") - 1 )) time rows) took ${T} ms; $INGEST_TRIALS kill -9 trials in [20, $((T * 11 / 10))] ms"
  killed=0 half=0
  for i in $(seq 1 "$INGEST_TRIALS"); do
    p=$w/t$i.handover
    rm -rf "$p" "$p"-* "$p.files"
    kind="new project"
    if [ $((i % 2)) = 0 ]; then cp "$w/seed.handover" "$p"; kind="existing project"; fi
    run_killed $(( T * 11 / 10 )) "$H" ingest -w "$p" "${files[@]}"
    killed=$((killed + KILLED))
    present=$([ -e "$p" ] && "$WSCHECK" -w "$p" -dump "$w/t$i-state.json" 2>/dev/null | sed 's/.*ok: //')
    if "$WSCHECK" -w "$p" -expect "$w/clean-state.json" >>"$LOG" 2>&1; then
      ok "ingest trial $i ($kind): killed at ${KILL_AT} ms (killed=$KILLED): project consistent, no half source (${present:-no project file})"
      [ -n "$present" ] && [ "${present%% *}" != "${#files[@]}" ] && half=$((half + 1))
    else
      diag=""
      if [ -e "$p" ] && command -v sqlite3 >/dev/null; then   # is the data there once SQLite has replayed the WAL?
        rd=$(mktemp -d); for f in "$p" "$p"-wal "$p"-shm; do [ -e "$f" ] && cp "$f" "$rd/x.handover${f#"$p"}"; done
        sqlite3 "$rd/x.handover" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1
        "$WSCHECK" -w "$rd/x.handover" -expect "$w/clean-state.json" >/dev/null 2>&1 && diag=" [diagnosis: after sqlite3 checkpoints the WAL the same file passes every check: the committed data is intact, only the main file's header was not yet written]"
        rm -rf "$rd"
      fi
      bad "ingest trial $i ($kind): killed at ${KILL_AT} ms: $(tail -1 "$LOG")$diag"
      for f in "$p" "$p"-wal "$p"-shm "$p"-journal; do [ -e "$f" ] && cp "$f" "$OUT/failed-ingest-$i.handover${f#"$p"}"; done
    fi
    if "$H" ingest -w "$p" "${files[@]}" >>"$LOG" 2>&1 && "$WSCHECK" -w "$p" -expect "$w/clean-state.json" -complete >>"$LOG" 2>&1; then
      ok "ingest trial $i ($kind): re-run complete, counts equal the clean run"
    else
      bad "ingest trial $i ($kind): re-run after kill at ${KILL_AT} ms: $(tail -1 "$LOG")"
    fi
    rm -rf "$p" "$p"-* "$p.files"
  done
  note "ingest: $killed of $INGEST_TRIALS runs killed mid-run ($half of them with some but not all files committed)"
fi

# --------------------------------------------------------------- (2) package
if want package; then
  if hascmd package; then
    d=$(firm "$PACK_CONTACTS")
    w=$OUT/package
    mkdir -p "$w"
    p=$w/p.handover
    "$H" ingest -w "$p" "$d" >>"$LOG" 2>&1 && "$H" cutoff -w "$p" --by soak >>"$LOG" 2>&1 || bad "package: could not prepare the project"
    "$WSCHECK" -w "$p" -dump "$w/state.json" >>"$LOG" 2>&1
    s=$(now_ms)
    "$H" package -w "$p" -o "$w/clean.zip" --allow-blockers >>"$LOG" 2>&1 || bad "package: clean run failed"
    T=$(( $(now_ms) - s ))
    clean=$(sha256sum "$w/clean.zip" | cut -d' ' -f1)
    "$H" verify "$w/clean.zip" >>"$LOG" 2>&1 || bad "package: clean package does not verify"
    # determinism (DESIGN: same input → same bytes) is checked once, apart from crash safety
    "$H" package -w "$p" -o "$w/again.zip" --allow-blockers >>"$LOG" 2>&1
    if [ "$(sha256sum "$w/again.zip" | cut -d' ' -f1)" = "$clean" ]; then
      ok "package: two clean runs give the same bytes"; same=1
    else
      diffs=$(cd "$w" && mkdir -p a b && (cd a && unzip -qo ../clean.zip) && (cd b && unzip -qo ../again.zip) && diff -rq a b | sed -E 's/^Files a\/([^ ]*) and .*/\1/' | tr '\n' ' ')
      bad "package: two clean runs of the same project differ ($diffs): same input must give the same bytes"; same=0
      rm -rf "$w/a" "$w/b"
    fi
    note "package: clean run took ${T} ms ($(( $(stat -c %s "$w/clean.zip") / 1024 )) KiB); $PACK_TRIALS kill -9 trials in [20, $((T * 11 / 10))] ms"
    killed=0 partials=0
    for i in $(seq 1 "$PACK_TRIALS"); do
      z=$w/out.zip
      rm -f "$z"
      run_killed $(( T * 11 / 10 )) "$H" package -w "$p" -o "$z" --allow-blockers
      killed=$((killed + KILLED))
      left=$(find "$w" -name '.out.zip.*' | wc -l)
      partials=$((partials + left))
      if [ -e "$z" ]; then
        if "$H" verify "$z" >>"$LOG" 2>&1 && { [ "$same" = 0 ] || [ "$(sha256sum "$z" | cut -d' ' -f1)" = "$clean" ]; }; then
          ok "package trial $i: killed at ${KILL_AT} ms (killed=$KILLED): out.zip exists and verifies"
        else
          bad "package trial $i: killed at ${KILL_AT} ms: out.zip exists but does not verify"
          cp "$z" "$OUT/failed-package-$i.zip"
        fi
      else
        ok "package trial $i: killed at ${KILL_AT} ms (killed=$KILLED): no out.zip (temp files left: $left)"
      fi
      if ! "$WSCHECK" -w "$p" -expect "$w/state.json" -complete >>"$LOG" 2>&1; then
        bad "package trial $i: the project changed or broke: $(tail -1 "$LOG")"
      fi
      if "$H" package -w "$p" -o "$z" --allow-blockers >>"$LOG" 2>&1 && "$H" verify "$z" >>"$LOG" 2>&1 && { [ "$same" = 0 ] || [ "$(sha256sum "$z" | cut -d' ' -f1)" = "$clean" ]; }; then
        ok "package trial $i: re-run verifies$([ "$same" = 1 ] && echo ", same bytes as the clean run")"
        stale=$(find "$w" -name '.out.zip.*' | wc -l)
        if [ "$stale" = 0 ]; then ok "package trial $i: no temp file left after the re-run"
        else bad "package trial $i: $stale temp file(s) .out.zip.*.partial still there after the re-run"; find "$w" -name '.out.zip.*' -delete; fi
      else
        bad "package trial $i: re-run after kill at ${KILL_AT} ms failed or differs"
      fi
    done
    note "package: $killed of $PACK_TRIALS runs killed mid-run; $partials of them left a temp file (.out.zip.*.partial), which the re-run must clear"
  else
    note "package: skipped (no package command in this build)"
  fi
fi

# ---------------------------------------------------------------- (3) upload
if want upload; then
  if grep -qsE '^func Test[A-Za-z]*(Crash|Chaos)' core/upload/*_test.go; then
    uenv=()
    [ "$MODE" = long ] && uenv=(HANDOVER_CHAOS_SEEDS=1)
    s=$(date +%s)
    if env "${uenv[@]}" go test -count=1 -run 'Crash|Chaos' -v ./core/upload >"$OUT/upload.log" 2>&1; then
      ok "upload: go test -run 'Crash|Chaos' ./core/upload ($(grep -c '^--- PASS' "$OUT/upload.log") tests, $(( $(date +%s) - s )) s)"
      note "upload: $(grep -E '^--- (PASS|SKIP)' "$OUT/upload.log" | sed 's/^--- //' | tr '\n' ' ')"
    else
      bad "upload: go test -run 'Crash|Chaos' ./core/upload: $(grep -E '^--- FAIL|FAIL|panic' "$OUT/upload.log" | head -3 | tr '\n' ' ')"
    fi
  else
    note "upload: skipped (no Crash/Chaos tests in core/upload yet)"
  fi
fi

# ------------------------------------------------------------------ (3b) one writer
# Two real upload processes on one project (the second is refused, Clio ends
# as after one upload), and kill -9 of the lease holder followed by a new run
# that takes the lease over and completes with no duplicate. Repeated: the
# kill lands at a different moment each time.
if want upload; then
  LEASE_TRIALS=3; [ "$MODE" = long ] && LEASE_TRIALS=10
  s=$(date +%s)
  if go test -count="$LEASE_TRIALS" -run '^(TestTwoUploadsOnOneProject|TestKilledHolderTakenOver)$' -v ./cli >"$OUT/lease.log" 2>&1; then
    ok "lease: two uploads on one project and kill -9 of the holder, $LEASE_TRIALS trials each ($(( $(date +%s) - s )) s)"
  else
    bad "lease: $(grep -E '^--- FAIL|FAIL|panic|lease_test' "$OUT/lease.log" | head -3 | tr '\n' ' ')"
  fi
fi

# ------------------------------------------------------------------ (4) fuzz
if want fuzz; then
  n=0
  while IFS=: read -r file fn; do
    pkg=./$(dirname "$file")
    s=$(date +%s)
    if go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$FUZZTIME" "$pkg" >"$OUT/fuzz.log" 2>&1; then
      execs=$(grep -oE 'execs: [0-9]+' "$OUT/fuzz.log" | tail -1 | cut -d' ' -f2)
      ok "fuzz $pkg $fn for $FUZZTIME (${execs:-?} execs, $(( $(date +%s) - s )) s with build)"
      n=$((n + 1))
    elif grep -q 'context deadline exceeded' "$OUT/fuzz.log" && ! grep -q 'Failing input written' "$OUT/fuzz.log"; then
      # Go's fuzz coordinator can report its own -fuzztime deadline as a
      # failure (go.dev/issue/75804, fixed in Go 1.27, not in 1.26.x): no input
      # failed and none was written. Counted as fuzzed, with the reason.
      execs=$(grep -oE 'execs: [0-9]+' "$OUT/fuzz.log" | tail -1 | cut -d' ' -f2)
      ok "fuzz $pkg $fn for $FUZZTIME (${execs:-?} execs; ended by Go's fuzztime race go.dev/issue/75804, no failing input)"
      n=$((n + 1))
    else
      bad "fuzz $pkg $fn: $(grep -E 'Failing input|failure|panic|FAIL' "$OUT/fuzz.log" | head -3 | tr '\n' ' ')"
      cat "$OUT/fuzz.log" >>"$LOG"
    fi
  done < <(grep -rE '^func Fuzz[A-Za-z0-9_]*\(' --include='*_test.go' . 2>/dev/null | grep -v '^./build/\|^./dist/' |
           sed -E 's/^\.\/([^:]*):func (Fuzz[A-Za-z0-9_]*)\(.*/\1:\2/' | sort)
  note "fuzz: $n targets fuzzed for $FUZZTIME each"
fi

note "soak: $MODE form took $(( $(date +%s) - t0 )) s (seed $SEED)"
echo "soak: $passed passed, $failed failed"
echo "soak: $passed passed, $failed failed" >>"$SUM"
[ "$failed" -eq 0 ]
