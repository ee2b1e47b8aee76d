package clio

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// storage is a fake S3: it accepts PUTs on /obj/<uuid>/<part> that carry
// exactly the headers it handed out, and no Clio credentials.
type storage struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	parts  map[string][]byte
	hdrs   map[string]http.Header
	expect map[string]map[string]string // path -> headers that must be present
}

func newStorage(t *testing.T) *storage {
	st := &storage{t: t, parts: map[string][]byte{}, hdrs: map[string]http.Header{}, expect: map[string]map[string]string{}}
	st.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		defer st.mu.Unlock()
		if r.Method != http.MethodPut {
			w.WriteHeader(405)
			return
		}
		exp := st.expect[r.URL.Path]
		if exp == nil {
			w.WriteHeader(404)
			return
		}
		if r.Header.Get("Authorization") != "" || r.Header.Get("X-API-VERSION") != "" {
			w.WriteHeader(400)
			fmt.Fprint(w, "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>")
			return
		}
		for k, v := range exp {
			if r.Header.Get(k) != v {
				w.WriteHeader(403)
				fmt.Fprintf(w, "<Error><Code>SignatureDoesNotMatch</Code><Message>header %s</Message></Error>", k)
				return
			}
		}
		b, _ := io.ReadAll(r.Body)
		if want := exp["Content-Md5"]; want != "" {
			sum := md5.Sum(b)
			if base64.StdEncoding.EncodeToString(sum[:]) != want {
				w.WriteHeader(400)
				fmt.Fprint(w, "<Error><Code>BadDigest</Code></Error>")
				return
			}
		}
		st.parts[r.URL.Path] = b
		st.hdrs[r.URL.Path] = r.Header.Clone()
		w.WriteHeader(200)
	}))
	t.Cleanup(st.srv.Close)
	return st
}

func TestDocumentThreeStepUpload(t *testing.T) {
	s := newOAuthServer(t)
	st := newStorage(t)
	var created, patched map[string]any
	var createFields string
	s.mux.HandleFunc("/api/v4/documents.json", func(w http.ResponseWriter, r *http.Request) {
		if !s.authed(w, r) {
			return
		}
		var env struct{ Data map[string]any }
		json.NewDecoder(r.Body).Decode(&env)
		created, createFields = env.Data, r.URL.Query().Get("fields")
		path := "/obj/uuid-1/0"
		st.mu.Lock()
		st.expect[path] = map[string]string{"Content-Type": "application/pdf", "X-Amz-Server-Side-Encryption": "AES256"}
		st.mu.Unlock()
		writeJSON(w, 201, map[string]any{"data": map[string]any{"id": 41, "name": "a.pdf", "latest_document_version": map[string]any{
			"uuid": "uuid-1", "put_url": st.srv.URL + path + "?X-Amz-Signature=s3cr3tsig&X-Amz-Expires=600",
			"put_headers": []map[string]string{{"name": "Content-Type", "value": "application/pdf"}, {"name": "x-amz-server-side-encryption", "value": "AES256"}},
		}}})
	})
	s.mux.HandleFunc("/api/v4/documents/41.json", func(w http.ResponseWriter, r *http.Request) {
		if !s.authed(w, r) || r.Method != http.MethodPatch {
			return
		}
		var env struct{ Data map[string]any }
		json.NewDecoder(r.Body).Decode(&env)
		patched = env.Data
		writeJSON(w, 200, map[string]any{"data": map[string]any{"id": 41, "latest_document_version": map[string]any{"uuid": "uuid-1", "fully_uploaded": true}}})
	})
	c, _ := New(s.srv.URL, s.signedIn(t, nilStore()))
	content := bytes.Repeat([]byte("%PDF-1.4 hello "), 1000)
	doc, err := c.UploadDocument(context.Background(), DocumentInput{Name: "a.pdf", Parent: Ref{ID: 10, Type: "Matter"}, ContentType: "application/pdf"}, bytes.NewReader(content), int64(len(content)))
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != 41 || doc.LatestDocumentVersion == nil || !doc.LatestDocumentVersion.FullyUploaded {
		t.Fatalf("doc = %+v", doc)
	}
	if created["name"] != "a.pdf" || created["parent"].(map[string]any)["type"] != "Matter" || !strings.Contains(createFields, "latest_document_version{uuid,put_url,put_headers}") {
		t.Fatalf("create = %v fields=%q", created, createFields)
	}
	got := st.parts["/obj/uuid-1/0"]
	if !bytes.Equal(got, content) {
		t.Fatalf("stored %d bytes, want %d", len(got), len(content))
	}
	h := st.hdrs["/obj/uuid-1/0"]
	for k := range h {
		switch k {
		case "Content-Type", "X-Amz-Server-Side-Encryption", "Content-Length", "User-Agent", "Accept-Encoding":
		default:
			t.Errorf("unexpected header on the storage PUT: %s", k)
		}
	}
	if patched["uuid"] != "uuid-1" || patched["fully_uploaded"] != true {
		t.Fatalf("patch = %v", patched)
	}
}

func TestDocumentMultipartUploadPerPartMD5(t *testing.T) {
	s := newOAuthServer(t)
	st := newStorage(t)
	var announced []map[string]any
	s.mux.HandleFunc("/api/v4/documents.json", func(w http.ResponseWriter, r *http.Request) {
		if !s.authed(w, r) {
			return
		}
		var env struct {
			Data struct {
				Multiparts []map[string]any `json:"multiparts"`
			}
		}
		json.NewDecoder(r.Body).Decode(&env)
		announced = env.Data.Multiparts
		var parts []map[string]any
		st.mu.Lock()
		for _, m := range announced {
			n := int(m["part_number"].(float64))
			path := "/obj/uuid-m/" + strconv.Itoa(n)
			md5s, _ := m["content_md5"].(string)
			st.expect[path] = map[string]string{"Content-Md5": md5s, "Content-Length": m["content_length"].(string)}
			parts = append(parts, map[string]any{"part_number": n, "put_url": st.srv.URL + path,
				"put_headers": []map[string]string{{"name": "Content-MD5", "value": md5s}, {"name": "Content-Length", "value": m["content_length"].(string)}}})
		}
		st.mu.Unlock()
		writeJSON(w, 201, map[string]any{"data": map[string]any{"id": 42, "latest_document_version": map[string]any{"uuid": "uuid-m", "multiparts": parts}}})
	})
	var confirmed bool
	s.mux.HandleFunc("/api/v4/documents/42.json", func(w http.ResponseWriter, r *http.Request) {
		var env struct{ Data map[string]any }
		json.NewDecoder(r.Body).Decode(&env)
		confirmed = env.Data["fully_uploaded"] == true && env.Data["uuid"] == "uuid-m"
		writeJSON(w, 200, map[string]any{"data": map[string]any{"id": 42, "latest_document_version": map[string]any{"fully_uploaded": true}}})
	})
	c, _ := New(s.srv.URL, s.signedIn(t, nilStore()), WithMultipart(8<<20, 5<<20))
	size := 11<<20 + 12345
	content := make([]byte, size)
	for i := range content {
		content[i] = byte(i * 7 % 251)
	}
	_, err := c.UploadDocument(context.Background(), DocumentInput{Name: "big.bin", Parent: Ref{ID: 10, Type: "Matter"}}, bytes.NewReader(content), int64(size))
	if err != nil {
		t.Fatal(err)
	}
	if len(announced) != 3 || !confirmed {
		t.Fatalf("announced %d parts, confirmed=%v", len(announced), confirmed)
	}
	var joined []byte
	seen := map[string]bool{}
	for n := 1; n <= 3; n++ {
		p := st.parts["/obj/uuid-m/"+strconv.Itoa(n)]
		joined = append(joined, p...)
		seen[announced[n-1]["content_md5"].(string)] = true
	}
	if !bytes.Equal(joined, content) || len(seen) != 3 {
		t.Fatalf("parts do not reassemble (%d of %d bytes) or MD5s repeat (%d distinct)", len(joined), size, len(seen))
	}
}

func TestDocumentPutRejectedKeepsDocID(t *testing.T) {
	s := newOAuthServer(t)
	st := newStorage(t)
	s.mux.HandleFunc("/api/v4/documents.json", func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		st.expect["/obj/x/0"] = map[string]string{"X-Amz-Server-Side-Encryption": "AES256"}
		st.mu.Unlock()
		// Clio "forgot" a header: the storage refuses with 403.
		writeJSON(w, 201, map[string]any{"data": map[string]any{"id": 43, "latest_document_version": map[string]any{"uuid": "x", "put_url": st.srv.URL + "/obj/x/0", "put_headers": []any{}}}})
	})
	c, _ := New(s.srv.URL, StaticToken("static-token-123456"))
	_, err := c.UploadDocument(context.Background(), DocumentInput{Name: "a.txt", Parent: Ref{ID: 1, Type: "Matter"}}, strings.NewReader("hi"), 2)
	var ue *UploadError
	if !errorsAsUpload(err, &ue) || ue.Stage != StagePut || ue.Doc == nil || ue.Doc.ID != 43 || !IsStatus(err, 403) {
		t.Fatalf("err = %v", err)
	}
}

func errorsAsUpload(err error, ue **UploadError) bool {
	u, ok := errorsAs[*UploadError](err)
	*ue = u
	return ok
}
