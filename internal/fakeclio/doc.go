// Package fakeclio is a local, in-memory Clio Manage API v4 for tests,
// benchmarks and rehearsals (shared/docs/CLIO-API.md §8).
//
// # Regions
//
// One Server is one Clio region: it has its own OAuth clients, tokens and
// data, and a token issued by one Server is rejected (401 invalid_token) by
// any other. To rehearse several regions start one Server per region
// (Options.Region only labels it). There are no /us, /eu path prefixes.
//
// # Endpoints
//
//	GET|POST /oauth/authorize    approve page (or Options.AutoApprove / AutoDecline)
//	POST     /oauth/token        authorization_code and refresh_token grants
//	POST     /oauth/deauthorize  revokes the token and its grant's refresh token
//	         /api/v4/<collection>[/<id>][.json]
//	PUT      /s3/<bucket>/<uuid>?<signed query>   document bytes (no bearer token)
//
// Collections: users (+who_am_i), calendars, practice_areas, custom_fields,
// activity_descriptions, contacts (+/{id}/email_addresses, phone_numbers),
// matters (+/{id}/related_contacts, /{id}/client), relationships, tasks, notes,
// calendar_entries, communications, activities, bank_accounts,
// bank_transactions, folders (+list), documents (+/{id}/download).
//
// # Behaviour worth knowing
//
//   - Ids come from disjoint ranges per collection (users 344001…, calendars
//     777001…, contacts 10000001…, matters 20000001…), so passing one kind of
//     id where another is expected fails with 422/404 as it would in Clio.
//   - Without `fields` only id and etag come back. Field names are checked
//     against the spec's schemas (400 ArgumentError on unknown or 2nd-level).
//   - Validation errors are 422 {"error":{"type","message"}}; the message
//     names the field. Matter status must be lowercase on write and reads
//     back capitalised; display_number is generated ("00001") unless
//     ManualNumbering; calendar_owner must be a calendar id.
//   - Nested emails/phones/addresses take id-less items as new, {id,...} as
//     updates and {id,_destroy:true} as deletions; `primary` is read back in
//     place of the write-only default_email/default_number flags. Custom
//     field values get instance ids like "text_line-200000012".
//   - Cursor paging (order=id(asc|desc), no offset) returns meta.paging.next
//     as an absolute URL with page_token; offset paging caps at 10,000.
//   - Refresh: with RotateRefresh a new refresh_token is returned and the old
//     one dies; without it the response carries no refresh_token and the old
//     one keeps working (what Clio documents).
//   - Rate limit: fixed window per access token; every authenticated
//     response carries X-RateLimit-Limit/Remaining/Reset; 429 has Retry-After.
//   - Faults apply to /api/v4 after authentication and rate limiting;
//     Faults.Script gives exact per-request control, Rate+Seed a
//     reproducible random mix. To simulate an outage use
//     SetFaults(Faults{Rate: 1, Kinds: []FaultKind{FaultReset}}).
//   - ValidateSpec checks each request against openapi.json (400
//     SpecViolation + State.SpecViolations) and each response (recorded with
//     Response=true). Two spec `required` lists that contradict the spec's
//     own text are relaxed (notes contact/matter, contact name), and the
//     spec's PhoneNumber response enum (Work|Personal|Other) is ignored.
//   - Snapshot returns deep copies of every record (all stored fields, ids
//     as int64 except calendar entries' string ids) plus counters.
package fakeclio
