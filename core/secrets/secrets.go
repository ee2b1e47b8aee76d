// Package secrets keeps Handover's credentials (Clio refresh tokens, client
// secrets) in the operating system's keyring, and nowhere else.
//
// Values longer than ChunkSize bytes are split into several keyring entries
// (key#0 … key#n-1) plus a small header entry under key itself that records
// the chunk count and a SHA-256 of the whole value, so that neither Windows'
// 2,560-byte credential limit nor macOS' ~3,000-byte command-line limit is
// ever hit. A half-written value (a crash between chunk writes) reads as
// ErrNotFound with an explanation, never as garbage.
//
// Keyring calls can block on an unlock prompt: never call them on the UI
// goroutine.
package secrets

import (
	"errors"
	"sync"
)

// Service is the OS keyring service every Handover secret lives under, for
// the desktop app and the command line alike.
const Service = "handover"

// ErrNotFound means there is no (usable) value stored under the key.
var ErrNotFound = errors.New("secret not found")

// Store holds secrets by key.
type Store interface {
	// Get returns the value stored under key, or an error for which
	// errors.Is(err, ErrNotFound) holds when there is none.
	Get(key string) (string, error)
	// Set stores value under key, replacing any previous value.
	Set(key, value string) error
	// Delete removes key (and all its chunks). Deleting a missing key
	// returns an ErrNotFound error.
	Delete(key string) error
}

// Memory returns a session-only store: values live in this process's memory
// and are gone when Handover exits. Nothing is ever written to disk.
func Memory() Store { return &memStore{m: map[string]string{}} }

type memStore struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memStore) Get(key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (s *memStore) Set(key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = value
	return nil
}

func (s *memStore) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok {
		return ErrNotFound
	}
	delete(s.m, key)
	return nil
}

// MemoryWarning is the plain-words warning shown when Handover falls back to
// the session-only store.
const MemoryWarning = "Handover could not use this computer's keyring, so your Clio sign-in " +
	"will be kept only until Handover closes and you will have to sign in again next time."

// Open returns the OS keyring for service when it is reachable. Otherwise it
// returns a session-only Memory store and a warning for the user that says
// why (e.g. no Secret Service running, keyring locked).
func Open(service string) (Store, string) {
	if err := Probe(service); err != nil {
		return Memory(), MemoryWarning + " Reason: " + err.Error()
	}
	return Keyring(service), ""
}
