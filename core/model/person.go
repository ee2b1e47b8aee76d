package model

import "strings"

// PersonRequired says, for a record Clio cannot take without a person of the
// firm (a task's assignee, a calendar event's owner, a time entry's user),
// which field names that person and whether the old system left it empty.
// The check and the upload both decide "no person" here, so a record the
// check lets through is one the upload sends, and the other way round.
// required is false for every other kind of record.
func PersonRequired(d any) (field, rule string, required, missing bool) {
	switch v := d.(type) {
	case *Task:
		return "assignee", RuleTaskMissingAssignee, true, strings.TrimSpace(v.Assignee) == ""
	case *CalendarEvent:
		return "calendar_owner", RuleCalendarMissingOwner, true, strings.TrimSpace(v.Owner) == ""
	case *TimeEntry:
		return "user", RuleTimeMissingUser, true, strings.TrimSpace(v.User) == ""
	}
	return "", "", false, false
}

// MissingPersonRules are the rules of PersonRequired's records with no person.
var MissingPersonRules = []string{RuleTaskMissingAssignee, RuleCalendarMissingOwner, RuleTimeMissingUser}
