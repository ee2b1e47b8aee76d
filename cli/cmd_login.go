package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"handover/core/clio"
	"handover/core/secrets"
)

func init() {
	register(&command{
		name:    "login",
		summary: "sign in to Clio (tokens go to the OS keyring)",
		usage:   "login --region us|eu|ca|au [--base-url URL] [--client-id ID] [--client-secret-file F] [--port 5678] [--no-browser]",
		run:     runLogin,
	})
	register(&command{
		name:    "logout",
		summary: "sign out of Clio and forget the stored sign-in",
		usage:   "logout --region us|eu|ca|au [--base-url URL]",
		run:     runLogout,
	})
}

// clioBase resolves --region / --base-url (or HANDOVER_CLIO_BASE_URL).
func clioBase(region, override string) (string, error) {
	if region == "" && override == "" && os.Getenv(clio.EnvBaseURL) == "" {
		return "", usagef("--region us|eu|ca|au is required")
	}
	r := clio.US
	if region != "" {
		var err error
		if r, err = clio.ParseRegion(region); err != nil {
			return "", usagef("%v", err)
		}
	}
	return clio.BaseURL(r, override)
}

// keyring opens the OS keyring; with strict, a session-only fallback is an
// error (a CLI sign-in kept in memory would be gone when the command exits).
func keyring(strict bool, e *env) (secrets.Store, error) {
	store, warn := secrets.Open(secrets.Service)
	if warn != "" {
		if strict {
			return nil, fmt.Errorf("the keyring cannot be reached, so the sign-in could not be kept: %s", warn)
		}
		fmt.Fprintln(e.stderr, "warning:", warn)
	}
	return store, nil
}

func runLogin(e *env, args []string) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	region := fs.String("region", "", "Clio region: us, eu, ca or au")
	baseURL := fs.String("base-url", "", "Clio root URL instead of the region's (e.g. http://127.0.0.1:8765 for handover fakeclio)")
	clientID := fs.String("client-id", "", "Clio app client id (default: the saved one or the build's)")
	secretFile := fs.String("client-secret-file", "", "file holding the Clio app client secret")
	port := fs.Int("port", clio.DefaultPort, "loopback port of the registered redirect URI")
	noBrowser := fs.Bool("no-browser", false, "only print the sign-in URL")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	base, err := clioBase(*region, *baseURL)
	if err != nil {
		return err
	}
	store, err := keyring(true, e)
	if err != nil {
		return err
	}
	givenSecret := ""
	if *secretFile != "" {
		b, err := os.ReadFile(*secretFile)
		if err != nil {
			return fmt.Errorf("cannot read the client secret file: %w", err)
		}
		givenSecret = string(b)
	}
	id, secret := clio.AppCredentials(store, base, *clientID, givenSecret)
	if id == "" || secret == "" {
		return usagef("no Clio app credentials: give --client-id and --client-secret-file (from Clio's developer settings)")
	}
	ctx, cancel := interruptible()
	defer cancel()
	cfg := clio.LoginConfig{BaseURL: base, ClientID: id, ClientSecret: secret, Port: *port,
		PrintURL: func(u string) {
			fmt.Fprintln(e.stdout, "Open this address to sign in to Clio:")
			fmt.Fprintln(e.stdout, u)
		}}
	if !*noBrowser {
		cfg.OpenBrowser = openBrowser
	}
	tok, err := clio.Login(ctx, cfg)
	if err != nil {
		return fmt.Errorf("sign-in failed: %w", clio.RedactError(err))
	}
	if err := clio.SaveLogin(store, base, id, secret, tok); err != nil {
		return fmt.Errorf("signed in, but the sign-in could not be stored in the keyring: %w", err)
	}
	ts, err := clio.NewTokenSource(base, store, clio.TokenSourceOptions{Initial: tok})
	if err != nil {
		return err
	}
	c, err := clio.New(base, ts)
	if err != nil {
		return err
	}
	me, err := c.WhoAmI(ctx)
	if err != nil {
		return fmt.Errorf("signed in, but Clio did not say who you are: %w", err)
	}
	fmt.Fprintf(e.stdout, "Signed in to Clio at %s as %s <%s>.\n", clio.HostOf(base), me.Name, me.Email)
	return nil
}

func runLogout(e *env, args []string) error {
	fs := flag.NewFlagSet("logout", flag.ContinueOnError)
	region := fs.String("region", "", "Clio region: us, eu, ca or au")
	baseURL := fs.String("base-url", "", "Clio root URL instead of the region's")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	base, err := clioBase(*region, *baseURL)
	if err != nil {
		return err
	}
	store, err := keyring(false, e)
	if err != nil {
		return err
	}
	ctx, cancel := interruptible()
	defer cancel()
	if err := clio.Logout(ctx, clio.LogoutConfig{BaseURL: base, Store: store}); err != nil {
		return fmt.Errorf("%w (the sign-in was removed from this computer)", clio.RedactError(err))
	}
	fmt.Fprintf(e.stdout, "Signed out of Clio at %s.\n", clio.HostOf(base))
	return nil
}

// clioClient builds an API client from the stored sign-in.
func clioClient(ctx context.Context, e *env, base, region string, opts ...clio.Option) (*clio.Client, error) {
	store, err := keyring(false, e)
	if err != nil {
		return nil, err
	}
	ts, err := clio.NewTokenSource(base, store, clio.TokenSourceOptions{})
	if err != nil {
		if errors.Is(err, clio.ErrNotSignedIn) {
			if region == "" {
				region = "us"
			}
			hint := "run handover login --region " + region
			if os.Getenv(clio.EnvBaseURL) != "" || !strings.Contains(base, "clio.com") {
				hint += " --base-url " + base
			}
			return nil, fmt.Errorf("not signed in to Clio at %s: %s", clio.HostOf(base), hint)
		}
		return nil, clio.RedactError(err)
	}
	return clio.New(base, ts, opts...)
}

func openBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	case "darwin":
		cmd = exec.Command("open", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	return cmd.Start()
}
