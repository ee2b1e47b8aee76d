package model

// Severity of a readiness finding.
type Severity string

const (
	Blocker Severity = "blocker" // Clio would refuse or drop the record: fix before upload
	Warning Severity = "warning" // will import, but probably wrong
	Info    Severity = "info"    // worth knowing
)

// Rank orders severities most severe first: blocker 0, warning 1, anything
// else 2 (lists and reports sort findings by it).
func (s Severity) Rank() int {
	switch s {
	case Blocker:
		return 0
	case Warning:
		return 1
	}
	return 2
}

// Rule ids of readiness findings. They are stable strings: the demo firm's
// ground truth, the project file, reports and the CLI's JSON all use them.
const (
	RuleContactMissingName     = "contact.missing_name"  // person without first/last name, company without name
	RuleMatterMissingClient    = "matter.missing_client" // no client at all
	RuleMatterMissingDesc      = "matter.missing_description"
	RuleMatterMissingNumber    = "matter.missing_number"
	RuleMatterInvalidStatus    = "matter.invalid_status" // not Open/Pending/Closed after value maps
	RuleMatterCloseBeforeOpen  = "matter.close_before_open"
	RuleOrphanClient           = "orphan.client"         // matter's client reference matches no contact
	RuleOrphanMatter           = "orphan.matter"         // time entry/note/task/email/event/balance whose matter matches no matter
	RuleOrphanContact          = "orphan.contact"        // contact note/relationship whose contact matches no contact
	RuleParentAmbiguous        = "parent.ambiguous"      // a matter/client/contact reference that matches two or more records equally well
	RuleParentByDescription    = "parent.by_description" // a matter reference matched only by the matter's description
	RuleLinkUnresolved         = "link.unresolved"       // an employer or a call's/e-mail's contact that matches no contact (or two): sent without the link
	RuleTimeMissingUser        = "time.missing_user"
	RuleTimeMissingDate        = "time.missing_date"
	RuleTimeMissingQuantity    = "time.missing_quantity"
	RuleTimeMissingRate        = "time.missing_rate"
	RuleTimeBadDuration        = "time.bad_duration" // negative, zero or absurd (> 24 h in one entry)
	RuleCalendarMissingField   = "calendar.missing_field"
	RuleCalendarEndBeforeStart = "calendar.end_before_start"
	RuleCalendarMissingOwner   = "calendar.missing_owner"
	RuleNoteMissingParent      = "note.missing_parent"
	RuleTaskMissingName        = "task.missing_name"
	RuleTaskMissingAssignee    = "task.missing_assignee"
	RuleEmailInvalid           = "email.invalid"     // not an e-mail address (often a phone number)
	RulePhoneInvalid           = "phone.invalid"     // cannot be parsed for the firm's country
	RuleDateOutOfRange         = "date.out_of_range" // before 1900 or far in the future
	RuleDateAmbiguous          = "date.ambiguous"    // day/month order cannot be told from the column
	RuleNameWrongColumn        = "name.wrong_column" // e.g. a company name in last_name, "Smith, John" in first name
	RuleExcelMangled           = "number.excel_mangled"
	RuleUserUnmatched          = "user.unmatched" // legacy user/initials not matched to a Clio user
	RuleCustomFieldName        = "custom_field.name_too_long"
	RuleDuplicateContact       = "duplicate.contact"
	RuleBalanceNegative        = "balance.negative"    // trust balance below zero: a ledger error in the old system
	RuleBalanceNoInvoices      = "balance.no_invoices" // payments read but no invoice: A/R cannot be worked out
	RuleEnumInvalid            = "enum.invalid"        // a value outside Clio's fixed list (contact type, note type, labels, task priority/status, activity type)
	RuleDateInvalid            = "date.invalid"        // a date that cannot be read at all
)

// Rules that say, before the upload, what it would otherwise skip or Clio refuse.
const (
	RuleParentHeld      = "parent.held"                // the matter or contact a record needs has a blocker (or is itself so held): not uploaded with it
	RuleCommMissingDate = "communication.missing_date" // a phone log or e-mail with no time it was received: Clio refuses it
	RuleTimeNoMatter    = "time.no_matter"             // a time entry naming no matter: it reaches Clio as firm time, on no matter
	// ledger rows that could go into a balance were rejected at ingest: the
	// balance worked out without them may be wrong, so it is not sent
	RuleBalanceRejectedRows = "balance.rejected_rows"
)
