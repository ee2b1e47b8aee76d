package fakeclio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// SpecEnv names the environment variable that overrides the spec location.
const SpecEnv = "HANDOVER_CLIO_SPEC"

// FindSpec returns the path of Clio's openapi.json: explicit, else
// $HANDOVER_CLIO_SPEC, else <dir holding go.mod>/../shared/clio/openapi.json
// found by walking up from the working directory.
func FindSpec(explicit string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	if p := os.Getenv(SpecEnv); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "clio", "openapi.json")
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("fakeclio: Clio spec not found at %s (set %s)", p, SpecEnv)
			}
			return filepath.Clean(p), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("fakeclio: no go.mod above the working directory; set %s to Clio's openapi.json", SpecEnv)
		}
		dir = parent
	}
}

type specEntry struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

var (
	specMu    sync.Mutex
	specCache = map[string]*specEntry{}
)

// loadSpec loads and caches the kin-openapi document (once per process per path).
func loadSpec(explicit string) (*openapi3.T, error) {
	p, err := FindSpec(explicit)
	if err != nil {
		return nil, err
	}
	specMu.Lock()
	e, ok := specCache[p]
	if !ok {
		e = &specEntry{}
		specCache[p] = e
	}
	specMu.Unlock()
	e.once.Do(func() {
		l := openapi3.NewLoader()
		e.doc, e.err = l.LoadFromFile(p)
		if e.err != nil {
			e.err = fmt.Errorf("fakeclio: load %s: %w", p, e.err)
			return
		}
		relaxSpecQuirks(e.doc)
	})
	return e.doc, e.err
}

// catalog: schema name → field → nested schema name ("" for scalars).
type catalog map[string]map[string]string

type catalogEntry struct {
	once sync.Once
	cat  catalog
	err  error
}

var (
	catMu    sync.Mutex
	catCache = map[string]*catalogEntry{}
)

// loadCatalog reads the field names of every component schema from the
// spec (plain JSON decoding: much faster than the kin loader).
func loadCatalog(explicit string) (catalog, error) {
	p, err := FindSpec(explicit)
	if err != nil {
		return nil, err
	}
	catMu.Lock()
	e, ok := catCache[p]
	if !ok {
		e = &catalogEntry{}
		catCache[p] = e
	}
	catMu.Unlock()
	e.once.Do(func() {
		var raw struct {
			Components struct {
				Schemas map[string]json.RawMessage `json:"schemas"`
			} `json:"components"`
		}
		b, err := os.ReadFile(p)
		if err != nil {
			e.err = err
			return
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			e.err = err
			return
		}
		type schema struct {
			Ref        string             `json:"$ref"`
			AllOf      []schema           `json:"allOf"`
			Properties map[string]*schema `json:"properties"`
			Items      *schema            `json:"items"`
		}
		parsed := map[string]*schema{}
		for name, m := range raw.Components.Schemas {
			var sc schema
			if json.Unmarshal(m, &sc) == nil {
				parsed[name] = &sc
			}
		}
		refName := func(sc *schema) string {
			if sc == nil {
				return ""
			}
			if sc.Items != nil {
				sc = sc.Items
			}
			return strings.TrimPrefix(sc.Ref, "#/components/schemas/")
		}
		cat := catalog{}
		var collect func(name string, sc *schema, out map[string]string, depth int)
		collect = func(name string, sc *schema, out map[string]string, depth int) {
			if sc == nil || depth > 4 {
				return
			}
			if sc.Ref != "" {
				collect(name, parsed[strings.TrimPrefix(sc.Ref, "#/components/schemas/")], out, depth+1)
			}
			for i := range sc.AllOf {
				collect(name, &sc.AllOf[i], out, depth+1)
			}
			for f, p := range sc.Properties {
				out[f] = refName(p)
			}
		}
		for name, sc := range parsed {
			out := map[string]string{}
			collect(name, sc, out, 0)
			cat[name] = out
		}
		e.cat = cat
	})
	return e.cat, e.err
}

var specOpts = &openapi3filter.Options{
	AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
	MultiError:         true,
}

// specRoute finds the operation for a spec path template.
func specRoute(doc *openapi3.T, method, tmpl string) (*routers.Route, error) {
	item := doc.Paths.Value(tmpl)
	if item == nil {
		return nil, fmt.Errorf("path %s is not in Clio's spec", tmpl)
	}
	op := item.GetOperation(method)
	if op == nil {
		return nil, fmt.Errorf("%s %s is not in Clio's spec", method, tmpl)
	}
	return &routers.Route{Spec: doc, Server: doc.Servers[0], Path: tmpl, PathItem: item, Method: method, Operation: op}, nil
}

// validateRequest checks r (whose body is body) against the spec operation.
func validateRequest(doc *openapi3.T, r *http.Request, body []byte, tmpl string, params map[string]string) (*openapi3filter.RequestValidationInput, error) {
	route, err := specRoute(doc, r.Method, tmpl)
	if err != nil {
		return nil, err
	}
	rr := r.Clone(context.Background())
	rr.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: rr, PathParams: params, Route: route, Options: specOpts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return in, errors.New(cleanSpecErr(err))
	}
	rr.Body = io.NopCloser(bytes.NewReader(body))
	return in, nil
}

func validateResponse(in *openapi3filter.RequestValidationInput, status int, h http.Header, body []byte) error {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 h,
		Options:                &openapi3filter.Options{IncludeResponseStatus: false, MultiError: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		var keep []string
		for _, p := range specErrParts(err) {
			if !responseQuirk.MatchString(p) {
				keep = append(keep, p)
			}
		}
		if len(keep) > 0 {
			return errors.New(strings.Join(keep, "; "))
		}
	}
	return nil
}

// responseQuirk matches response-schema complaints that are defects of the
// spec itself, not of the fake: PhoneNumber_base.name is typed as
// Work|Personal|Other although the request schema accepts (and Clio stores)
// Work|Home|Mobile|Fax|Pager|Skype|Other.
var responseQuirk = regexp.MustCompile(`phone_numbers\.\d+\.name: value is not one of the allowed values`)

// cleanSpecErr shortens kin-openapi messages (which can embed whole schemas).
func cleanSpecErr(err error) string { return strings.Join(specErrParts(err), "; ") }

func specErrParts(err error) []string {
	var parts []string
	var walk func(error)
	walk = func(e error) {
		var me openapi3.MultiError
		if errors.As(e, &me) {
			for _, x := range me {
				walk(x)
			}
			return
		}
		var re *openapi3filter.RequestError
		var se *openapi3.SchemaError
		switch {
		case errors.As(e, &se):
			where := strings.Join(se.JSONPointer(), ".")
			msg := se.Reason
			if where != "" {
				msg = where + ": " + msg
			}
			if re != nil {
				msg = re.Error()
			}
			parts = append(parts, msg)
		case errors.As(e, &re):
			if re.Err != nil && re.Parameter == nil {
				walk(re.Err)
				return
			}
			parts = append(parts, firstLine(re.Error()))
		default:
			parts = append(parts, firstLine(e.Error()))
		}
	}
	walk(err)
	return parts
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// relaxSpecQuirks drops `required` entries that the spec's own descriptions
// contradict, so that correct requests are not reported as violations:
//   - notes: contact and matter are both listed as required, but each is
//     "Required only if the Note type is ..." (the fake checks the right one);
//   - contacts: name is listed as required, but a Person should send
//     first_name/last_name instead (CLIO-API.md §5.1; the fake checks that).
func relaxSpecQuirks(doc *openapi3.T) {
	drop := func(path, method string, fields ...string) {
		item := doc.Paths.Value(path)
		if item == nil {
			return
		}
		op := item.GetOperation(method)
		if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
			return
		}
		for _, mt := range op.RequestBody.Value.Content {
			if mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			data := mt.Schema.Value.Properties["data"]
			if data == nil || data.Value == nil {
				continue
			}
			var keep []string
			for _, r := range data.Value.Required {
				if !contains(fields, r) {
					keep = append(keep, r)
				}
			}
			data.Value.Required = keep
		}
	}
	drop("/notes.json", http.MethodPost, "contact", "matter")
	drop("/contacts.json", http.MethodPost, "name")
	drop("/contacts/{id}.json", http.MethodPatch, "name")
}
