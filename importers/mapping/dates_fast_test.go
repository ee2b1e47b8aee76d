package mapping

import (
	"strings"
	"testing"
)

// commonDateCases are near-misses of the shapes scanCommonDate reads: each must
// be read exactly as the patterns read it, or left to them.
var commonDateCases = []string{
	"2024-03-15", "2024/3/5", "2024.03.15", "2024-03-15T10:30:00", "2024-03-15 10:30", "2024-03-15  T 9",
	"2024-03-15X", "2024-3-", "2024-03-155", "20240-03-15", "2024-03-15T", "2024-03-15 \n10:00", "2024-03/15",
	"03/15/2024", "3/5/24", "15.03.2024", "15.03.2024.", "15.03.24 10:00", "1-2-2026, 9am", "03/15-2024",
	"03/15/202", "03/15/20245", "3/5/24.5", "1.2.26.", "123/4/2024", "1/234/2024", "1//2024", "/1/2024",
	"12/31/1999 23:59:59", "0/0/00", "1/2/2026\xff", "1/2/2026 \xff", "31/12/2026,, x", "1/2/2026T",
	"15-Mar-2024", "Mar 15, 2024", "20240315", "45000", "45000.5", "", " ", "２０２４-03-15",
}

func TestScanCommonDateAgreesWithPatterns(t *testing.T) {
	answered := 0
	for _, v := range commonDateCases {
		checkCommonDate(t, v)
		if _, ok := scanCommonDate(v); ok {
			answered++
		}
	}
	if answered < 15 { // the fast path must really take the common shapes
		t.Fatalf("scanCommonDate answered only %d of the cases", answered)
	}
	if _, ok := scanCommonDate("11/16/2026"); !ok {
		t.Fatal("scanCommonDate must read the PCLaw date shape")
	}
}

func checkCommonDate(t *testing.T, v string) {
	t.Helper()
	got, ok := scanCommonDate(v)
	if !ok {
		return
	}
	if want := scanDatePatterns(v); got != want {
		t.Errorf("%q: fast %+v, patterns %+v", v, got, want)
	}
}

func FuzzScanCommonDate(f *testing.F) {
	for _, v := range commonDateCases {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		v = strings.TrimSpace(v)
		if v == "" {
			return
		}
		checkCommonDate(t, v)
	})
}
