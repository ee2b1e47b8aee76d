package send

import (
	"encoding/json"
	"errors"

	"handover/core/secrets"
)

// Saved is what the keyring keeps for a destination: the password (or app
// token), or the SSH key's passphrase. The key file's path is not a secret
// and is kept in the project.
type Saved struct {
	Password   string `json:"password,omitempty"`
	Passphrase string `json:"passphrase,omitempty"`
}

// LoadSaved reads d's saved secret; ok is false when there is none.
func LoadSaved(store secrets.Store, d Destination) (s Saved, ok bool, err error) {
	v, err := store.Get(d.SecretKey())
	if errors.Is(err, secrets.ErrNotFound) {
		return Saved{}, false, nil
	}
	if err != nil {
		return Saved{}, false, err
	}
	if json.Unmarshal([]byte(v), &s) != nil {
		return Saved{}, false, nil // unreadable: as if none, the next send asks again
	}
	return s, s.Password != "" || s.Passphrase != "", nil
}

// Save keeps d's secret in the keyring (call it only after it worked).
func Save(store secrets.Store, d Destination, s Saved) error {
	b, _ := json.Marshal(s)
	return store.Set(d.SecretKey(), string(b))
}

// Forget removes d's secret; ok is false when there was none.
func Forget(store secrets.Store, d Destination) (ok bool, err error) {
	err = store.Delete(d.SecretKey())
	if errors.Is(err, secrets.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
