// Package profiles holds the embedded mapping profiles: one JSON file per
// known legacy export (PCLaw, Outlook, Google, PracticePanther, MyCase,
// Bill4Time, AbacusLaw and a few generic layouts). The format is described in
// importers/mapping (type profileFile); the files are data so a new export
// layout can be added without touching Go code.
package profiles

import "embed"

// FS holds every *.json profile.
//
//go:embed *.json
var FS embed.FS
