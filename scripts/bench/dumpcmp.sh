#!/usr/bin/env bash
# scripts/bench/dumpcmp.sh A.handover B.handover: every stored column of rows, headers, findings
# and sources (but the ingest time) and meta (but created_at, clean_close) of
# two projects,
# compared by digest. Attachment paths name their project's folder: normalised.
set -e
dump() {
  sqlite3 -readonly "$1" "
    SELECT 'rows', * FROM rows ORDER BY id;
    SELECT 'headers', * FROM headers ORDER BY id;
    SELECT 'findings', id, origin, rule, severity, entity, record_key, row_id, source, row_no, field, value, message, fix, detail FROM findings ORDER BY id;
    SELECT 'sources', id, path, name, size, sha256, format, encoding, delimiter, header_row, system, profile, detection, options, exported_at, rows, records, excluded, rejected FROM sources ORDER BY id;
    SELECT 'meta', key, value FROM meta WHERE key NOT IN ('created_at', 'clean_close') ORDER BY key;" |
  sed -E 's@"path":"[^"]*[.]handover[.]files/@"path":"P.files/@g'
}
a=$(dump "$1" | sha256sum); b=$(dump "$2" | sha256sum)
echo "$1: $(dump "$1" | wc -l) lines $a"
echo "$2: $(dump "$2" | wc -l) lines $b"
[ "$a" = "$b" ] && echo SAME || { echo DIFFERENT; diff <(dump "$1") <(dump "$2") | head -20; exit 1; }
