package check

import (
	"strings"

	"handover/core/model"
)

// Kind is what the screens and reports say about one kind of finding: a
// short label for a list or a chart, the most serious severity its findings
// are given (each finding carries its own: a rule may say a blocker for one
// record and a warning for another), and one sentence of help on what it
// means for the migration. The UI and the CLI only present these.
type Kind struct {
	Rule     string
	Label    string
	Severity model.Severity
	Help     string
}

// kinds lists every rule the check and the importers write. The importers'
// ids are spelled here as strings (core does not import the importers); a
// test in ui holds them to the importers' constants.
var kinds = []Kind{
	{model.RuleContactMissingName, "Contact without a name", model.Blocker, "Clio will not import a contact without a name; a person without one of first or last name is a warning."},
	{model.RuleMatterMissingClient, "Matter without a client", model.Blocker, "Every Clio matter needs a client contact."},
	{model.RuleMatterMissingDesc, "Matter without a description", model.Blocker, "Clio requires a description on every matter."},
	{model.RuleMatterMissingNumber, "Matter without a number", model.Blocker, "Without the old matter number nothing else can point at this matter."},
	{model.RuleMatterInvalidStatus, "Unknown matter status", model.Blocker, "Clio knows Open, Pending and Closed only."},
	{model.RuleMatterCloseBeforeOpen, "Matter closed before it opened", model.Warning, "One of the two dates is probably typed wrong."},
	{model.RuleOrphanClient, "Client not found", model.Blocker, "The matter's client matches no contact in your files, so the matter has nobody to belong to."},
	{model.RuleOrphanMatter, "Matter not found", model.Blocker, "The record names a matter that is not in your files; it would arrive in Clio unattached."},
	{model.RuleOrphanContact, "Contact not found", model.Blocker, "The record names a contact that is not in your files."},
	{model.RuleParentAmbiguous, "Matches two records", model.Blocker, "The reference fits two or more records equally well; Handover never guesses which."},
	{model.RuleParentHeld, "Goes with a record on hold", model.Warning, "The matter or contact this record belongs to has a blocker: until that is fixed, this record is not uploaded either."},
	{model.RuleParentByDescription, "Matter found by description", model.Warning, "The matter was found only by its description, not its number: check it is the right one."},
	{model.RuleLinkUnresolved, "Link not found", model.Warning, "The record goes to Clio without this link (an employer, or a call's or e-mail's contact)."},
	{model.RuleCommMissingDate, "Call or e-mail without a date", model.Blocker, "Clio files every phone call and e-mail at the time it was received."},
	{model.RuleTimeMissingUser, "Time entry without a lawyer", model.Blocker, "Clio files every time entry under a user."},
	{model.RuleTimeMissingDate, "Time entry without a date", model.Blocker, "Clio will not import a time entry without a date."},
	{model.RuleTimeNoMatter, "Time entry without a matter", model.Warning, "It reaches Clio as time on no matter; if the old system had a matter for it, the link was lost on the way."},
	{model.RuleTimeMissingQuantity, "Time entry without hours", model.Blocker, "A time entry of no hours bills nothing."},
	{model.RuleTimeMissingRate, "Time entry without a rate", model.Blocker, "Billable time needs a rate in Clio."},
	{model.RuleTimeBadDuration, "Odd number of hours", model.Blocker, "Negative hours are refused; more than a day in one entry is probably a typing error."},
	{model.RuleCalendarMissingField, "Calendar entry incomplete", model.Blocker, "Clio needs a title, a start and an end."},
	{model.RuleCalendarEndBeforeStart, "Ends before it starts", model.Blocker, "Clio refuses an event whose end is before its start."},
	{model.RuleCalendarMissingOwner, "Calendar entry without owner", model.Blocker, "Every Clio calendar entry sits in someone's calendar."},
	{model.RuleNoteMissingParent, "Note without matter/contact", model.Blocker, "A Clio note belongs to a matter or a contact."},
	{model.RuleTaskMissingName, "Task without a name", model.Blocker, "Clio requires a name on every task."},
	{model.RuleTaskMissingAssignee, "Task without an assignee", model.Blocker, "Clio assigns every task to someone."},
	{model.RuleEmailInvalid, "Not an e-mail address", model.Blocker, "Clio refuses a contact whose e-mail address is not one (often it is a phone number)."},
	{model.RulePhoneInvalid, "Phone number unreadable", model.Warning, "The number cannot be read for the firm's country; it would arrive as written."},
	{model.RuleDateOutOfRange, "Date far in past/future", model.Warning, "A date before 1900 or far ahead is usually a typing error."},
	{model.RuleDateAmbiguous, "Day/month order unclear", model.Warning, "Nothing in the column tells 03/04 apart: 3 April or 4 March."},
	{model.RuleNameWrongColumn, "Name in the wrong field", model.Warning, "A company name in a person's field, or \"Smith, John\" in one field."},
	{model.RuleExcelMangled, "Number damaged by Excel", model.Warning, "Excel turned the value into a date or dropped its leading zeros; the original is lost."},
	{model.RuleUserUnmatched, "Lawyer/user to match", model.Blocker, "A person of the old system not yet matched to a Clio user."},
	{model.RuleCustomFieldName, "Custom field name too long", model.Blocker, "Clio allows 32 characters in a custom field's name."},
	{model.RuleDuplicateContact, "Possible duplicate", model.Warning, "Two contacts look like the same person or company: merge them or keep both."},
	{model.RuleBalanceNegative, "Trust below zero", model.Blocker, "A trust balance below zero is a ledger error in the old system."},
	{model.RuleBalanceNoInvoices, "Payments without invoices", model.Blocker, "What a client owes is invoices minus payments; with payments and no invoices Handover cannot work it out, so no receivables balance is sent."},
	{model.RuleBalanceRejectedRows, "Balance missing ledger rows", model.Blocker, "Rows of a ledger file could not be read, so the balances they belong to were worked out without them and may be wrong; they are not sent until the rows are read (or the balances left out)."},
	{RuleEnumInvalid, "Value Clio doesn't know", model.Blocker, "Clio has a fixed list for this field; the value is not on it."},
	{RuleDateInvalid, "Unreadable date", model.Blocker, "The date cannot be read at all."},

	// written by the importers (importers/...)
	{"row.short", "Row shorter than its header", model.Warning, "The row has fewer cells than the header: a value may have moved to the wrong column."},
	{"email.date_fallback", "E-mail date from the file", model.Info, "The message has no readable date; the file's date is used instead."},
	{"ledger.balance_differs", "Balance differs from the file", model.Warning, "The balance computed from the ledger is not the one the file says."},
	{"datetime.no_zone", "Time without a time zone", model.Warning, "The times are read in the firm's time zone."},
	{"column.unmapped", "Column not used", model.Info, "No Clio field was chosen for this column, so its values are not migrated."},
	{"column.question", "Question about a column", model.Warning, "How the column's values are read needs your answer."},
	{"table.unknown", "Table not recognised", model.Blocker, "Handover could not tell what the rows of this table are."},
	{"table.lookup", "Lookup table", model.Info, "A table of codes other tables use: its values are read into theirs."},
	{"link.question", "Link to confirm", model.Warning, "Which table this column points at needs your answer."},
}

var kindByRule = func() map[string]Kind {
	m := make(map[string]Kind, len(kinds))
	for _, k := range kinds {
		m[k.Rule] = k
	}
	return m
}()

// Kinds is every known kind of finding, in a stable order.
func Kinds() []Kind { return append([]Kind(nil), kinds...) }

// KindOf says what a rule's findings are. A rule not listed (a newer
// project's, or one added without a label) gets its id in words and the
// blocker severity, so it is never shown as harmless by mistake.
func KindOf(rule string) Kind {
	if k, ok := kindByRule[rule]; ok {
		return k
	}
	label := strings.NewReplacer(".", " ", "_", " ").Replace(rule)
	if label == "" {
		label = rule
	} else {
		label = strings.ToUpper(label[:1]) + label[1:]
	}
	return Kind{Rule: rule, Label: label, Severity: model.Blocker}
}
