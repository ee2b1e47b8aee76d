package fakeclio

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
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
	parts       map[int]*part // multipart upload (nil: single PUT)
}

// part is one declared part of a multipart upload.
type part struct {
	length    int64
	md5       string // base64, optional
	signature string
	expires   time.Time
	data      []byte
	received  bool
}

// MinPartSize is S3's minimum size of every part but the last.
const MinPartSize = 5 << 20

// checkMultiparts validates a `multiparts` array (≤ 50 per request).
func checkMultiparts(v any) ([]any, *apiErr) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, unprocessable("Multiparts must be an array")
	}
	if len(arr) > 50 {
		return nil, unprocessable("At most 50 multiparts per request (got %d); send the rest with PATCH {uuid, fully_uploaded: false, multiparts}", len(arr))
	}
	seen := map[int64]bool{}
	for _, e := range arr {
		m, _ := e.(map[string]any)
		n := idOf(m["part_number"])
		if n < 1 || n > 10000 {
			return nil, unprocessable("Part number must be between 1 and 10,000 (got %v)", m["part_number"])
		}
		if seen[n] {
			return nil, unprocessable("Part number %d appears twice", n)
		}
		seen[n] = true
		if l := idOf(m["content_length"]); l <= 0 {
			return nil, unprocessable("Content length of part %d is required", n)
		}
	}
	return arr, nil
}

func (s *Server) putBase(ar *apiReq) string {
	if ar != nil && ar.r != nil {
		return "http://" + ar.r.Host
	}
	return s.baseURL
}

func (s *Server) signedURL(ar *apiReq, uuid, extra string, ttl time.Duration, sig string) string {
	return fmt.Sprintf("%s/s3/clio-fake-documents/%s?%sX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=%s&X-Amz-Expires=%d&X-Amz-SignedHeaders=content-type%%3Bhost%%3Bx-amz-server-side-encryption&X-Amz-Signature=%s",
		s.putBase(ar), uuid, extra, s.now().UTC().Format("20060102T150405Z"), int(ttl/time.Second), sig)
}

// newVersionLocked attaches a fresh latest_document_version with a signed
// put_url (or per-part URLs) on this server's /s3/ endpoint.
func (s *Server) newVersionLocked(ar *apiReq, r *record, multiparts []any) {
	uuid := newUUID()
	ct := str(r.data["content_type"])
	sig := randHex(16)
	u := &upload{
		docID: r.id, versionID: s.newIDLocked("document_versions"), expires: s.now().Add(s.opts.UploadURLTTL), signature: sig, contentType: ct,
		headers: [][2]string{{"x-amz-server-side-encryption", "AES256"}, {"Content-Type", ct}},
	}
	s.uploads[uuid] = u
	var hdrs []any
	for _, h := range u.headers {
		hdrs = append(hdrs, map[string]any{"name": h[0], "value": h[1]})
	}
	n := 1
	if old, ok := r.data["latest_document_version"].(map[string]any); ok {
		n = int(idOf(old["version_number"])) + 1
	}
	v := map[string]any{
		"id": u.versionID, "uuid": uuid, "put_headers": hdrs, "fully_uploaded": false,
		"version_number": int64(n), "filename": r.data["filename"], "content_type": ct, "document_id": r.id,
		"created_at": fmtTime(s.now()), "updated_at": fmtTime(s.now()),
	}
	if multiparts != nil {
		u.parts = map[int]*part{}
		v["multiparts"] = s.addPartsLocked(ar, uuid, u, multiparts)
	} else {
		v["put_url"] = s.signedURL(ar, uuid, "", s.opts.UploadURLTTL, sig)
	}
	r.data["latest_document_version"] = v
}

// addPartsLocked declares parts and returns their {part_number, put_url, put_headers}.
func (s *Server) addPartsLocked(ar *apiReq, uuid string, u *upload, multiparts []any) []any {
	var out []any
	for _, e := range multiparts {
		m := e.(map[string]any)
		n := int(idOf(m["part_number"]))
		p := &part{length: idOf(m["content_length"]), md5: str(m["content_md5"]), signature: randHex(16), expires: s.now().Add(s.opts.MultipartURLTTL)}
		u.parts[n] = p
		hdrs := []any{map[string]any{"name": "Content-Length", "value": fmt.Sprint(p.length)}}
		if p.md5 != "" {
			hdrs = append(hdrs, map[string]any{"name": "Content-MD5", "value": p.md5})
		}
		out = append(out, map[string]any{"part_number": int64(n), "put_url": s.signedURL(ar, uuid, fmt.Sprintf("uploadId=%s&partNumber=%d&", u.signature, n), s.opts.MultipartURLTTL, p.signature), "put_headers": hdrs})
	}
	return out
}

// addVersionLocked handles POST /documents with parent type Document: a new
// version of an existing document.
func (s *Server) addVersionLocked(ar *apiReq, docID int64) (apiResp, *apiErr) {
	r := s.getLocked("documents", docID)
	if r == nil {
		return apiResp{}, unprocessable("Parent with id %d does not exist (expected a document id)", docID)
	}
	parts, e := checkMultiparts(ar.data["multiparts"])
	if e != nil {
		return apiResp{}, e
	}
	if n := str(ar.data["name"]); n != "" {
		r.data["filename"] = n
	}
	if ct := str(ar.data["content_type"]); ct != "" {
		r.data["content_type"] = ct
	}
	s.newVersionLocked(ar, r, parts)
	s.touchLocked(r)
	s.counters.Creates["document_versions"]++
	return apiResp{status: 201, body: map[string]any{"data": s.projectLocked(s.fullLocked("documents", r), ar.fields)}}, nil
}

// completeUploadLocked handles PATCH {uuid, fully_uploaded} (and more
// multiparts with fully_uploaded false).
func (s *Server) completeUploadLocked(ar *apiReq, r *record) *apiErr {
	fu, hasFU := ar.data["fully_uploaded"]
	uuid := str(ar.data["uuid"])
	if !hasFU && uuid == "" {
		return nil
	}
	v, _ := r.data["latest_document_version"].(map[string]any)
	if uuid == "" || v == nil || str(v["uuid"]) != uuid {
		return errf(422, "UploadNotFoundError", "A matching remote file was not found for document %d with UUID %s", r.id, uuid)
	}
	u := s.uploads[uuid]
	if fu == false || fu == "false" {
		if mp, ok := ar.data["multiparts"]; ok {
			parts, e := checkMultiparts(mp)
			if e != nil {
				return e
			}
			if u.parts == nil {
				return unprocessable("Document version %s is not a multipart upload", uuid)
			}
			v["multiparts"] = s.addPartsLocked(ar, uuid, u, parts)
		}
		return nil
	}
	if fu != true && fu != "true" {
		return nil
	}
	if u.completed {
		return unprocessable("Document version %s is already fully uploaded", uuid)
	}
	if u.parts != nil {
		n := len(u.parts)
		var all []byte
		for i := 1; i <= n; i++ {
			p := u.parts[i]
			if p == nil || !p.received {
				return errf(422, "UploadNotFoundError", "A matching remote file was not found for UUID %s: part %d of %d is missing", uuid, i, n)
			}
			if i < n && len(p.data) < MinPartSize {
				return errf(422, "UploadNotFoundError", "Part %d is smaller than 5 MB (EntityTooSmall); only the last part may be smaller", i)
			}
			all = append(all, p.data...)
		}
		u.data, u.received = all, true
		sh := sha256.Sum256(all)
		u.sha256 = hex.EncodeToString(sh[:])
	}
	if !u.received {
		return errf(422, "UploadNotFoundError", "A matching remote file was not found for the file named %s with UUID %s", str(r.data["filename"]), uuid)
	}
	if s.faults.UploadTimeouts > 0 {
		s.faults.UploadTimeouts--
		return errf(422, "UploadTimeoutError", "A timeout occurred verifying the remote file. Please try the request again.")
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

// handleS3 is the fake object storage: PUT /s3/<bucket>/<uuid>?<signed query>
// (with uploadId & partNumber for a multipart part).
func (s *Server) handleS3(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/s3/"), "/")
	uuid := segs[len(segs)-1]
	q := r.URL.Query()
	s.mu.Lock()
	u := s.uploads[uuid]
	var exp time.Time
	var sig string
	var hdrs [][2]string
	var pt *part
	if u != nil {
		exp, sig, hdrs = u.expires, u.signature, u.headers
		if q.Has("partNumber") {
			n, _ := strconv.Atoi(q.Get("partNumber"))
			pt = u.parts[n]
			if pt == nil || q.Get("uploadId") != u.signature {
				s.mu.Unlock()
				s3Err(w, 404, "NoSuchUpload", "The specified multipart upload does not exist.")
				return
			}
			exp, sig, hdrs = pt.expires, pt.signature, [][2]string{{"Content-Length", fmt.Sprint(pt.length)}}
			if pt.md5 != "" {
				hdrs = append(hdrs, [2]string{"Content-MD5", pt.md5})
			}
		} else if u.parts != nil {
			u = nil
		}
	}
	now := s.now()
	s.mu.Unlock()
	if u == nil {
		s3Err(w, 404, "NoSuchKey", "The specified key does not exist.")
		return
	}
	if q.Get("X-Amz-Signature") != sig {
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
		got := r.Header.Get(h[0])
		if strings.EqualFold(h[0], "Content-Length") {
			got = strconv.FormatInt(r.ContentLength, 10)
		}
		if got != h[1] {
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
	if r.ContentLength >= 0 && int64(len(body)) != r.ContentLength {
		s3Err(w, 400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
		return
	}
	sum := md5.Sum(body)
	if want := r.Header.Get("Content-MD5"); want != "" && want != base64.StdEncoding.EncodeToString(sum[:]) {
		s3Err(w, 400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
		return
	}
	sh := sha256.Sum256(body)
	s.mu.Lock()
	if pt != nil {
		pt.data, pt.received = body, true
	} else {
		u.data = body
		u.received = true
		u.sha256 = hex.EncodeToString(sh[:])
	}
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
