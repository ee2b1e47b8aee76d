// Package assets holds the files embedded in the Handover binary: the demo
// firm used by `handover demo` (and, later, the application icon).
package assets

import "embed"

//go:generate go run ../internal/synth/gen -out demo -contacts 60 -seed 1 -q

// Demo is the synthetic firm "Harbor & Lane LLP" written by internal/synth:
// demo/pclaw, demo/outlook, demo/mail, demo/abacus, demo/other and
// demo/truth.json (the ground truth of every planted problem). Read it with
// fs.Sub(Demo, "demo").
//
//go:embed demo
var Demo embed.FS
