package items

import "testing"

func TestMatterRef(t *testing.T) {
	project := map[string]bool{FoldNumber("2024-017"): true, FoldNumber("M-0042"): true, FoldNumber("17"): true,
		FoldNumber("1042"): true, FoldNumber("2024"): true, FoldNumber("M-5"): true}
	known := func(v string) bool { return project[FoldNumber(v)] }
	for _, c := range []struct{ text, want string }{
		// wording
		{"Our ref: 2024-017", "2024-017"},
		{"Lease renewal - our ref 2024/017 - draft", "2024/017"},
		{"Ref 2024/017", "2024/017"},
		{"RE: Ref. 2024-017 signed", "2024-017"},
		{"Reference no. 2024-017", "2024-017"},
		{"Our file: SMI-2024-017.", "SMI-2024-017"},
		{"Matter No. 17", "17"},
		{"Matter #17 - hearing", "17"},
		{"Matter: 2024-017", "2024-017"},
		{"Your ref: ABC/99; our ref: 2024-017", "2024-017"},
		{"Your ref 5521", ""},            // the other side's number
		{"Court ref 2:24-cv-01234", ""},  // a docket, not our matter
		{"No matter 5 times I call", ""}, // prose
		{"Ref: John Smith", ""},          // no number after the word
		{"Ref: 12/03/2024", ""},          // a date
		{"Preferences 2024-099", ""},     // "ref" inside a word
		{"Refund of 2024-099 fees", ""},  // likewise
		{"Invoice ref 2024-099", ""},     // an invoice's number
		{"[2024-017] Draft lease", "2024-017"},
		{"Re: [EXTERNAL] [2024-017] Draft", "2024-017"},
		{"Scans [1/2]", ""},
		{"Minutes [2024-03-12]", ""},
		// bare values only when the project has that matter
		{"Re: Smith / 2024-017", "2024-017"},
		{"Re: Smith / 2024-018", ""},
		{"Re: Smith / 2024-17", "2024-17"},
		{"m-0042 closing letter", "m-0042"},
		{"M-42 closing letter", "M-42"},
		{"M-5 closing letter", "M-5"},   // one digit leading the text, as folder names carry it
		{"Closing - M-5 Bakery", "M-5"}, // or leading a part of a title
		{"M5 signed agreement", "M5"},   // typed without the separator
		{"Hearing - m5 Bakery", "m5"},
		{"Q1 report", ""},            // a code the project has no matter for
		{"Call about M-5 today", ""}, // elsewhere one digit is too little to tell from any other code
		{"M-6 closing letter", ""},   // not a matter of the project
		{"1042 Lease renewal", "1042"},
		{"RE: Fwd: 1042 Lease renewal", "1042"},
		{"Lease renewal 1042", ""},           // a plain number counts only where folder names carry it: first
		{"2024 tax return", ""},              // a year, though the project has a matter 2024
		{"Court date - 1042 Abbott", "1042"}, // leads a part of a title set off by a spaced dash
		{"Hearing | 1042", "1042"},
		{"Call – 2024 budget", ""},       // a year leading the part
		{"Call - 1043 Abbott", ""},       // not a matter of the project
		{"Pay-1042 Abbott", ""},          // an unspaced hyphen does not part a title
		{"Court date - Abbott 1042", ""}, // not leading its part
		{"1043 Lease renewal", ""},       // not a matter of the project
		{"Call back re 17 items", ""},    // a bare "17" has no matter-number structure
		{"2024-017 letter to client", "2024-017"},
	} {
		if got := MatterRef(c.text, known); got != c.want {
			t.Errorf("MatterRef(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	if got := MatterRef("Re: Smith / 2024-017", nil); got != "" {
		t.Errorf("with no known matters a bare value is not a reference: %q", got)
	}
}

func TestFoldNumber(t *testing.T) {
	for in, want := range map[string]string{
		"2024-017": "2024-17", "2024/17": "2024-17", " 2024 _ 017 ": "2024-17",
		"M017": "M-17", "m-17": "M-17", "000": "0", "2024-0": "2024-0", "": "",
	} {
		if got := FoldNumber(in); got != want {
			t.Errorf("FoldNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzMatterRef(f *testing.F) {
	f.Add("Our ref: 2024-017 [16-1001] Re: Smith / 2024-017")
	f.Fuzz(func(t *testing.T, s string) {
		if v := MatterRef(s, func(string) bool { return true }); len(v) > len(s) {
			t.Fatalf("MatterRef(%q) = %q: longer than its text", s, v)
		}
		FoldNumber(s)
	})
}
