package workspace

import (
	"encoding/json"
	"math"
	"math/rand"
	"reflect"
	"testing"

	"handover/core/model"
)

var jsonPieces = []string{"", "", "a", "Work", "José Müller", "<b>&</b>", `"quoted" \ back`, "tab\tnew\nline\r\b\f\x01\x1f", "\u2028\u2029", "bad \xff\xc3", "✓ 漢字", "{}", "a:b;c"}

// fill sets every field of v (a pointer's target) by reflection, each kind
// as it comes, so a field added to a model type is filled too.
func fill(rng *rand.Rand, v reflect.Value, extra []string) {
	switch v.Kind() {
	case reflect.String:
		pool := append(jsonPieces, extra...)
		v.SetString(pool[rng.Intn(len(pool))])
	case reflect.Bool:
		v.SetBool(rng.Intn(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(rng.Int63n(2000) - 1000)
	case reflect.Float64:
		v.SetFloat(float64(rng.Intn(2000)) / 7)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(rng, v.Field(i), extra)
			}
		}
	case reflect.Pointer:
		if rng.Intn(3) > 0 {
			p := reflect.New(v.Type().Elem())
			fill(rng, p.Elem(), extra)
			v.Set(p)
		}
	case reflect.Slice:
		switch n := rng.Intn(5); n {
		case 0: // nil
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1) // empty too
			for i := 0; i < n-1; i++ {
				fill(rng, s.Index(i), extra)
			}
			v.Set(s)
		}
	case reflect.Map:
		switch n := rng.Intn(5); n {
		case 0:
		default:
			m := reflect.MakeMap(v.Type())
			for i := 0; i < n-1; i++ {
				k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
				fill(rng, k, extra)
				fill(rng, e, extra)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	default:
		panic("fill: no case for " + v.Kind().String() + " (" + v.Type().String() + "): add one")
	}
}

func checkRecordJSON(t *testing.T, data any) {
	t.Helper()
	want, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := recordJSON(data)
	if err != nil || got != string(want) {
		t.Fatalf("recordJSON(%#v)\n got %s (%v)\nwant %s", data, got, err, want)
	}
}

func TestRecordJSONIsJSONMarshals(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		c := &model.Contact{}
		fill(rng, reflect.ValueOf(c).Elem(), nil)
		checkRecordJSON(t, c)
		n := &model.Note{}
		fill(rng, reflect.ValueOf(n).Elem(), nil)
		checkRecordJSON(t, n)
		te := &model.TimeEntry{}
		fill(rng, reflect.ValueOf(te).Elem(), nil)
		checkRecordJSON(t, te)
	}
	checkRecordJSON(t, &model.Contact{})
	checkRecordJSON(t, &model.Note{})
	checkRecordJSON(t, &model.TimeEntry{})
	checkRecordJSON(t, &model.TimeEntry{Seconds: math.MaxInt64, Price: math.MinInt64})
	checkRecordJSON(t, (*model.Contact)(nil))
	checkRecordJSON(t, (*model.Note)(nil))
	checkRecordJSON(t, (*model.TimeEntry)(nil))
	checkRecordJSON(t, &model.Matter{DisplayNumber: "2024-001"}) // json.Marshal's own
	checkRecordJSON(t, nil)
}

func FuzzRecordJSON(f *testing.F) {
	f.Add(int64(1), "José", "<&>")
	f.Add(int64(2), "\xff", "\u2028")
	f.Fuzz(func(t *testing.T, seed int64, a, b string) {
		rng := rand.New(rand.NewSource(seed))
		c := &model.Contact{}
		fill(rng, reflect.ValueOf(c).Elem(), []string{a, b})
		checkRecordJSON(t, c)
		n := &model.Note{}
		fill(rng, reflect.ValueOf(n).Elem(), []string{a, b})
		checkRecordJSON(t, n)
		te := &model.TimeEntry{}
		fill(rng, reflect.ValueOf(te).Elem(), []string{a, b})
		checkRecordJSON(t, te)
	})
}
