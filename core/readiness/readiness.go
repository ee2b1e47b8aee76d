// Package readiness gathers the process warnings from Clio's own migration
// guidance: stop using the old system after the export (with the export time
// and an acknowledged cut-off), what will not be migrated and what Clio does
// instead, and the reminders (no calendar/contact sync until done, invoice
// outstanding time first, preconfigured accounts).
package readiness

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"handover/core/model"
	"handover/core/workspace"
)

// Readiness is everything the Readiness screen and `check` show besides the
// data-quality findings.
type Readiness struct {
	OldSystems []string      `json:"old_systems"`
	ExportedAt time.Time     `json:"exported_at"`        // the newest export time among the sources (or what the user said)
	OldestAt   time.Time     `json:"oldest_export_at"`   // the oldest
	Age        time.Duration `json:"-"`                  // how long ago the export was taken
	AgeText    string        `json:"export_age"`         // "3 days ago"
	Stale      bool          `json:"stale_export"`       // older than StaleAfter: the front ends say the age as a warning
	Banner     string        `json:"banner"`             // "Stop using PCLaw — anything entered after … will not be migrated"
	Cutoff     Cutoff        `json:"cutoff"`             // the user's acknowledgement
	Warnings   []string      `json:"warnings,omitempty"` // sources older than the cut-off, sources that disagree
	NotMigrate []NotMigrated `json:"not_migrated"`       // what stays behind, counted from the data
	Reminders  []string      `json:"reminders"`          // Clio's process advice
}

// Cutoff is the acknowledged "stop using the old system" moment.
type Cutoff struct {
	Acknowledged bool      `json:"acknowledged"`
	By           string    `json:"by,omitempty"`
	At           time.Time `json:"at,omitempty"` // when it was acknowledged
	Cutoff       time.Time `json:"cutoff,omitempty"`
}

// NotMigrated is one kind of data that Clio does not take.
type NotMigrated struct {
	What    string `json:"what"`
	Count   int64  `json:"count"` // rows found in the firm's files (-1: not in the files, always true)
	Instead string `json:"instead"`
}

// Acknowledge records who acknowledged the cut-off and when.
func Acknowledge(ctx context.Context, ws *workspace.Workspace, by string, cutoff, now time.Time) error {
	if strings.TrimSpace(by) == "" {
		return fmt.Errorf("say who acknowledges the cut-off (a name)")
	}
	for k, v := range map[string]string{
		workspace.SettingCutoffAckBy: strings.TrimSpace(by),
		workspace.SettingCutoffAckAt: now.UTC().Format(time.RFC3339),
		workspace.SettingCutoff:      cutoff.UTC().Format(time.RFC3339),
	} {
		if err := ws.SetSetting(ctx, k, v); err != nil {
			return err
		}
	}
	return nil
}

// StaleAfter is how old an export may be before it is worth a warning: two
// weeks of work in the old system is a lot to lose.
const StaleAfter = 14 * 24 * time.Hour

// Gather computes the readiness warnings at time now.
func Gather(ctx context.Context, ws *workspace.Workspace, now time.Time) (Readiness, error) {
	c, err := ws.Counts(ctx)
	if err != nil {
		return Readiness{}, err
	}
	return GatherCounted(ctx, ws, now, c)
}

// GatherCounted is Gather with the project's counts already at hand (the
// Readiness screen shows them first): counting walks every row, seconds on a
// million-row project.
func GatherCounted(ctx context.Context, ws *workspace.Workspace, now time.Time, c workspace.Counts) (Readiness, error) {
	return GatherAfterCheck(ctx, ws, now, c, nil)
}

// GatherAfterCheck is GatherCounted right after a check that recomputed the
// balances: its walk of the ledger counted the lines by kind
// (balances.Summary.LinesByKind), all that the "won't be migrated" list
// needs of the ledger, which is not walked again (0.6 s on a million-row
// firm). A nil ledger is walked.
func GatherAfterCheck(ctx context.Context, ws *workspace.Workspace, now time.Time, c workspace.Counts, ledger map[model.LedgerKind]int64) (Readiness, error) {
	var r Readiness
	srcs, err := ws.Sources(ctx)
	if err != nil {
		return r, err
	}
	systems := map[string]bool{}
	for _, s := range srcs {
		if s.System != "" && namesASystem(s.Profile) {
			systems[s.System] = true
		}
		t, err := time.Parse(time.RFC3339, s.ExportedAt)
		if err != nil {
			continue
		}
		if t.After(r.ExportedAt) {
			r.ExportedAt = t
		}
		if r.OldestAt.IsZero() || t.Before(r.OldestAt) {
			r.OldestAt = t
		}
	}
	if v, _ := ws.Setting(ctx, workspace.SettingExportTime); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			r.ExportedAt = t
		}
	}
	for s := range systems {
		r.OldSystems = append(r.OldSystems, s)
	}
	sort.Strings(r.OldSystems)
	if v, _ := ws.Setting(ctx, workspace.SettingOldSystemName); v != "" {
		r.OldSystems = []string{v}
	}
	old := "your old system"
	if len(r.OldSystems) > 0 {
		old = strings.Join(r.OldSystems, ", ")
	}
	if !r.ExportedAt.IsZero() {
		r.Age = now.Sub(r.ExportedAt)
		r.AgeText = ago(r.Age)
		r.Banner = fmt.Sprintf("Stop using %s now — anything entered after %s will not be migrated.", old, r.ExportedAt.Local().Format("Mon 2 Jan 2006 15:04"))
	} else {
		r.Banner = fmt.Sprintf("Stop using %s now — anything entered after the export will not be migrated.", old)
	}

	by, _ := ws.Setting(ctx, workspace.SettingCutoffAckBy)
	at, _ := ws.Setting(ctx, workspace.SettingCutoffAckAt)
	cut, _ := ws.Setting(ctx, workspace.SettingCutoff)
	if by != "" {
		r.Cutoff.Acknowledged, r.Cutoff.By = true, by
		r.Cutoff.At, _ = time.Parse(time.RFC3339, at)
		r.Cutoff.Cutoff, _ = time.Parse(time.RFC3339, cut)
	}
	if r.Cutoff.Acknowledged {
		for _, s := range srcs {
			if t, err := time.Parse(time.RFC3339, s.ExportedAt); err == nil && t.Before(r.Cutoff.Cutoff.Add(-24*time.Hour)) {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s was exported %s, before the cut-off (%s): export it again so nothing entered since is lost.",
					s.Name, t.Local().Format("2 Jan 2006"), r.Cutoff.Cutoff.Local().Format("2 Jan 2006")))
			}
		}
	}
	if !r.OldestAt.IsZero() && r.ExportedAt.Sub(r.OldestAt) > 48*time.Hour {
		r.Warnings = append(r.Warnings, fmt.Sprintf("The files were exported at different times (%s to %s): records changed in between may disagree. Export everything again on the same day.",
			r.OldestAt.Local().Format("2 Jan 2006"), r.ExportedAt.Local().Format("2 Jan 2006")))
	}
	// The age is said where the export time is (AgeText), not again among
	// the warnings: the banner said it twice.
	r.Stale = !r.ExportedAt.IsZero() && r.Age > StaleAfter

	r.NotMigrate, err = notMigrated(ctx, ws, c, ledger)
	if err != nil {
		return r, err
	}
	r.Reminders = []string{
		"Invoice all outstanding time in the old system before the final export: Clio imports only unbilled time, and receivables arrive as one balance line per matter.",
		"Don't turn on Outlook or Google contact/calendar sync in Clio until the migration is finished: it would create duplicates.",
		"If your Clio account came preconfigured (practice-area custom fields, matter templates), imported values must map onto those fields: check them on the Upload screen once signed in.",
		"After the upload, don't change imported data in Clio until you have checked it: revert works only on untouched records.",
	}
	return r, nil
}

func notMigrated(ctx context.Context, ws *workspace.Workspace, c workspace.Counts, ledger map[model.LedgerKind]int64) ([]NotMigrated, error) {
	if ledger == nil {
		ledger = map[model.LedgerKind]int64{}
		err := ws.EachLedgerLine(ctx, func(_ int64, l model.LedgerLine) error { ledger[l.Kind]++; return nil })
		if err != nil {
			return nil, err
		}
	}
	return []NotMigrated{
		{"Invoices and A/R ledger lines", ledger[model.LedgerInvoice] + ledger[model.LedgerCredit], "Clio gets one balance line per matter (the amount outstanding), to be billed from Clio."},
		{"Payments", ledger[model.LedgerPayment], "Already counted in each matter's outstanding balance."},
		{"Billed time entries", c.Excluded[model.BilledHistory], "Already invoiced; only unbilled time is imported. Keep the old system's reports for your records."},
		{"Trust transactions", ledger[model.LedgerTrustDeposit] + ledger[model.LedgerTrustWithdrawal], "Clio gets one trust balance per matter (or client); reconcile it against the bank statement after the upload."},
		{"Operating-account transactions", ledger[model.LedgerOperating], "Not migrated: keep the old system's reports."},
		{"Billable rates", -1, "Re-enter rates in Clio (Settings > Billing, and per user/matter)."},
		{"Reports", -1, "Run and save the reports you need from the old system before you stop using it."},
		{"User permissions and settings", -1, "Set up users, permissions and firm settings in Clio by hand."},
	}, nil
}

func ago(d time.Duration) string {
	switch {
	case d < 0:
		return "in the future (check the computer's clock)"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d.Hours()), "hour") + " ago"
	default:
		return plural(int(d.Hours()/24), "day") + " ago"
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// namesASystem tells whether a source's profile identifies the practice
// management system it came from (PCLaw, Outlook…), as opposed to a generic
// format (a task list, a calendar file, a mailbox) whose origin is unknown.
func namesASystem(profile string) bool {
	if strings.HasPrefix(profile, "generic") {
		return false
	}
	switch profile {
	case "", "vcard", "ical", "mbox", "eml", "ar-ledger", "trust-ledger":
		return false
	}
	return true
}
