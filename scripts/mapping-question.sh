#!/usr/bin/env bash
# Screenshot of the Mapping screen asking about a relational source:
# docs/screenshots/03-mapping-question.png. It builds a small case database
# whose tblFileNotes.RefID holds numbers that are both client and matter ids,
# reads it into a project, opens the project and moves to the Mapping step.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x800x24' "$0" "$@"
fi
bin=${HANDOVER_BIN:-build/handover}
[ -x "$bin" ] || make build
work=$(mktemp -d)
cfg=$(mktemp -d)
export XDG_CONFIG_HOME=$cfg
case ${LANG:-C} in C | C.* | POSIX) export LANG=en_US.UTF-8 ;; esac
db=$work/office-2009.db
{
  echo "CREATE TABLE tblFileNotes (NoteID INTEGER PRIMARY KEY, RefID INTEGER, NoteDate TEXT, NoteText TEXT);"
  echo "CREATE TABLE tblClients (ClientID INTEGER PRIMARY KEY, FirstName TEXT, LastName TEXT, EMail TEXT);"
  echo "CREATE TABLE tblMatters (MatterID INTEGER PRIMARY KEY, MatterNo TEXT, ClientID INTEGER, Descr TEXT);"
  first=(John Li Olga Peter Sara Omar Ines Karl Nadia)
  last=(Baker Wong Petrova Novak Lindqvist Haddad Costa Brandt Aziz)
  for i in 1 2 3 4 5 6 7 8; do
    echo "INSERT INTO tblClients VALUES ($i,'${first[$i]}','${last[$i]}','${first[$i]}@mail.example');"
    echo "INSERT INTO tblMatters VALUES ($i,'$((2019 + i % 5))-00$i',$((9 - i)),'Advice to ${last[$((9 - i))]}');"
  done
  for i in $(seq 1 12); do
    printf "INSERT INTO tblFileNotes VALUES (%d,%d,'2024-05-%02d','Attendance note %d: went through the papers with the client and agreed what to file next.');\n" "$i" $((i % 8 + 1)) "$i" "$i"
  done
} | sqlite3 "$db"
"$bin" ingest -w "$work/firm.handover" "$db" >/dev/null
"$bin" "$work/firm.handover" 2>"$work/app.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work" "$cfg"' EXIT
wid=$(timeout 60 xdotool search --sync --onlyvisible --name '^Handover' | head -1)
sleep 4
xdotool windowactivate --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
sleep 1
xdotool key --window "$wid" ctrl+Right # Sources → Mapping; the questioned table is listed first
sleep 4
out=${1:-docs/screenshots/03-mapping-question.png}
import -window "$wid" "$out"
echo "saved $out"
