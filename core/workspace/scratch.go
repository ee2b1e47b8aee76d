package workspace

import (
	"context"
	"database/sql"
	"fmt"
)

// Scratch is a private on-disk SQLite database that SQLite deletes when it is
// closed: room for working data too big to hold in memory (duplicate
// detection's blocking keys, the package's reference index) without touching
// the project file.
type Scratch struct {
	db *sql.DB
	// Conn is the database's only connection: a temporary database belongs to
	// the connection that opened it.
	Conn *sql.Conn
}

// OpenScratch opens a scratch database and creates schema in it; what names
// the error is what the scratch is for.
func OpenScratch(ctx context.Context, what, schema string) (*Scratch, error) {
	db, err := sql.Open("sqlite", "") // "": a private on-disk database SQLite deletes on close
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Scratch{db: db, Conn: conn}
	if _, err := conn.ExecContext(ctx, schema); err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return s, nil
}

// Close deletes the scratch database. Roll back or commit any transaction on
// Conn first.
func (s *Scratch) Close() {
	s.Conn.Close()
	s.db.Close()
}
