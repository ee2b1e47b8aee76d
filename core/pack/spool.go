package pack

import (
	"bufio"
	"io"
	"os"

	"filippo.io/age"
)

// spool holds an entry written ahead of its place in the zip: a temporary
// file encrypted to a key that lives only in this process's memory, so the
// firm's data never touches the disk in the clear (as with an encrypted
// package) and memory stays flat however large the entry is.
type spool struct {
	*bufio.Writer
	f   *os.File
	key *age.X25519Identity
	enc io.WriteCloser
}

func newSpool(pattern string) (*spool, error) {
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, err
	}
	enc, err := age.Encrypt(f, key.Recipient())
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &spool{Writer: bufio.NewWriterSize(enc, 256<<10), f: f, key: key, enc: enc}, nil
}

// finish ends the writing.
func (s *spool) finish() error {
	if err := s.Flush(); err != nil {
		return err
	}
	return s.enc.Close()
}

// copyTo writes the spooled bytes into w.
func (s *spool) copyTo(w io.Writer) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r, err := age.Decrypt(bufio.NewReaderSize(s.f, 256<<10), s.key)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}

// remove deletes the file; a nil spool is fine.
func (s *spool) remove() {
	if s != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}
