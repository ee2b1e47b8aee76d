package fakeclio

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// upload is one document version's object in the fake object storage.
type upload struct {
	docID       int64
	versionID   int64
	expires     time.Time
	signature   string
	headers     [][2]string // put_headers the PUT must carry exactly
	contentType string
	received    bool
	completed   bool
	data        []byte
	sha256      string
}

// newVersionLocked attaches a fresh latest_document_version with a signed
// put_url on this server's /s3/ endpoint.
func (s *Server) newVersionLocked(ar *apiReq, r *record) {
	uuid := newUUID()
	ct := str(r.data["content_type"])
	exp := s.now().Add(s.opts.UploadURLTTL)
	sig := randHex(16)
	u := &upload{
		docID: r.id, versionID: s.newIDLocked("document_versions"), expires: exp, signature: sig, contentType: ct,
		headers: [][2]string{{"x-amz-server-side-encryption", "AES256"}, {"Content-Type", ct}},
	}
	s.uploads[uuid] = u
	base := s.baseURL
	if ar != nil && ar.r != nil {
		base = "http://" + ar.r.Host
	}
	putURL := fmt.Sprintf("%s/s3/clio-fake-documents/%s?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=%s&X-Amz-Expires=%d&X-Amz-SignedHeaders=content-type%%3Bhost%%3Bx-amz-server-side-encryption&X-Amz-Signature=%s",
		base, uuid, s.now().UTC().Format("20060102T150405Z"), int(s.opts.UploadURLTTL/time.Second), sig)
	var hdrs []any
	for _, h := range u.headers {
		hdrs = append(hdrs, map[string]any{"name": h[0], "value": h[1]})
	}
	n := 1
	if old, ok := r.data["latest_document_version"].(map[string]any); ok {
		n = int(idOf(old["version_number"])) + 1
	}
	r.data["latest_document_version"] = map[string]any{
		"id": u.versionID, "uuid": uuid, "put_url": putURL, "put_headers": hdrs, "fully_uploaded": false,
		"version_number": int64(n), "filename": r.data["filename"], "content_type": ct, "document_id": r.id,
		"created_at": fmtTime(s.now()), "updated_at": fmtTime(s.now()),
	}
}

// completeUploadLocked handles PATCH {uuid, fully_uploaded:true}.
func (s *Server) completeUploadLocked(ar *apiReq, r *record) *apiErr {
	fu, hasFU := ar.data["fully_uploaded"]
	uuid := str(ar.data["uuid"])
	if !hasFU && uuid == "" {
		return nil
	}
	if fu != true {
		return nil
	}
	v, _ := r.data["latest_document_version"].(map[string]any)
	if uuid == "" || v == nil || str(v["uuid"]) != uuid {
		return errf(422, "UploadNotFoundError", "No upload with uuid %q for document %d", uuid, r.id)
	}
	u := s.uploads[uuid]
	if u == nil || !u.received {
		return errf(422, "UploadNotFoundError", "The file for uuid %s was not found in storage: PUT it to put_url first", uuid)
	}
	if u.completed {
		return unprocessable("Document version %s is already fully uploaded", uuid)
	}
	if s.faults.UploadTimeouts > 0 {
		s.faults.UploadTimeouts--
		return errf(422, "UploadTimeoutError", "Verifying the upload timed out; retry the request")
	}
	u.completed = true
	v["fully_uploaded"] = true
	v["size"] = int64(len(u.data))
	v["updated_at"] = fmtTime(s.now())
	r.data["size"] = int64(len(u.data))
	return nil
}

func s3Err(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, msg)
}

// handleS3 is the fake object storage: PUT /s3/<bucket>/<uuid>?<signed query>.
func (s *Server) handleS3(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/s3/"), "/")
	uuid := parts[len(parts)-1]
	s.mu.Lock()
	u := s.uploads[uuid]
	var exp time.Time
	var sig string
	var hdrs [][2]string
	if u != nil {
		exp, sig, hdrs = u.expires, u.signature, u.headers
	}
	now := s.now()
	s.mu.Unlock()
	if u == nil {
		s3Err(w, 404, "NoSuchKey", "The specified key does not exist.")
		return
	}
	if r.URL.Query().Get("X-Amz-Signature") != sig {
		s3Err(w, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return
	}
	if !now.Before(exp) {
		s3Err(w, 403, "AccessDenied", "Request has expired")
		return
	}
	if r.Method != http.MethodPut {
		s3Err(w, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
		return
	}
	if r.Header.Get("Authorization") != "" {
		s3Err(w, 400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
		return
	}
	for _, h := range hdrs {
		if got := r.Header.Get(h[0]); got != h[1] {
			s3Err(w, 403, "SignatureDoesNotMatch", fmt.Sprintf("The request signature we calculated does not match the signature you provided: header %s is %q, signed value %q", h[0], got, h[1]))
			return
		}
	}
	for k := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") && !strings.EqualFold(lk, "x-amz-server-side-encryption") {
			s3Err(w, 403, "AccessDenied", "There were headers present in the request which were not signed: "+lk)
			return
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 5<<30))
	if err != nil {
		s3Err(w, 400, "IncompleteBody", err.Error())
		return
	}
	if cl := r.Header.Get("Content-Length"); cl != "" {
		if n, _ := strconv.Atoi(cl); n != len(body) {
			s3Err(w, 400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
			return
		}
	}
	sum := md5.Sum(body)
	sh := sha256.Sum256(body)
	s.mu.Lock()
	u.data = body
	u.received = true
	u.sha256 = hex.EncodeToString(sh[:])
	s.mu.Unlock()
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	w.WriteHeader(200)
}

func (s *Server) downloadLocked(ar *apiReq) (apiResp, *apiErr) {
	r := s.getLocked("documents", ar.id)
	if r == nil {
		return apiResp{}, errf(404, "NotFound", "document %d not found", ar.id)
	}
	v, _ := r.data["latest_document_version"].(map[string]any)
	u := s.uploads[str(v["uuid"])]
	if u == nil || !u.completed {
		return apiResp{}, errf(404, "NotFound", "document %d has no fully uploaded version", ar.id)
	}
	h := http.Header{}
	h.Set("Content-Type", u.contentType)
	return apiResp{status: 200, header: h, body: append([]byte(nil), u.data...)}, nil
}
