//go:build dev

package cli

import (
	"flag"
	"fmt"
	"time"

	"handover/core/clio"
	"handover/internal/fakeclio"
)

func init() {
	register(&command{
		name:    "fakeclio",
		summary: "run a local Clio for rehearsing an upload (data lives in memory)",
		usage:   "fakeclio [--addr 127.0.0.1:8765] [--rate-limit 50] [--window 60s] [--fault-rate 0] [--fault-seed 1] [--manual-numbering] [--no-trust-account] [--auto-approve]",
		run:     runFakeClio,
	})
}

func runFakeClio(e *env, args []string) error {
	fs := flag.NewFlagSet("fakeclio", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8765", "listen address")
	rate := fs.Int("rate-limit", 50, "requests per window per token (Clio: 50/min at peak)")
	window := fs.Duration("window", time.Minute, "rate-limit window")
	faultRate := fs.Float64("fault-rate", 0, "fraction of API requests that fail (429, 5xx, resets, lost answers)")
	seed := fs.Int64("fault-seed", 1, "seed for the faults")
	manual := fs.Bool("manual-numbering", false, "the account numbers matters by hand (display_number writable)")
	noTrust := fs.Bool("no-trust-account", false, "start without a trust bank account")
	auto := fs.Bool("auto-approve", false, "approve sign-ins without the approve page")
	validate := fs.Bool("validate-spec", false, "check every request against Clio's OpenAPI spec")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	users := fakeclio.DemoUsers()
	const id, secret = "handover-dev", "handover-dev-secret"
	opts := fakeclio.Options{Addr: *addr, RateLimit: *rate, Window: *window, Users: users, ManualNumbering: *manual,
		AutoApprove: *auto, ValidateSpec: *validate,
		Clients: []fakeclio.Client{{ID: id, Secret: secret, RedirectURIs: []string{clio.RedirectURI(clio.DefaultPort)}}}}
	srv, err := fakeclio.New(opts)
	if err != nil {
		return err
	}
	base, err := srv.Start()
	if err != nil {
		return fmt.Errorf("cannot start the local Clio on %s: %w", *addr, err)
	}
	defer srv.Close()
	ctx, cancel := interruptible()
	defer cancel()
	if !*noTrust {
		tok, _ := srv.IssueToken("handover-fakeclio-setup")
		c, err := clio.New(base, clio.StaticToken(tok))
		if err != nil {
			return err
		}
		if _, err := c.CreateBankAccount(ctx, clio.BankAccountInput{Type: "Trust", Currency: "USD", Name: "IOLTA Trust Account"}); err != nil {
			return fmt.Errorf("cannot create the trust account: %w", err)
		}
	}
	srv.SetFaults(fakeclio.Faults{Rate: *faultRate, Seed: *seed})
	fmt.Fprintf(e.stdout, "Local Clio running at %s (rate limit %d per %s, fault rate %.0f%%).\n", base, *rate, *window, *faultRate*100)
	fmt.Fprintf(e.stdout, "Client id: %s\nClient secret: %s\n", id, secret)
	fmt.Fprintf(e.stdout, "Users: ")
	for i, u := range srv.Users() {
		if i > 0 {
			fmt.Fprint(e.stdout, ", ")
		}
		fmt.Fprintf(e.stdout, "%s %s <%s>", u.FirstName, u.LastName, u.Email)
	}
	fmt.Fprintln(e.stdout)
	fmt.Fprintf(e.stdout, "Sign in with:  printf %%s %s > secret.txt && handover login --region us --base-url %s --client-id %s --client-secret-file secret.txt\n", secret, base, id)
	fmt.Fprintf(e.stdout, "or export %s=%s\nPress Ctrl+C to stop (everything is forgotten).\n", clio.EnvBaseURL, base)
	<-ctx.Done()
	return nil
}
