package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"handover/core/lease"
	"handover/core/send"
)

func init() {
	register(&command{
		name:    "send",
		summary: "send the package to the migration team over SFTP or WebDAV (HTTPS), with a receipt",
		usage: "send -w PROJECT.handover PACKAGE.zip[.age] --to sftp://user@host[:port]/folder | https://host/path/folder " +
			"[--key-file F] [--password-stdin] [--json]\n       handover send [-w PROJECT.handover] --forget DESTINATION",
		run: runSend,
	})
}

// sendStdin is where --password-stdin reads (tests replace it).
var sendStdin io.Reader = os.Stdin

// sendJSON is what `send --json` prints.
type sendJSON struct {
	send.Result
	Receipt     string `json:"receipt_file"`
	ReceiptID   int64  `json:"receipt_id"`
	ProjectPath string `json:"project"`
}

func runSend(e *env, args []string) error {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	wsPath := fs.String("w", "", "project file")
	to := fs.String("to", "", "destination: sftp://user@host[:port]/folder or https://host/path/folder (WebDAV)")
	keyFile := fs.String("key-file", "", "SSH private key for an SFTP login (its path is remembered in the project)")
	pwStdin := fs.Bool("password-stdin", false, "read the password, app token or key passphrase from the first line of stdin (kept in the keyring)")
	forget := fs.String("forget", "", "remove the saved password of this destination from the keyring (and, with -w, its pinned server key)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *forget != "" {
		return runForget(e, *forget, *wsPath)
	}
	if len(pos) != 1 {
		return usagef("give exactly one package to send")
	}
	pkg := pos[0]
	ws, err := openProject(*wsPath, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	ctx, cancel := interruptible()
	defer cancel()
	addr := *to
	if addr == "" {
		if addr, err = send.LastDestination(ctx, ws); err != nil {
			return err
		}
		if addr == "" {
			return usagef("--to DESTINATION is required (the migration team gives it: sftp://user@host/folder or an https:// folder)")
		}
	}
	dest, err := send.Parse(addr)
	if err != nil {
		return usagef("%v", err)
	}
	if _, err := os.Stat(pkg); err != nil {
		return fmt.Errorf("cannot read the package %s: %w", pkg, err)
	}
	// The receipt is written into the project: one writer at a time.
	ctx, release, err := hold(ctx, ws, lease.Working)
	if err != nil {
		return err
	}
	defer release()

	store, err := keyring(false, e)
	if err != nil {
		return err
	}
	var creds send.Credentials
	saved, fromKeyring, err := send.LoadSaved(store, dest)
	if err != nil {
		return fmt.Errorf("cannot read the saved password from the keyring: %w", err)
	}
	kf := *keyFile
	if kf == "" && dest.Protocol == send.SFTP {
		if kf, err = send.KeyFile(ctx, ws, dest); err != nil {
			return err
		}
	}
	if kf != "" {
		if dest.Protocol != send.SFTP {
			return usagef("--key-file is for sftp:// destinations; a WebDAV folder takes a password or app token")
		}
		if creds.KeyPEM, err = os.ReadFile(kf); err != nil {
			return fmt.Errorf("cannot read the key file: %w", err)
		}
	}
	if *pwStdin {
		line, err := bufio.NewReader(sendStdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("cannot read the password from stdin: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return usagef("--password-stdin: the first line of stdin is empty")
		}
		fromKeyring = false
		if kf != "" {
			saved = send.Saved{Passphrase: line}
		} else {
			saved = send.Saved{Password: line}
		}
	}
	creds.Password, creds.Passphrase = saved.Password, saved.Passphrase
	if creds.Password == "" && len(creds.KeyPEM) == 0 {
		return usagef("no saved password for %s: give it with --password-stdin (it is then kept in this computer's keyring), or --key-file for an SSH key", dest)
	}
	recipients, err := send.PackageRecipients(ctx, ws, pkg)
	if err != nil {
		return err
	}

	req := send.Request{Package: pkg, To: dest, Creds: creds, HostKeys: send.ProjectHostKeys(ctx, ws), Recipients: recipients}
	if isTerminal(e.stderr) && !*asJSON {
		req.Progress = func(p send.Progress) {
			switch p.Stage {
			case "sending":
				eta := "…"
				if p.ETA > 0 {
					eta = p.ETA.Round(time.Second).String()
				}
				fmt.Fprintf(e.stderr, "\rSending… %s of %s, %s/s, %s left   ", bytesText(p.Done), bytesText(p.Total), bytesText(int64(p.BytesPerSec)), eta)
			case "resuming":
				fmt.Fprintf(e.stderr, "\rContinuing from %s already on the server.\n", bytesText(p.Resumed))
			case "reading back":
				fmt.Fprintf(e.stderr, "\nReading it back to check…\n")
			}
		}
	}
	res, err := send.Send(ctx, req)
	if res.NewHostKey {
		fmt.Fprintf(e.stderr, "First connection to %s: its key %s is now pinned in the project; a different key later will stop the transfer.\n",
			dest.HostPort(), res.HostKey)
	}
	if err != nil {
		if send.KindOf(err) == send.LoginRefused && fromKeyring {
			return fmt.Errorf("%w\nThe saved password was refused: give the current one with --password-stdin", err)
		}
		if errors.Is(err, ctx.Err()) {
			return fmt.Errorf("stopped; what reached the server is kept under a temporary name and the next send continues from it")
		}
		return fmt.Errorf("not sent: %w", err)
	}
	// Only a password that worked is kept.
	if !fromKeyring && (saved.Password != "" || saved.Passphrase != "") {
		if err := send.Save(store, dest, saved); err != nil {
			fmt.Fprintf(e.stderr, "warning: sent, but the password could not be saved in the keyring: %v\n", err)
		}
	}
	if err := send.RememberDestination(ctx, ws, dest, kf); err != nil {
		return err
	}
	rec, txt, err := send.Record(ctx, ws, pkg, res)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, sendJSON{Result: res, Receipt: txt, ReceiptID: rec.ID, ProjectPath: ws.Path()})
	}
	w := e.stdout
	fmt.Fprintf(w, "Sent %s (%s) to %s.\n", res.Name, bytesText(res.Size), res.Destination)
	if res.Resumed > 0 {
		fmt.Fprintf(w, "Continued from %s already on the server.\n", bytesText(res.Resumed))
	}
	if res.Checked == "sidecar" {
		fmt.Fprintf(w, "The server does not allow reading files back; %s.sha256 was written beside it for the team to check.\n", res.Name)
	} else {
		fmt.Fprintln(w, "Read back from the server: same size and SHA-256.")
	}
	fmt.Fprintf(w, "SHA-256 %s\n", res.SHA256)
	for _, r := range res.Recipients {
		fmt.Fprintf(w, "Encrypted to: %s\n", r)
	}
	fmt.Fprintf(w, "Receipt: %s (and in the project)\n", txt)
	return nil
}

func runForget(e *env, addr, wsPath string) error {
	dest, err := send.Parse(addr)
	if err != nil {
		return usagef("%v", err)
	}
	store, err := keyring(false, e)
	if err != nil {
		return err
	}
	switch had, err := send.Forget(store, dest); {
	case err != nil:
		return fmt.Errorf("cannot remove the saved password: %w", err)
	case had:
		fmt.Fprintf(e.stdout, "Removed the saved password for %s from the keyring.\n", dest)
	default:
		fmt.Fprintf(e.stdout, "No saved password for %s.\n", dest)
	}
	if wsPath == "" || dest.Protocol != send.SFTP {
		return nil
	}
	ws, ctx, done, err := openToChange(wsPath, false, lease.Working)
	if err != nil {
		return err
	}
	defer done()
	if ok, err := send.ForgetHostKey(ctx, ws, dest.HostPort()); err != nil {
		return err
	} else if ok {
		fmt.Fprintf(e.stdout, "Forgot the pinned server key of %s: the next send pins the key it presents then.\n", dest.HostPort())
	}
	return nil
}

// bytesText is a size for people: 1.5 MB.
func bytesText(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB"} {
		f /= unit
		if f < unit {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return fmt.Sprintf("%.1f PB", f/unit)
}
