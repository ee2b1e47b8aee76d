// Package heaptest measures memory for the tests that hold streaming code
// to a flat heap (duplicate detection, the package's reference index, the
// readiness workbook).
package heaptest

import "runtime"

// Live is the heap still reachable after a collection, in bytes: what a
// test compares before and after the work, so garbage not yet collected
// does not count.
func Live() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
