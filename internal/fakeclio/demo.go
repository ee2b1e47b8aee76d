package fakeclio

import "handover/internal/synth"

// DemoUsers are the demo firm's lawyers (synth.Lawyers) as users of the
// local Clio, so the demo's legacy initials, names and e-mail addresses
// match Clio users the way a real firm's would.
func DemoUsers() []User {
	users := make([]User, 0, len(synth.Lawyers))
	for _, l := range synth.Lawyers {
		users = append(users, User{FirstName: l.First, LastName: l.Last, Initials: l.Initials, Email: l.Email})
	}
	return users
}
