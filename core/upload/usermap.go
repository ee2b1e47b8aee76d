package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/workspace"
)

// Choices are the matches the office manager settled (on the Upload screen),
// kept in the project so that they survive a restart and the command line's
// upload uses them too. `handover upload --user-map FILE.csv` entries win
// over them for that run.
type Choices struct {
	// Users: legacy user as the old system wrote it → Clio user e-mail; ""
	// leaves the legacy user unassigned on purpose (matters go without that
	// attorney; records Clio cannot take without a person are skipped and listed).
	Users map[string]string `json:"users,omitempty"`
	// Calendars: legacy calendar owner → the Clio calendar its events go in
	// (instead of the matched Clio user's own calendar).
	Calendars map[string]CalendarChoice `json:"calendars,omitempty"`
}

// CalendarChoice is one Clio calendar, with its name as it was when chosen
// (to say which one it was if it is gone from Clio since).
type CalendarChoice struct {
	ID   int64  `json:"id"`
	Name string `json:"name,omitempty"`
}

// SettingChoices is the project setting the choices are kept under (JSON).
const SettingChoices = "upload_choices"

// LoadChoices reads the saved choices (empty when none were made).
func LoadChoices(ctx context.Context, ws *workspace.Workspace) (Choices, error) {
	var c Choices
	s, err := ws.Setting(ctx, SettingChoices)
	if err != nil || s == "" {
		return c, err
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return Choices{}, fmt.Errorf("the saved user matches in this project cannot be read (%v): choose them again on the Upload screen", err)
	}
	return c, nil
}

// SaveChoices replaces the saved choices.
func SaveChoices(ctx context.Context, ws *workspace.Workspace, c Choices) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return ws.SetSetting(ctx, SettingChoices, string(b))
}

// ChooseUser saves that legacy goes to the Clio user with e-mail email (""
// = leave unassigned). A choice replaces any earlier one for the same legacy
// user, however it was spelled.
func ChooseUser(ctx context.Context, ws *workspace.Workspace, legacy, email string) error {
	c, err := LoadChoices(ctx, ws)
	if err != nil {
		c = Choices{} // unreadable: start over rather than never save again
	}
	if c.Users == nil {
		c.Users = map[string]string{}
	}
	for k := range c.Users {
		if normUser(k) == normUser(legacy) {
			delete(c.Users, k)
		}
	}
	c.Users[strings.TrimSpace(legacy)] = strings.TrimSpace(email)
	return SaveChoices(ctx, ws, c)
}

// ForgetUser drops the saved choice for legacy, however it was spelled: the
// automatic match (same e-mail, name or initials) applies again.
func ForgetUser(ctx context.Context, ws *workspace.Workspace, legacy string) error {
	c, err := LoadChoices(ctx, ws)
	if err != nil {
		c = Choices{}
	}
	for k := range c.Users {
		if normUser(k) == normUser(legacy) {
			delete(c.Users, k)
		}
	}
	return SaveChoices(ctx, ws, c)
}

// ChooseCalendar saves the Clio calendar the events of legacy calendar owner
// go in; a zero id forgets the choice (events go in the matched user's calendar).
func ChooseCalendar(ctx context.Context, ws *workspace.Workspace, owner string, cal CalendarChoice) error {
	c, err := LoadChoices(ctx, ws)
	if err != nil {
		c = Choices{}
	}
	if c.Calendars == nil {
		c.Calendars = map[string]CalendarChoice{}
	}
	for k := range c.Calendars {
		if normUser(k) == normUser(owner) {
			delete(c.Calendars, k)
		}
	}
	if cal.ID != 0 {
		c.Calendars[strings.TrimSpace(owner)] = cal
	}
	return SaveChoices(ctx, ws, c)
}

// userChoice is one settled legacy user: the Clio e-mail ("" = unassigned)
// and where the decision came from.
type userChoice struct {
	email string
	how   string // HowChosen or HowUserMap
}

// How a legacy user was settled (UserMatch.How), besides the automatic
// "email", "name" and "initials".
const (
	HowChosen     = "chosen"          // on the Upload screen (saved in the project)
	HowUserMap    = "user map"        // --user-map for this run
	HowUnassigned = "left unassigned" // chosen or user map, with no Clio user
)

// mergeChoices lays the run's user map over the saved choices, by
// normalised legacy user.
func mergeChoices(saved Choices, userMap map[string]string) map[string]userChoice {
	out := map[string]userChoice{}
	for k, v := range saved.Users {
		out[normUser(k)] = userChoice{email: normEmail(v), how: HowChosen}
	}
	for k, v := range userMap {
		v = normEmail(v)
		if v == "-" {
			v = ""
		}
		out[normUser(k)] = userChoice{email: v, how: HowUserMap}
	}
	return out
}

// SavedDefaultOwner is the Clio user (e-mail) saved in the project for the
// records the old system left without a person ("" = none chosen).
func SavedDefaultOwner(ctx context.Context, ws *workspace.Workspace) (string, error) {
	s, err := ws.Setting(ctx, workspace.SettingDefaultOwner)
	return normEmail(s), err
}

// ChooseDefaultOwner saves who gets the records the old system left without
// a person; "" forgets the choice (those records need one again).
func ChooseDefaultOwner(ctx context.Context, ws *workspace.Workspace, email string) error {
	return ws.SetSetting(ctx, workspace.SettingDefaultOwner, normEmail(email))
}

// How the default owner was given (DefaultOwnerPlan.How).
const (
	HowSaved  = "saved in the project"
	HowOption = "given for this run"
)

// DefaultOwnerPlan says who gets the records the old system left without a
// person, and how many there are of each type.
type DefaultOwnerPlan struct {
	Email   string `json:"email,omitempty"` // as given; "" = no default owner
	ClioID  int64  `json:"clio_id,omitempty"`
	Name    string `json:"name,omitempty"`
	How     string `json:"how,omitempty"`     // HowSaved or HowOption
	Problem string `json:"problem,omitempty"` // the saved e-mail is no (enabled) user of this Clio account
	// Records: per type, the records with no person (tasks without an
	// assignee, calendar events without an owner, time entries without a
	// user). They use the default owner, or are skipped without one.
	Records map[model.Entity]int64 `json:"records"`
	Total   int64                  `json:"total"`
}

// Uses says how many records go to the default owner (0 without one).
func (p *DefaultOwnerPlan) Uses() int64 {
	if p == nil || p.ClioID == 0 {
		return 0
	}
	return p.Total
}

// resolveDefaultOwner finds the default owner among Clio's users: the run's
// option first, else the one saved in the project. An unknown or disabled
// e-mail given for the run is an error (nothing is sent); a saved one that
// no longer fits is a problem the plan and the refusals name.
func resolveDefaultOwner(users []clio.User, option, saved string) (*clio.User, DefaultOwnerPlan, error) {
	p := DefaultOwnerPlan{Email: normEmail(option), How: HowOption}
	if p.Email == "" {
		p.Email, p.How = normEmail(saved), HowSaved
	}
	if p.Email == "" {
		p.How = ""
		return nil, p, nil
	}
	var hit *clio.User
	for i := range users {
		if normEmail(users[i].Email) == p.Email {
			hit = &users[i]
		}
	}
	switch {
	case hit == nil:
		var emails []string
		for _, u := range users {
			if u.Enabled {
				emails = append(emails, u.Email)
			}
		}
		p.Problem = fmt.Sprintf("the default owner %s is not a user of this Clio account (its users: %s)", p.Email, strings.Join(emails, ", "))
	case !hit.Enabled:
		p.Problem = fmt.Sprintf("the default owner %s is a disabled Clio user", p.Email)
	default:
		p.ClioID, p.Name = int64(hit.ID), hit.Name
		return hit, p, nil
	}
	if p.How == HowOption {
		return nil, p, errors.New(p.Problem + ": give the e-mail of an enabled Clio user")
	}
	p.Problem += ": choose another one on the Upload screen"
	return nil, p, nil
}

// describe lists the records with no person by type: "3 tasks, 12 calendar events".
func (p *DefaultOwnerPlan) describe() string {
	var parts []string
	for _, ent := range model.Entities {
		if n := p.Records[ent]; n > 0 {
			parts = append(parts, countOf(ent, n))
		}
	}
	return strings.Join(parts, ", ")
}

// countOf says "1 task", "12 calendar events", "3 time entries".
func countOf(ent model.Entity, n int64) string {
	switch ent {
	case model.Tasks:
		return plural(n, "task", "tasks")
	case model.CalendarEvents:
		return plural(n, "calendar event", "calendar events")
	case model.TimeEntries:
		return plural(n, "time entry", "time entries")
	}
	return fmt.Sprintf("%d %s", n, strings.ToLower(ent.Label()))
}
