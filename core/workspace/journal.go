package workspace

import (
	"errors"
	"fmt"
	"os"

	"modernc.org/sqlite"
)

// busyTimeoutMS is how long a connection waits for another's lock before
// SQLite gives up with SQLITE_BUSY (a variable so tests need not wait it).
var busyTimeoutMS = 10000

// recoverJournal lets SQLite roll back what a bulk load (see bulk) killed
// half-way left in a -journal beside the project, before inspect reads the
// file read-only: a read-only connection cannot roll a journal back, and
// SQLite will not read past one it has not (SQLITE_READONLY_ROLLBACK). A
// read-write connection's first read does it, as any SQLite program opening
// the file would. A journal a live load is still writing is not "hot":
// SQLite leaves it alone and the read waits for that load's commit, up to
// the busy timeout.
func recoverJournal(path string) error {
	if st, err := os.Stat(path + "-journal"); err != nil || st.Size() == 0 {
		return nil
	}
	db, err := openRaw(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		if busy(err) {
			return inUse(path, err)
		}
		return fmt.Errorf("%s: an interrupted write could not be rolled back (%v): open the project where Handover may write to its folder", path, err)
	}
	return nil
}

// busy is SQLite's SQLITE_BUSY (or one of its extended codes): another
// connection held the lock past the busy timeout.
func busy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 5
}

// inUse is the message for a project another program is writing.
func inUse(path string, err error) error {
	return fmt.Errorf("%s: %w (%v): wait until the other Handover has finished, then open it again", path, ErrBusy, err)
}
