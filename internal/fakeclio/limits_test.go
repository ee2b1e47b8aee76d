package fakeclio

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRateLimitHeadersAnd429(t *testing.T) {
	clk := newClock()
	c := start(t, Options{RateLimit: 5, Window: 60 * time.Second, Now: clk.Now})
	reset := strconv.FormatInt(clk.Now().Add(60*time.Second).Unix(), 10)
	for i := 0; i < 5; i++ {
		r := c.must(200, "GET", "/users.json", nil)
		if r.header.Get("X-RateLimit-Limit") != "5" || r.header.Get("X-RateLimit-Remaining") != strconv.Itoa(4-i) || r.header.Get("X-RateLimit-Reset") != reset {
			t.Fatalf("request %d headers: limit %q remaining %q reset %q (want %s)", i, r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"), r.header.Get("X-RateLimit-Reset"), reset)
		}
	}
	clk.Add(15 * time.Second)
	r := c.must(429, "GET", "/users.json", nil)
	if r.header.Get("Retry-After") != "45" || r.header.Get("X-RateLimit-Remaining") != "0" || !strings.Contains(r.errMsg(), "RateLimited") {
		t.Fatalf("429: retry-after %q remaining %q %s", r.header.Get("Retry-After"), r.header.Get("X-RateLimit-Remaining"), r.raw)
	}
	// Another token has its own window.
	other := *c
	other.tok, _ = c.s.IssueToken("other")
	other.must(200, "GET", "/users.json", nil)
	clk.Add(46 * time.Second)
	r = c.must(200, "GET", "/users.json", nil)
	if r.header.Get("X-RateLimit-Remaining") != "4" {
		t.Fatalf("new window remaining %q", r.header.Get("X-RateLimit-Remaining"))
	}
	st := c.s.Snapshot()
	if st.RateLimited != 1 || st.MaxRequestsInWindow != 7 {
		t.Fatalf("counters: 429s %d max/window %d", st.RateLimited, st.MaxRequestsInWindow)
	}
}

func TestRateLimitRealClockAndMaintenanceDrop(t *testing.T) {
	c := start(t, Options{RateLimit: 3, Window: time.Second, Faults: Faults{MaintenanceLimit: 1, MaintenanceAfter: 3}})
	for i := 0; i < 3; i++ {
		c.must(200, "GET", "/users.json", nil)
	}
	r := c.must(429, "GET", "/users.json", nil)
	if r.header.Get("X-RateLimit-Limit") != "1" || r.header.Get("Retry-After") != "1" {
		t.Fatalf("maintenance limit: %q retry %q", r.header.Get("X-RateLimit-Limit"), r.header.Get("Retry-After"))
	}
	time.Sleep(1100 * time.Millisecond)
	c.must(200, "GET", "/users.json", nil)
	c.must(429, "GET", "/users.json", nil)
}

func TestDocumentThreeStepUpload(t *testing.T) {
	clk := newClock()
	c := start(t, Options{Now: clk.Now})
	mid := c.matter(c.person("Ada", "Lovelace"), "Engine")
	create := func(name string) (int64, map[string]any) {
		d := c.must(201, "POST", "/documents.json?fields=id,name,content_type,latest_document_version{uuid,put_url,put_headers,fully_uploaded}",
			data(map[string]any{"name": name, "parent": map[string]any{"id": mid, "type": "Matter"}})).data()
		return idOf(d["id"]), d["latest_document_version"].(map[string]any)
	}
	id, v := create("Engagement Letter.pdf")
	uuid, putURL := str(v["uuid"]), str(v["put_url"])
	if !strings.HasPrefix(putURL, c.base+"/s3/") || v["fully_uploaded"] != false {
		t.Fatalf("version: %v", v)
	}
	hdrs := map[string]string{}
	for _, h := range v["put_headers"].([]any) {
		m := h.(map[string]any)
		hdrs[str(m["name"])] = str(m["value"])
	}
	if hdrs["Content-Type"] != "application/pdf" || hdrs["x-amz-server-side-encryption"] != "AES256" {
		t.Fatalf("put_headers %v", hdrs)
	}
	put := func(u string, h map[string]string, body []byte) (int, string) {
		req, _ := http.NewRequest("PUT", u, bytes.NewReader(body))
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	patch := data(map[string]any{"uuid": uuid, "fully_uploaded": true})
	path := fmt.Sprintf("/documents/%d.json?fields=id,latest_document_version{fully_uploaded,size}", id)
	r := c.must(422, "PATCH", path, patch)
	if !strings.Contains(r.errMsg(), "UploadNotFoundError") {
		t.Fatalf("before PUT: %s", r.errMsg())
	}
	content := []byte("%PDF-1.4 engagement letter")
	if st, body := put(putURL, map[string]string{"Content-Type": "application/octet-stream", "x-amz-server-side-encryption": "AES256"}, content); st != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("wrong content-type: %d %s", st, body)
	}
	if st, _ := put(putURL, map[string]string{"Content-Type": "application/pdf"}, content); st != 403 {
		t.Fatalf("missing sse header: %d", st)
	}
	withAuth := map[string]string{"Authorization": "Bearer " + c.tok}
	for k, v := range hdrs {
		withAuth[k] = v
	}
	if st, _ := put(putURL, withAuth, content); st != 400 {
		t.Fatalf("bearer token on PUT: %d", st)
	}
	if st, _ := put(strings.Replace(putURL, "X-Amz-Signature=", "X-Amz-Signature=00", 1), hdrs, content); st != 403 {
		t.Fatalf("tampered signature: %d", st)
	}
	if st, body := put(putURL, hdrs, content); st != 200 {
		t.Fatalf("PUT: %d %s", st, body)
	}
	d := c.must(200, "PATCH", path, patch).data()
	lv := d["latest_document_version"].(map[string]any)
	if lv["fully_uploaded"] != true || idOf(lv["size"]) != int64(len(content)) {
		t.Fatalf("after PATCH: %v", d)
	}
	c.must(422, "PATCH", path, patch) // already uploaded
	dl := c.must(200, "GET", fmt.Sprintf("/documents/%d/download", id), nil)
	if !bytes.Equal(dl.raw, content) {
		t.Fatalf("download %q", dl.raw)
	}
	if got, ok := c.s.Content(uuid); !ok || !bytes.Equal(got, content) {
		t.Fatal("Content()")
	}
	st := c.s.Snapshot()
	if u := st.Uploads[uuid]; !u.Completed || u.DocumentID != id || u.SHA256 == "" {
		t.Fatalf("snapshot upload %+v", u)
	}

	// Expired put_url → 403; injected UploadTimeoutError is retryable.
	id2, v2 := create("notes.txt")
	clk.Add(11 * time.Minute)
	h2 := map[string]string{"Content-Type": "text/plain", "x-amz-server-side-encryption": "AES256"}
	if st, body := put(str(v2["put_url"]), h2, []byte("x")); st != 403 || !strings.Contains(body, "expired") {
		t.Fatalf("expired: %d %s", st, body)
	}
	c.s.SetFaults(Faults{UploadTimeouts: 1})
	_, v3 := create("notes2.txt")
	if st, _ := put(str(v3["put_url"]), h2, []byte("y")); st != 200 {
		t.Fatal("put v3")
	}
	if id2 <= id {
		t.Fatalf("ids %d %d", id, id2)
	}
	p3 := fmt.Sprintf("/documents/%d.json", idOf(c.must(200, "GET", "/documents.json?order=id(desc)&limit=1", nil).list()[0]["id"]))
	r = c.must(422, "PATCH", p3, data(map[string]any{"uuid": v3["uuid"], "fully_uploaded": true}))
	if !strings.Contains(r.errMsg(), "UploadTimeoutError") {
		t.Fatalf("%s", r.errMsg())
	}
	c.must(200, "PATCH", p3, data(map[string]any{"uuid": v3["uuid"], "fully_uploaded": true}))
}

func TestMultipartUploadAndNewVersion(t *testing.T) {
	c := start(t, Options{})
	mid := c.matter(c.person("Ada", "Lovelace"), "Engine")
	p1 := bytes.Repeat([]byte("a"), MinPartSize)
	p2 := []byte("tail part")
	p3 := []byte("-third")
	md5b64 := func(b []byte) string { s := md5.Sum(b); return base64.StdEncoding.EncodeToString(s[:]) }
	d := c.must(201, "POST", "/documents.json?fields=id,latest_document_version{uuid,multiparts,put_headers}", data(map[string]any{
		"name": "big.pdf", "parent": map[string]any{"id": mid, "type": "Matter"},
		"multiparts": []any{
			map[string]any{"part_number": 1, "content_length": fmt.Sprint(len(p1)), "content_md5": md5b64(p1)},
			map[string]any{"part_number": 2, "content_length": fmt.Sprint(len(p2)), "content_md5": md5b64(p2)},
		}})).data()
	id := idOf(d["id"])
	v := d["latest_document_version"].(map[string]any)
	uuid := str(v["uuid"])
	parts := v["multiparts"].([]any)
	if len(parts) != 2 {
		t.Fatalf("multiparts %v", v)
	}
	putPart := func(p map[string]any, body []byte, override map[string]string) int {
		req, _ := http.NewRequest("PUT", str(p["put_url"]), bytes.NewReader(body))
		for _, h := range p["put_headers"].([]any) {
			m := h.(map[string]any)
			if str(m["name"]) != "Content-Length" {
				req.Header.Set(str(m["name"]), str(m["value"]))
			}
		}
		for k, v := range override {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	part := func(i int) map[string]any { return parts[i].(map[string]any) }
	if st := putPart(part(1), []byte("tail parX"), nil); st != 400 {
		t.Fatalf("bad digest: %d", st)
	}
	if st := putPart(part(0), p1, nil); st != 200 {
		t.Fatalf("part 1: %d", st)
	}
	path := fmt.Sprintf("/documents/%d.json?fields=id,latest_document_version{fully_uploaded,size}", id)
	if r := c.must(422, "PATCH", path, data(map[string]any{"uuid": uuid, "fully_uploaded": true})); !strings.Contains(r.errMsg(), "part 2") {
		t.Fatalf("missing part: %s", r.errMsg())
	}
	if st := putPart(part(1), p2, nil); st != 200 {
		t.Fatalf("part 2: %d", st)
	}
	// One more part, declared with PATCH fully_uploaded=false.
	more := c.must(200, "PATCH", fmt.Sprintf("/documents/%d.json?fields=latest_document_version{multiparts}", id), data(map[string]any{"uuid": uuid, "fully_uploaded": false,
		"multiparts": []any{map[string]any{"part_number": 3, "content_length": fmt.Sprint(len(p3))}}})).data()
	np := more["latest_document_version"].(map[string]any)["multiparts"].([]any)[0].(map[string]any)
	if st := putPart(np, p3, nil); st != 200 {
		t.Fatalf("part 3: %d", st)
	}
	// Part 2 is under 5 MB but not last → EntityTooSmall.
	c.must(422, "PATCH", path, data(map[string]any{"uuid": uuid, "fully_uploaded": true}))
	if st := putPart(part(1), p2, map[string]string{"Content-MD5": md5b64(p2)}); st != 200 {
		t.Fatal(st)
	}
	// Re-declare the upload as two parts by sending a new version instead.
	nv := c.must(201, "POST", "/documents.json?fields=id,latest_document_version{uuid,put_url,put_headers,version_number}", data(map[string]any{
		"name": "big-v2.pdf", "parent": map[string]any{"id": id, "type": "Document"}})).data()
	lv := nv["latest_document_version"].(map[string]any)
	if idOf(nv["id"]) != id || idOf(lv["version_number"]) != 2 || str(lv["put_url"]) == "" {
		t.Fatalf("new version: %v", nv)
	}
	req, _ := http.NewRequest("PUT", str(lv["put_url"]), bytes.NewReader(p2))
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("x-amz-server-side-encryption", "AES256")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("put v2: %v %v", err, resp)
	}
	resp.Body.Close()
	c.must(200, "PATCH", path, data(map[string]any{"uuid": lv["uuid"], "fully_uploaded": "true"}))
	if dl := c.must(200, "GET", fmt.Sprintf("/documents/%d/download.json", id), nil); !bytes.Equal(dl.raw, p2) {
		t.Fatalf("download v2: %q", dl.raw)
	}
	if st := c.s.Snapshot(); st.Count("documents") != 1 || st.Creates["document_versions"] != 1 {
		t.Fatalf("documents %d versions %v", st.Count("documents"), st.Creates)
	}
}

func TestRateLimitUnderConcurrency(t *testing.T) {
	c := start(t, Options{RateLimit: 20, Window: time.Minute})
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.try("POST", "/contacts.json", data(map[string]any{"type": "Company", "name": "Racer"}))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			counts[r.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	st := c.s.Snapshot()
	if counts[201] != 20 || counts[429] != 30 || st.Count("contacts") != 20 || st.RateLimited != 30 {
		t.Fatalf("statuses %v, stored %d, 429s %d", counts, st.Count("contacts"), st.RateLimited)
	}
}
