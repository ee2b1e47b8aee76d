package resolve

import (
	"sync"
	"testing"
)

// Accent folding from many goroutines at once gives each the answer it
// gives alone (go test -race also holds it to sharing nothing).
func TestFoldAccentsConcurrently(t *testing.T) {
	in := []string{"Zoë Walsh", "Élodie Müller", "José Lefèvre", "Siobhán Núñez"}
	want := []string{"Zoe Walsh", "Elodie Muller", "Jose Lefevre", "Siobhan Nunez"}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				k := (g + i) % len(in)
				if got := FoldAccents(in[k]); got != want[k] {
					errs <- got + " for " + in[k]
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
