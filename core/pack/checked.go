package pack

import (
	"context"
	"fmt"

	"filippo.io/age"

	"handover/core/workspace"
)

// WriteFileChecked writes the package to path as WriteFile does, then reads
// the file just written back through Verify, so whoever made it knows it is
// intact before it leaves the office.
//
// A package encrypted to the migration team's keys cannot be opened by the
// firm that made it. So WriteFileChecked also encrypts it to a one-time
// X25519 key made here in memory, verifies the written file end to end
// (decryption, every checksum and count) with that key, and drops the key:
// it is never written, logged or returned. The extra recipient leaks
// nothing: an age X25519 stanza holds an ephemeral share and the wrapped
// file key, not the public key it was made for, so the file does not say
// whose keys it was encrypted to, and the manifest, verify and the receipt
// list only opts.Recipients. While the one-time key exists, the plaintext
// it could reveal is in the same process's memory anyway.
//
// A passphrase package is verified with its passphrase, a plain one as it
// is. A package that fails its check stays on disk with the report saying
// why (OK false); an error means it could not be written or opened.
func WriteFileChecked(ctx context.Context, ws *workspace.Workspace, path string, opts Options) (Manifest, VerifyReport, error) {
	var ids []age.Identity
	if len(opts.Recipients) > 0 {
		once, err := age.GenerateX25519Identity()
		if err != nil {
			return Manifest{}, VerifyReport{}, fmt.Errorf("cannot make the one-time key the package is checked with: %w", err)
		}
		opts.CheckRecipient = once.Recipient()
		ids = append(ids, once)
	}
	m, err := WriteFile(ctx, ws, path, opts)
	if err != nil {
		return Manifest{}, VerifyReport{}, err
	}
	rep, err := VerifyFile(ctx, path, opts.Passphrase, ids...)
	if err != nil {
		return m, rep, fmt.Errorf("the package was written but could not be opened to check it: %w", err)
	}
	return m, rep, nil
}
