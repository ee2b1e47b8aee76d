package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// ChunkSize is the largest value stored in a single keyring entry. Windows
// rejects credentials over 2,560 bytes and macOS' `security` command line is
// capped at 4,096 bytes with the value base64-encoded (≈3,000 bytes of
// service+account+value), so 2,000 bytes stays under both.
const ChunkSize = 2000

// headerPrefix marks the entry under the bare key as a chunk header:
// "handover-chunked/v1 n=<count> sha256=<hex>".
const headerPrefix = "handover-chunked/v1 "

// CorruptError reports a value whose chunks do not add up (a write that was
// interrupted, or entries edited by hand). It matches ErrNotFound, so callers
// treat it as "not signed in", but its message says what went wrong.
type CorruptError struct {
	Key    string
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the keyring entry %q is incomplete (%s), probably because an earlier save was interrupted; it was ignored, please sign in again", e.Key, e.Reason)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *CorruptError) Is(target error) bool { return target == ErrNotFound }

// Keyring returns a Store backed by the OS keyring (macOS Keychain, Windows
// Credential Manager, Secret Service on Linux) under the given service name.
func Keyring(service string) Store { return &keyringStore{service: service} }

type keyringStore struct{ service string }

func chunkKey(key string, i int) string { return key + "#" + strconv.Itoa(i) }

func (s *keyringStore) rawGet(key string) (string, error) {
	v, err := keyring.Get(s.service, key)
	if err != nil {
		if errors.Is(err, keyring.ErrNotFound) {
			return "", ErrNotFound
		}
		return "", explain(err)
	}
	return v, nil
}

func (s *keyringStore) rawSet(key, value string) error {
	if err := keyring.Set(s.service, key, value); err != nil {
		return explain(err)
	}
	return nil
}

func (s *keyringStore) rawDelete(key string) error {
	err := keyring.Delete(s.service, key)
	if err != nil {
		if errors.Is(err, keyring.ErrNotFound) {
			return ErrNotFound
		}
		return explain(err)
	}
	return nil
}

type header struct {
	n   int
	sum string
}

func parseHeader(v string) (header, bool, error) {
	if !strings.HasPrefix(v, headerPrefix) {
		return header{}, false, nil
	}
	var h header
	for _, f := range strings.Fields(v[len(headerPrefix):]) {
		k, val, _ := strings.Cut(f, "=")
		switch k {
		case "n":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 100000 {
				return h, true, fmt.Errorf("bad chunk count %q", val)
			}
			h.n = n
		case "sha256":
			h.sum = val
		}
	}
	if h.n == 0 || len(h.sum) != 64 {
		return h, true, errors.New("unreadable chunk header")
	}
	return h, true, nil
}

func (h header) String() string {
	return fmt.Sprintf("%sn=%d sha256=%s", headerPrefix, h.n, h.sum)
}

func digest(v string) string {
	s := sha256.Sum256([]byte(v))
	return hex.EncodeToString(s[:])
}

// split cuts v into pieces of at most size bytes, never inside a UTF-8
// sequence when v is valid UTF-8 (the Secret Service and Windows APIs both
// treat secrets as text).
func split(v string, size int) []string {
	var out []string
	valid := utf8.ValidString(v)
	for len(v) > size {
		cut := size
		if valid {
			for cut > 0 && !utf8.RuneStart(v[cut]) {
				cut--
			}
			if cut == 0 {
				cut = size
			}
		}
		out = append(out, v[:cut])
		v = v[cut:]
	}
	return append(out, v)
}

func (s *keyringStore) Get(key string) (string, error) {
	v, err := s.rawGet(key)
	if err != nil {
		return "", err
	}
	h, chunked, err := parseHeader(v)
	if !chunked {
		return v, nil
	}
	if err != nil {
		return "", &CorruptError{Key: key, Reason: err.Error()}
	}
	var b strings.Builder
	for i := 0; i < h.n; i++ {
		c, err := s.rawGet(chunkKey(key, i))
		if errors.Is(err, ErrNotFound) {
			return "", &CorruptError{Key: key, Reason: fmt.Sprintf("part %d of %d is missing", i+1, h.n)}
		}
		if err != nil {
			return "", err
		}
		b.WriteString(c)
	}
	out := b.String()
	if digest(out) != h.sum {
		return "", &CorruptError{Key: key, Reason: fmt.Sprintf("the %d parts do not match their checksum", h.n)}
	}
	return out, nil
}

// oldChunks returns how many chunks the current value under key uses (0 for
// a plain or missing value; for an unreadable header, the number found by
// probing).
func (s *keyringStore) oldChunks(key string) (int, error) {
	v, err := s.rawGet(key)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	h, chunked, herr := parseHeader(v)
	if !chunked {
		return 0, nil
	}
	if herr != nil {
		return 0, nil
	}
	return h.n, nil
}

// deleteChunksFrom removes key#from, key#from+1, … up to at least key#upTo-1
// and then on while entries keep turning up (leftovers of a torn write).
func (s *keyringStore) deleteChunksFrom(key string, from, upTo int) (deleted int, err error) {
	for i := from; ; i++ {
		err := s.rawDelete(chunkKey(key, i))
		if errors.Is(err, ErrNotFound) {
			if i >= upTo {
				return deleted, nil
			}
			continue
		}
		if err != nil {
			return deleted, err
		}
		deleted++
	}
}

func (s *keyringStore) Set(key, value string) error {
	old, err := s.oldChunks(key)
	if err != nil {
		return err
	}
	if len(value) <= ChunkSize && !strings.HasPrefix(value, headerPrefix) {
		if err := s.rawSet(key, value); err != nil {
			return err
		}
		_, err := s.deleteChunksFrom(key, 0, old)
		return err
	}
	parts := split(value, ChunkSize)
	// Chunks first, header last: until the header is replaced a reader sees
	// either the old value or (if old chunks were overwritten) a checksum
	// mismatch, never a mix passed off as the value.
	for i, p := range parts {
		if err := s.rawSet(chunkKey(key, i), p); err != nil {
			return err
		}
	}
	if err := s.rawSet(key, header{n: len(parts), sum: digest(value)}.String()); err != nil {
		return err
	}
	_, err = s.deleteChunksFrom(key, len(parts), old)
	return err
}

func (s *keyringStore) Delete(key string) error {
	old, err := s.oldChunks(key)
	if err != nil {
		return err
	}
	errHead := s.rawDelete(key)
	if errHead != nil && !errors.Is(errHead, ErrNotFound) {
		return errHead
	}
	n, err := s.deleteChunksFrom(key, 0, old)
	if err != nil {
		return err
	}
	if errHead != nil && n == 0 {
		// "Not found" only when there was nothing at all; sweeping the
		// leftover chunks of a torn write still counts as a delete.
		return errHead
	}
	return nil
}
