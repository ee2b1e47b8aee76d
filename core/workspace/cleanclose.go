package workspace

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"
)

// What opening's quick_check is for, and when it is skipped.
//
// SQLite's own journal brings a write killed half-way (kill -9, a power cut)
// back whole or not at all: that needs no check of ours, and the soak's kill
// trials hold it. quick_check is for what the journal cannot see: a file cut
// short by a copy, pages changed by a bad disk or by another program, a copy
// taken while the project was open. It reads every page, 1-2 s for a
// million-row project, on every open by every command.
//
// So Close, when it was the last connection and has folded the WAL back,
// marks the file: the time it closed it, which it also sets as the file's
// modification time, and when quick_check last read it through. An open
// that finds the file exactly so — in rollback-journal mode with no -wal,
// -shm or -journal beside it, the size its header says, the modification
// time the mark says — knows that not a byte was written since a clean
// close of a verified file, and skips quick_check. A crash leaves the WAL
// mode and a -wal; a copy gets a new time; any write by anyone moves the
// time; a truncated file is not the size its header says: each is
// verified as before. What no mark can see is a disk that changes bytes by
// itself, so a clean file is still read through once reverifyAfter has
// passed since its last verification (and SQLite reports a damaged page
// whenever it reads one).

const (
	metaCleanClose = "clean_close" // "<mtime ns> <verified unix s>"
	reverifyAfter  = 7 * 24 * time.Hour
	// markGrain is the precision of the modification time Close sets: the
	// coarsest that file systems keep (FAT's 2 s), so the mark survives on
	// any of them.
	markGrain = 2 * time.Second
)

// cleanClose returns when the file was last verified if it is exactly as a
// clean close left it, and verified within reverifyAfter of now; otherwise
// the zero time (verify it now). head is the file's first 100 bytes, st its
// stat, db a read-only connection to it.
func cleanClose(path string, head []byte, st os.FileInfo, db *sql.DB, now time.Time) time.Time {
	var none time.Time
	if head[18] != 1 || head[19] != 1 {
		return none // WAL mode: open now, or never closed
	}
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Lstat(path + side); !errors.Is(err, os.ErrNotExist) {
			return none
		}
	}
	pageSize := int64(binary.BigEndian.Uint16(head[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	// the page count in the header is valid when the change counter and the
	// version-valid-for number agree (SQLite's file format, 1.3.8)
	pages := int64(binary.BigEndian.Uint32(head[28:32]))
	if pages == 0 || !bytes.Equal(head[24:28], head[92:96]) || st.Size() != pages*pageSize {
		return none
	}
	var mark string
	if err := db.QueryRow(`SELECT value FROM meta WHERE key = ?`, metaCleanClose).Scan(&mark); err != nil {
		return none
	}
	var closed, verified int64
	if n, err := fmt.Sscanf(mark, "%d %d", &closed, &verified); err != nil || n != 2 {
		return none
	}
	if st.ModTime().UnixNano() != closed {
		return none
	}
	at := time.Unix(verified, 0)
	if at.After(now) || now.Sub(at) > reverifyAfter {
		return none
	}
	return at
}

// markClean writes the clean-close mark through db, the connection that has
// just put the file back in rollback-journal mode, closes it and sets the
// file's modification time to the mark's. A mark that cannot be written
// costs the next open a quick_check, nothing else: it is not an error.
func (w *Workspace) markClean(db *sql.DB) error {
	at := time.Now().Truncate(markGrain)
	_, markErr := db.Exec(`INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		metaCleanClose, markValue(at, w.verifiedAt))
	if err := db.Close(); err != nil {
		return err
	}
	if markErr == nil {
		os.Chtimes(w.path, time.Time{}, at)
	}
	return nil
}

func markValue(closed, verified time.Time) string {
	return fmt.Sprintf("%d %d", closed.UnixNano(), verified.Unix())
}

// openRaw is a plain read-write connection to a project file.
func openRaw(path string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+fmt.Sprintf("?_pragma=busy_timeout(%d)", busyTimeoutMS))
}
