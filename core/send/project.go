package send

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"handover/core/workspace"
)

// Project settings this package keeps (none of them secret).
const (
	settingRecipients  = "send_recipients"  // JSON []Recipient
	settingHostKey     = "send_host_key:"   // + host:port → "SHA256:…"
	settingDestination = "send_destination" // the last destination address
	settingKeyFile     = "send_key_file:"   // + destination → path of the SSH private key used
	settingPackage     = "send_package:"    // + SHA-256 of a package's age header → JSON []Recipient it was encrypted to
)

// Recipient is someone the package is encrypted to: an age X25519 public key
// and the name of its owner, as the migration team gave them.
type Recipient struct {
	Name string `json:"name"`
	Key  string `json:"key"` // age1…
}

func (r Recipient) String() string {
	if r.Name == "" || r.Key == "" {
		return r.Name + r.Key
	}
	return r.Name + " <" + r.Key + ">"
}

// ParseRecipient reads "age1…" or "Name <age1…>" or "Name=age1…".
func ParseRecipient(s string) (Recipient, error) {
	s = strings.TrimSpace(s)
	var r Recipient
	switch {
	case strings.HasSuffix(s, ">") && strings.Contains(s, "<"):
		i := strings.LastIndex(s, "<")
		r = Recipient{Name: strings.TrimSpace(s[:i]), Key: strings.TrimSpace(s[i+1 : len(s)-1])}
	case strings.Contains(s, "="):
		i := strings.Index(s, "=")
		r = Recipient{Name: strings.TrimSpace(s[:i]), Key: strings.TrimSpace(s[i+1:])}
	default:
		r = Recipient{Key: s}
	}
	if _, err := age.ParseX25519Recipient(r.Key); err != nil {
		return Recipient{}, fmt.Errorf("%q is not an age public key (age1…): %w", r.Key, err)
	}
	return r, nil
}

// Recipients are the project's saved recipients.
func Recipients(ctx context.Context, ws *workspace.Workspace) ([]Recipient, error) {
	v, err := ws.Setting(ctx, settingRecipients)
	if err != nil || v == "" {
		return nil, err
	}
	var rs []Recipient
	if err := json.Unmarshal([]byte(v), &rs); err != nil {
		return nil, fmt.Errorf("the project's recipients setting is damaged: %w", err)
	}
	return rs, nil
}

// SetRecipients replaces the project's recipients (each checked).
func SetRecipients(ctx context.Context, ws *workspace.Workspace, rs []Recipient) error {
	for _, r := range rs {
		if _, err := age.ParseX25519Recipient(r.Key); err != nil {
			return fmt.Errorf("%q is not an age public key (age1…): %w", r.Key, err)
		}
	}
	if rs == nil {
		rs = []Recipient{}
	}
	b, _ := json.Marshal(rs)
	return ws.SetSetting(ctx, settingRecipients, string(b))
}

// RecipientsFor names the saved recipients among keys (the ones a package
// was encrypted to); keys not saved appear without a name.
func RecipientsFor(saved []Recipient, keys []string) []Recipient {
	var out []Recipient
	for _, k := range keys {
		r := Recipient{Key: strings.TrimSpace(k)}
		for _, s := range saved {
			if s.Key == r.Key {
				r.Name = s.Name
			}
		}
		out = append(out, r)
	}
	return out
}

// ProjectHostKeys pins SFTP host keys in the project's settings: a server's
// public key is not a secret, and it belongs with the project that trusts it.
func ProjectHostKeys(ctx context.Context, ws *workspace.Workspace) HostKeys {
	return projectHostKeys{ctx, ws}
}

type projectHostKeys struct {
	ctx context.Context
	ws  *workspace.Workspace
}

func (p projectHostKeys) Pinned(hostport string) (string, error) {
	return p.ws.Setting(p.ctx, settingHostKey+hostport)
}

func (p projectHostKeys) Pin(hostport, fp string) error {
	return p.ws.SetSetting(p.ctx, settingHostKey+hostport, fp)
}

// ForgetHostKey removes the pinned key of hostport (after the team confirmed
// a new one by telephone).
func ForgetHostKey(ctx context.Context, ws *workspace.Workspace, hostport string) (bool, error) {
	res, err := ws.DB().ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, settingHostKey+hostport)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// LastDestination is the destination last sent to ("" if none).
func LastDestination(ctx context.Context, ws *workspace.Workspace) (string, error) {
	return ws.Setting(ctx, settingDestination)
}

// KeyFile is the SSH private key file remembered for d ("" if none).
func KeyFile(ctx context.Context, ws *workspace.Workspace, d Destination) (string, error) {
	return ws.Setting(ctx, settingKeyFile+d.String())
}

// RememberDestination keeps the address and the key file's path (not the
// key, not a password) for the next send.
func RememberDestination(ctx context.Context, ws *workspace.Workspace, d Destination, keyFile string) error {
	if err := ws.SetSetting(ctx, settingDestination, d.String()); err != nil {
		return err
	}
	if keyFile == "" {
		return nil
	}
	abs, err := filepath.Abs(keyFile)
	if err != nil {
		abs = keyFile
	}
	return ws.SetSetting(ctx, settingKeyFile+d.String(), abs)
}

// Receipt is one package sent, as kept in the project.
type Receipt struct {
	ID      int64  `json:"id"`
	Package string `json:"package"`
	Result
}

// Record keeps the receipt: a row in the project and a block appended to
// receipt.txt beside the package (appended, so sending the same package to
// a second place keeps the first receipt). It returns receipt.txt's path.
func Record(ctx context.Context, ws *workspace.Workspace, pkg string, res Result) (Receipt, string, error) {
	abs, err := filepath.Abs(pkg)
	if err != nil {
		abs = pkg
	}
	rcpts := res.Recipients
	if rcpts == nil {
		rcpts = []string{}
	}
	rj, _ := json.Marshal(rcpts)
	r, err := ws.DB().ExecContext(ctx, `INSERT INTO send_receipts(sent_at, package, name, destination, remote_path, size, sha256, checked, host_key, recipients)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, res.SentAt.UTC().Format(time.RFC3339), abs, res.Name, res.Destination,
		res.RemotePath, res.Size, res.SHA256, res.Checked, res.HostKey, string(rj))
	if err != nil {
		return Receipt{}, "", fmt.Errorf("cannot keep the receipt in the project: %w", err)
	}
	id, _ := r.LastInsertId()
	rec := Receipt{ID: id, Package: abs, Result: res}
	txt := filepath.Join(filepath.Dir(abs), "receipt.txt")
	f, err := os.OpenFile(txt, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return rec, "", fmt.Errorf("the package was sent and the receipt kept in the project, but receipt.txt could not be written: %w", err)
	}
	_, err = f.WriteString(ReceiptText(rec))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rec, "", fmt.Errorf("the package was sent and the receipt kept in the project, but receipt.txt could not be written: %w", err)
	}
	return rec, txt, nil
}

// ReceiptText is a receipt as people read it.
func ReceiptText(r Receipt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Handover: package sent to the migration team\n")
	fmt.Fprintf(&b, "  What:        %s (%d bytes)\n", r.Name, r.Size)
	fmt.Fprintf(&b, "  From:        %s\n", r.Package)
	fmt.Fprintf(&b, "  Where:       %s (as %s)\n", r.Destination, r.RemotePath)
	fmt.Fprintf(&b, "  When:        %s\n", r.SentAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "  SHA-256:     %s\n", r.SHA256)
	switch r.Checked {
	case "sidecar":
		fmt.Fprintf(&b, "  Checked:     the server does not allow reading back; %s.sha256 was written beside it\n", r.Name)
	default:
		fmt.Fprintf(&b, "  Checked:     read back from the server: same size and SHA-256\n")
	}
	if r.HostKey != "" {
		fmt.Fprintf(&b, "  Server key:  %s\n", r.HostKey)
	}
	if len(r.Recipients) == 0 {
		fmt.Fprintf(&b, "  Recipients:  none (not encrypted to a recipient's key)\n")
	}
	for i, rc := range r.Recipients {
		label := "  Recipients:  "
		if i > 0 {
			label = "               "
		}
		fmt.Fprintf(&b, "%s%s\n", label, rc)
	}
	b.WriteString("\n")
	return b.String()
}

// Receipts lists the project's receipts, newest first.
func Receipts(ctx context.Context, ws *workspace.Workspace) ([]Receipt, error) {
	rows, err := ws.DB().QueryContext(ctx, `SELECT id, sent_at, package, name, destination, remote_path, size, sha256, checked, host_key, recipients
		FROM send_receipts ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Receipt
	for rows.Next() {
		var r Receipt
		var at, rj string
		if err := rows.Scan(&r.ID, &at, &r.Package, &r.Name, &r.Destination, &r.RemotePath, &r.Size, &r.SHA256, &r.Checked, &r.HostKey, &rj); err != nil {
			return nil, err
		}
		r.SentAt, _ = time.Parse(time.RFC3339, at)
		json.Unmarshal([]byte(rj), &r.Recipients)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ageHeader reads an age file's header (through its MAC line) and counts
// its X25519 stanzas; nil when the file is not age-encrypted.
func ageHeader(path string) (header []byte, x25519 int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(io.LimitReader(f, 64<<10), 4096)
	first, _ := br.ReadString('\n')
	if first != "age-encryption.org/v1\n" {
		return nil, 0, nil
	}
	h := []byte(first)
	for {
		line, err := br.ReadString('\n')
		h = append(h, line...)
		if strings.HasPrefix(line, "-> X25519 ") {
			x25519++
		}
		if strings.HasPrefix(line, "---") || err != nil {
			break
		}
	}
	return h, x25519, nil
}

// headerSetting is the project setting that names whom the package with this
// age header was encrypted to. The header (fresh file key, fresh ephemeral
// shares, its MAC) differs for every package written, so it names one file.
func headerSetting(header []byte) string {
	sum := sha256.Sum256(header)
	return settingPackage + hex.EncodeToString(sum[:])
}

// KeepPackageRecipients remembers the recipients as given (the project's
// list, see SetRecipients) and that the package just written at path is
// encrypted to exactly them, so sending it later names them on the receipt
// without guessing from the age header, which does not name its keys.
func KeepPackageRecipients(ctx context.Context, ws *workspace.Workspace, path string, rs []Recipient) error {
	if err := SetRecipients(ctx, ws, rs); err != nil {
		return err
	}
	h, _, err := ageHeader(path)
	if err != nil || h == nil {
		return err
	}
	b, _ := json.Marshal(rs)
	return ws.SetSetting(ctx, headerSetting(h), string(b))
}

// PackageRecipients says whom a package file is encrypted to: the
// recipients kept for this very file when it was packaged here (see
// KeepPackageRecipients); for an age file packaged elsewhere or by an older
// Handover, the project's saved recipients when the header holds as many
// X25519 stanzas; nobody for a plain or passphrase-locked package. age's
// header does not name the keys, only how many there are, so when that
// count differs from the project's list the receipt says so rather than
// name the wrong people.
func PackageRecipients(ctx context.Context, ws *workspace.Workspace, path string) ([]Recipient, error) {
	h, n, err := ageHeader(path)
	if err != nil || n == 0 {
		return nil, err
	}
	if v, err := ws.Setting(ctx, headerSetting(h)); err != nil {
		return nil, err
	} else if v != "" {
		var rs []Recipient
		if err := json.Unmarshal([]byte(v), &rs); err != nil {
			return nil, fmt.Errorf("the project's record of the package's recipients is damaged: %w", err)
		}
		return rs, nil
	}
	saved, err := Recipients(ctx, ws)
	if err != nil {
		return nil, err
	}
	if n == len(saved) {
		return saved, nil
	}
	return []Recipient{{Name: fmt.Sprintf("%d age public key(s) this project does not list (it lists %d)", n, len(saved))}}, nil
}
