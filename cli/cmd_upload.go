package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"handover/core/clio"
	"handover/core/lease"
	"handover/core/model"
	"handover/core/upload"
	"handover/core/workspace"
)

func init() {
	register(&command{
		name:    "upload",
		summary: "upload the project to Clio (resumable; --dry-run shows the plan)",
		usage:   "upload -w PROJECT.handover --region us|eu|ca|au [--base-url URL] [--user-map FILE.csv] [--default-owner EMAIL] [--dry-run] [--allow-blockers] [--json]",
		run:     runUpload,
	})
	register(&command{
		name:    "revert",
		summary: "delete from Clio what this project's upload created",
		usage:   "revert -w PROJECT.handover [--force] [--region us|eu|ca|au] [--base-url URL] [--json]",
		run:     runRevert,
	})
}

// uploadJSON is the CLI contract's shape (DESIGN.md).
type uploadJSON struct {
	Planned  map[model.Entity]int64 `json:"planned"`
	Created  map[model.Entity]int64 `json:"created"`
	Linked   map[model.Entity]int64 `json:"linked"`
	Skipped  map[model.Entity]int64 `json:"skipped"`
	Failed   map[model.Entity]int64 `json:"failed"`
	Deleted  map[model.Entity]int64 `json:"deleted"`
	Requests int64                  `json:"requests"`
	Failures []upload.Failure       `json:"failures,omitempty"`
	Skips    []upload.Failure       `json:"skips,omitempty"`
	Refused  []upload.Failure       `json:"refused,omitempty"`
	Notes    []string               `json:"notes,omitempty"`
	Plan     *upload.PlanResult     `json:"plan,omitempty"`
}

func toJSON(r *upload.Reconciliation) uploadJSON {
	return uploadJSON{Planned: r.Planned, Created: r.Created, Linked: r.Linked, Skipped: r.Skipped, Failed: r.Failed,
		Deleted: r.Deleted, Requests: r.Requests, Failures: r.Failures, Skips: r.Skips, Refused: r.Refused, Notes: r.Notes}
}

// readUserMap reads legacy,clio_email lines (a header line is allowed). An
// empty clio_email (or "-") leaves the legacy user unassigned on purpose.
func readUserMap(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the user map: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	m := map[string]string{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("user map line %d: %w", line, err)
		}
		if len(rec) == 0 || strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("user map line %d: want legacy,clio_email (an empty clio_email leaves the user unassigned)", line)
		}
		legacy, email := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), strings.TrimSpace(rec[1])
		if line == 1 && email != "" && email != "-" && !strings.Contains(email, "@") {
			continue // header
		}
		if email == "-" {
			email = ""
		}
		m[legacy] = email
	}
	return m, nil
}

func runUpload(e *env, args []string) error {
	fs := flag.NewFlagSet("upload", flag.ContinueOnError)
	wsPath := fs.String("w", "", "project file")
	region := fs.String("region", "", "Clio region: us, eu, ca or au")
	baseURL := fs.String("base-url", "", "Clio root URL instead of the region's")
	userMap := fs.String("user-map", "", "CSV legacy,clio_email for legacy users that are not matched automatically (an empty clio_email leaves one unassigned); it wins over the matches chosen on the Upload screen, which are kept in the project and used too")
	defaultOwner := fs.String("default-owner", "", "e-mail of the Clio user who gets the tasks, calendar events (on that user's calendar) and time entries your old system left without a person; kept in the project (the Upload screen shows and changes it; \"-\" forgets it). Legacy users that are named but unmatched still need the user map")
	dry := fs.Bool("dry-run", false, "show what would be uploaded, the requests and the time; create nothing")
	allow := fs.Bool("allow-blockers", false, "upload although blockers remain: records with blockers are skipped")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *wsPath == "" {
		return usagef("-w PROJECT.handover is required")
	}
	base, err := clioBase(*region, *baseURL)
	if err != nil {
		return err
	}
	opts := upload.Options{AllowBlockers: *allow, DryRun: *dry}
	if *userMap != "" {
		if opts.UserMap, err = readUserMap(*userMap); err != nil {
			return err
		}
	}
	ws, err := openProject(*wsPath, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	ctx, cancel := interruptible()
	defer cancel()
	if !*dry { // a dry run only reads
		var release func()
		if ctx, release, err = hold(ctx, ws, lease.Uploading); err != nil {
			return err
		}
		defer release()
	}
	forgetOwner := strings.TrimSpace(*defaultOwner) == "-"
	if forgetOwner {
		if err := upload.ChooseDefaultOwner(ctx, ws, ""); err != nil {
			return err
		}
	} else {
		opts.DefaultOwner = strings.TrimSpace(*defaultOwner)
	}
	tty := isTerminal(e.stderr)
	lastWait := time.Time{}
	onWait := func(d time.Duration, reason string) {
		if d >= time.Second && time.Since(lastWait) > 5*time.Second {
			lastWait = time.Now()
			fmt.Fprintf(e.stderr, "… %s (%s)\n", reason, d.Round(time.Second))
		}
	}
	opts.OnWait = onWait
	c, err := clioClient(ctx, e, base, *region, clio.OnWait(onWait))
	if err != nil {
		return err
	}
	if *dry {
		p, err := upload.Plan(ctx, ws, c, opts)
		if err != nil {
			return err
		}
		if err := keepDefaultOwner(ctx, ws, p.DefaultOwner); err != nil {
			return err
		}
		if *asJSON {
			j := toJSON(p.Recon)
			j.Plan = p
			return printJSON(e.stdout, j)
		}
		printPlan(e.stdout, p)
		return nil
	}
	last := model.Entity("")
	opts.Progress = func(p upload.Progress) {
		if !tty && p.Entity == last && p.Done != p.Total {
			return
		}
		if p.Entity != last || p.Done == p.Total || p.Done%25 == 0 {
			fmt.Fprintf(e.stderr, "%-16s %d/%d  created %d linked %d skipped %d failed %d\n", p.Entity, p.Done, p.Total, p.Created, p.Linked, p.Skipped, p.Failed)
		}
		last = p.Entity
	}
	rec, err := upload.Run(ctx, ws, c, opts)
	if opts.DefaultOwner != "" && (err == nil || rec != nil || errors.Is(err, upload.ErrRefused)) {
		// Run got past checking the e-mail against Clio's users: keep it
		if kerr := upload.ChooseDefaultOwner(ctx, ws, opts.DefaultOwner); kerr != nil && err == nil {
			err = kerr
		}
	}
	if err != nil {
		if errors.Is(err, upload.ErrRefused) || rec == nil {
			return err
		}
		if rec.Paused {
			fmt.Fprintln(e.stderr, "The upload is paused. Run the same command again to continue: nothing will be doubled.")
		}
		if *asJSON {
			printJSON(e.stdout, toJSON(rec))
		}
		return err
	}
	if *asJSON {
		if err := printJSON(e.stdout, toJSON(rec)); err != nil {
			return err
		}
	} else {
		printRecon(e.stdout, rec, false)
	}
	var failed int64
	for _, n := range rec.Failed {
		failed += n
	}
	if failed > 0 {
		return fmt.Errorf("%d record(s) failed (listed with Clio's message and what to do); fix them and run upload again: only those are sent", failed)
	}
	return nil
}

func runRevert(e *env, args []string) error {
	fs := flag.NewFlagSet("revert", flag.ContinueOnError)
	wsPath := fs.String("w", "", "project file")
	force := fs.Bool("force", false, "also delete records changed in Clio since the import")
	region := fs.String("region", "", "Clio region (default: the Clio the project was uploaded to)")
	baseURL := fs.String("base-url", "", "Clio root URL (default: the one the project was uploaded to)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	ws, ctx, done, err := openToChange(*wsPath, false, lease.Reverting)
	if err != nil {
		return err
	}
	defer done()
	base := *baseURL
	if base == "" && *region == "" {
		if base, err = upload.LastBaseURL(ctx, ws.DB()); err != nil {
			return err
		}
		if base == "" {
			return fmt.Errorf("this project was never uploaded: there is nothing to revert")
		}
	} else if base, err = clioBase(*region, *baseURL); err != nil {
		return err
	}
	c, err := clioClient(ctx, e, base, *region)
	if err != nil {
		return err
	}
	rec, err := upload.Revert(ctx, ws, c, *force, nil)
	if rec != nil {
		if *asJSON {
			printJSON(e.stdout, toJSON(rec))
		} else {
			printRecon(e.stdout, rec, true)
		}
	}
	if err != nil {
		return fmt.Errorf("%w (run revert again to finish)", err)
	}
	if len(rec.Refused) > 0 {
		return fmt.Errorf("%d record(s) were not deleted (listed above)", len(rec.Refused))
	}
	return nil
}

// keepDefaultOwner saves a default owner given for this run once Clio has
// shown it is one of its users, so the Upload screen, the check and the
// next run use it too.
func keepDefaultOwner(ctx context.Context, ws *workspace.Workspace, p upload.DefaultOwnerPlan) error {
	if p.How != upload.HowOption || p.ClioID == 0 {
		return nil
	}
	return upload.ChooseDefaultOwner(ctx, ws, p.Email)
}

func printPlan(w io.Writer, p *upload.PlanResult) {
	fmt.Fprintln(w, "Upload plan (nothing has been sent):")
	fmt.Fprintf(w, "  %-16s %8s %8s %8s %8s %8s\n", "type", "records", "create", "link", "skip", "done")
	for _, t := range p.Types {
		if t.Records == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-16s %8d %8d %8d %8d %8d\n", t.Entity, t.Records, t.Creates, t.Links, t.Skips, t.Done)
	}
	fmt.Fprintf(w, "About %d requests to Clio: %s at the current limit (%d/min); %s at peak (%d/min), %s off-peak.\n",
		p.Requests, p.Estimate.Round(time.Second), p.RateLimit, p.EstimatePeak.Round(time.Second), upload.PeakLimit, p.EstimateOffPeak.Round(time.Second))
	fmt.Fprintln(w, "Users:")
	for _, u := range p.Users {
		if u.ClioID != 0 {
			fmt.Fprintf(w, "  %-28q → %s <%s> (%s; %d records)\n", u.Legacy, u.ClioName, u.ClioEmail, u.How, u.Records)
		} else if u.How == upload.HowUnassigned {
			fmt.Fprintf(w, "  %-28q → left unassigned (%d records; those Clio cannot take without a person are skipped)\n", u.Legacy, u.Records)
		} else if u.Settled() {
			fmt.Fprintf(w, "  %-28q → no Clio user; its calendar was chosen (%d records)\n", u.Legacy, u.Records)
		} else {
			msg := "NOT MATCHED: add it to the user map"
			if u.Problem != "" {
				msg = u.Problem
			}
			fmt.Fprintf(w, "  %-28q → %s (%d records)\n", u.Legacy, msg, u.Records)
		}
	}
	if d := p.DefaultOwner; d.Total > 0 || d.Email != "" {
		switch {
		case d.ClioID != 0:
			fmt.Fprintf(w, "Records with no person go to %s <%s> (%s): %s.\n", d.Name, d.Email, d.How, personCounts(d))
		case d.Problem != "":
			fmt.Fprintf(w, "Records with no person: %s (%s).\n", d.Problem, personCounts(d))
		default:
			fmt.Fprintf(w, "Records with no person: %s; NO DEFAULT OWNER: give --default-owner EMAIL (a Clio user) or choose one on the Upload screen.\n", personCounts(d))
		}
	}
	if len(p.Calendars) > 0 {
		fmt.Fprintln(w, "Calendars:")
	}
	for _, c := range p.Calendars {
		if c.CalendarID != 0 {
			fmt.Fprintf(w, "  %-28q → %s (%s; %d events)\n", c.Legacy, c.CalendarName, c.How, c.Events)
		} else {
			fmt.Fprintf(w, "  %-28q → NO CALENDAR: %s (%d events)\n", c.Legacy, c.Problem, c.Events)
		}
	}
	for _, m := range p.Matched {
		fmt.Fprintf(w, "Already in Clio: %s → Clio contact %d %q (by %s)\n", m.Name, m.ClioID, m.ClioName, m.By)
	}
	for _, s := range p.Setup {
		fmt.Fprintln(w, "Will", s)
	}
	for _, n := range p.Notes {
		fmt.Fprintln(w, "Note:", n)
	}
	for _, b := range p.Blockers {
		fmt.Fprintln(w, "BLOCKER:", b)
	}
}

// personCounts says "3 tasks, 12 calendar_events" for the plan's records with no person.
func personCounts(d upload.DefaultOwnerPlan) string {
	var parts []string
	for _, e := range model.Entities {
		if n := d.Records[e]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, e))
		}
	}
	if len(parts) == 0 {
		return "none in this project"
	}
	return strings.Join(parts, ", ")
}

func printRecon(w io.Writer, r *upload.Reconciliation, revert bool) {
	if revert {
		fmt.Fprintln(w, "Revert:")
		for _, e := range model.Entities {
			if r.Deleted[e] > 0 {
				fmt.Fprintf(w, "  %-16s deleted %d\n", e, r.Deleted[e])
			}
		}
	} else {
		fmt.Fprintf(w, "  %-16s %8s %8s %8s %8s %8s\n", "type", "records", "created", "linked", "skipped", "failed")
		for _, e := range model.Entities {
			if r.Planned[e] == 0 {
				continue
			}
			fmt.Fprintf(w, "  %-16s %8d %8d %8d %8d %8d\n", e, r.Planned[e], r.Created[e], r.Linked[e], r.Skipped[e], r.Failed[e])
		}
	}
	fmt.Fprintf(w, "%d requests to Clio.\n", r.Requests)
	for _, f := range r.Failures {
		fmt.Fprintf(w, "FAILED %s %q (%s row %d): %s — %s\n", f.Entity, f.Name, f.Source, f.Row, f.Message, f.Fix)
	}
	for _, f := range r.Skips {
		fmt.Fprintf(w, "skipped %s %q (%s row %d): %s\n", f.Entity, f.Name, f.Source, f.Row, f.Message)
	}
	for _, f := range r.Refused {
		fmt.Fprintf(w, "NOT DELETED %s %q (Clio id %s): %s — %s\n", f.Entity, f.Name, f.ClioID, f.Message, f.Fix)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "Note:", n)
	}
}
