package upload

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
