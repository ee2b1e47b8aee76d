package clio

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// DocumentInput is the body of POST /documents.json. Parent.Type is
// Matter|Contact|Folder (or Document for a new version of one).
type DocumentInput struct {
	Name             string           `json:"name"`
	Parent           Ref              `json:"parent"`
	ContentType      string           `json:"content_type,omitempty"`
	Filename         string           `json:"filename,omitempty"`
	ReceivedAt       string           `json:"received_at,omitempty"`
	DocumentCategory *Ref             `json:"document_category,omitempty"`
	Multiparts       []MultipartInput `json:"multiparts,omitempty"`
}

// MultipartInput announces one part of a multipart upload.
type MultipartInput struct {
	PartNumber    int    `json:"part_number"`
	ContentLength string `json:"content_length"`
	ContentMD5    string `json:"content_md5,omitempty"` // base64 MD5 of THIS part
}

type PutHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type Multipart struct {
	PartNumber int         `json:"part_number"`
	PutURL     string      `json:"put_url"`
	PutHeaders []PutHeader `json:"put_headers"`
}

type DocumentVersion struct {
	ID            ID          `json:"id"`
	UUID          string      `json:"uuid"`
	PutURL        string      `json:"put_url"`
	PutHeaders    []PutHeader `json:"put_headers"`
	Multiparts    []Multipart `json:"multiparts"`
	FullyUploaded bool        `json:"fully_uploaded"`
}

type Document struct {
	Record
	Name                  string           `json:"name"`
	CreatedAt             string           `json:"created_at"`
	LatestDocumentVersion *DocumentVersion `json:"latest_document_version"`
}

const (
	documentCreateFields = "id,etag,name,created_at,latest_document_version{uuid,put_url,put_headers}"
	documentPartsFields  = "id,etag,name,created_at,latest_document_version{uuid,multiparts}"
	documentDoneFields   = "id,etag,name,created_at,latest_document_version{uuid,fully_uploaded}"
	maxPartsPerRequest   = 50
	minPartSize          = 5 << 20
)

// UploadStage names the step a document upload failed in, so the upload
// engine knows what exists in Clio: after StageCreate failed with
// ErrMaybeCommitted the document record may exist; after StagePut or
// StageConfirm it does exist (Doc is set) but is not complete.
type UploadStage string

const (
	StageCreate  UploadStage = "create"
	StagePut     UploadStage = "put"
	StageConfirm UploadStage = "confirm"
)

// UploadError wraps a failed document upload with its stage and the
// document record, if one was created.
type UploadError struct {
	Stage UploadStage
	Doc   *Document
	Err   error
}

func (e *UploadError) Error() string {
	if e.Doc != nil {
		return fmt.Sprintf("document upload failed at %s (Clio document %d): %v", e.Stage, e.Doc.ID, e.Err)
	}
	return fmt.Sprintf("document upload failed at %s: %v", e.Stage, e.Err)
}
func (e *UploadError) Unwrap() error { return e.Err }

// UploadDocument does Clio's three-step upload: create the document record
// (POST), PUT the bytes to the signed put_url with exactly the put_headers
// Clio returned and no Clio token, then PATCH fully_uploaded. Files of at
// least the multipart threshold (100 MB) go up in parts, each with its own
// Content-MD5. r must allow re-reading any range (an *os.File does).
func (c *Client) UploadDocument(ctx context.Context, in DocumentInput, r io.ReaderAt, size int64) (*Document, error) {
	if size >= c.multipartMin {
		return c.uploadMultipart(ctx, in, r, size)
	}
	in.Multiparts = nil
	var doc Document
	if err := c.Create(ctx, "documents", in, documentCreateFields, &doc); err != nil {
		return nil, &UploadError{Stage: StageCreate, Err: err}
	}
	v := doc.LatestDocumentVersion
	if v == nil || v.PutURL == "" || v.UUID == "" {
		return nil, &UploadError{Stage: StageCreate, Doc: &doc, Err: errors.New("Clio did not return an upload URL")}
	}
	if err := c.putPart(ctx, v.PutURL, v.PutHeaders, r, 0, size); err != nil {
		return nil, &UploadError{Stage: StagePut, Doc: &doc, Err: err}
	}
	return c.confirmUpload(ctx, &doc, v.UUID)
}

func (c *Client) confirmUpload(ctx context.Context, doc *Document, uuid string) (*Document, error) {
	body := map[string]any{"uuid": uuid, "fully_uploaded": true}
	var out Document
	var err error
	for attempt := 0; ; attempt++ {
		err = c.Update(ctx, "documents", doc.ID, body, "", documentDoneFields, &out)
		var ae *APIError
		// Clio says to retry the PATCH on UploadTimeoutError (it is still
		// checking the object).
		if err != nil && errors.As(err, &ae) && ae.Type == "UploadTimeoutError" && attempt < c.maxRetries {
			if werr := c.wait(ctx, c.backoff(attempt), WaitBackoff); werr != nil {
				return nil, &UploadError{Stage: StageConfirm, Doc: doc, Err: werr}
			}
			continue
		}
		break
	}
	if err != nil {
		return nil, &UploadError{Stage: StageConfirm, Doc: doc, Err: err}
	}
	return &out, nil
}

type partSpec struct {
	n          int
	off, size  int64
	contentMD5 string
}

func (c *Client) uploadMultipart(ctx context.Context, in DocumentInput, r io.ReaderAt, size int64) (*Document, error) {
	ps := c.partSize
	if ps < minPartSize {
		ps = minPartSize
	}
	var parts []partSpec
	for off, n := int64(0), 1; off < size; off, n = off+ps, n+1 {
		sz := min(ps, size-off)
		h := md5.New()
		if _, err := io.Copy(h, io.NewSectionReader(r, off, sz)); err != nil {
			return nil, &UploadError{Stage: StageCreate, Err: fmt.Errorf("reading part %d: %w", n, err)}
		}
		parts = append(parts, partSpec{n: n, off: off, size: sz, contentMD5: base64.StdEncoding.EncodeToString(h.Sum(nil))})
	}
	announce := func(batch []partSpec) []MultipartInput {
		out := make([]MultipartInput, len(batch))
		for i, p := range batch {
			out[i] = MultipartInput{PartNumber: p.n, ContentLength: strconv.FormatInt(p.size, 10), ContentMD5: p.contentMD5}
		}
		return out
	}
	var doc Document
	var uuid string
	for start := 0; start < len(parts); start += maxPartsPerRequest {
		batch := parts[start:min(start+maxPartsPerRequest, len(parts))]
		var got Document
		if start == 0 {
			in.Multiparts = announce(batch)
			if err := c.Create(ctx, "documents", in, documentPartsFields, &got); err != nil {
				return nil, &UploadError{Stage: StageCreate, Err: err}
			}
			doc = got
		} else {
			body := map[string]any{"uuid": uuid, "fully_uploaded": false, "multiparts": announce(batch)}
			if err := c.Update(ctx, "documents", doc.ID, body, "", documentPartsFields, &got); err != nil {
				return nil, &UploadError{Stage: StagePut, Doc: &doc, Err: err}
			}
		}
		v := got.LatestDocumentVersion
		if v == nil || (uuid == "" && v.UUID == "") {
			return nil, &UploadError{Stage: StagePut, Doc: &doc, Err: errors.New("Clio did not return the upload parts")}
		}
		if uuid == "" {
			uuid = v.UUID
		}
		urls := map[int]Multipart{}
		for _, m := range v.Multiparts {
			urls[m.PartNumber] = m
		}
		for _, p := range batch {
			m, ok := urls[p.n]
			if !ok || m.PutURL == "" {
				return nil, &UploadError{Stage: StagePut, Doc: &doc, Err: fmt.Errorf("Clio returned no upload URL for part %d", p.n)}
			}
			if err := c.putPart(ctx, m.PutURL, m.PutHeaders, r, p.off, p.size); err != nil {
				return nil, &UploadError{Stage: StagePut, Doc: &doc, Err: fmt.Errorf("part %d: %w", p.n, err)}
			}
		}
	}
	return c.confirmUpload(ctx, &doc, uuid)
}

// putPart PUTs size bytes at off to a signed storage URL with exactly the
// given headers: no Authorization, no X-API-VERSION. It retries on 5xx and
// connection errors (a PUT of the same bytes is idempotent).
func (c *Client) putPart(ctx context.Context, putURL string, headers []PutHeader, r io.ReaderAt, off, size int64) error {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, putURL, io.NewSectionReader(r, off, size))
		if err != nil {
			return fmt.Errorf("bad upload URL: %w", RedactError(err))
		}
		req.ContentLength = size
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(io.NewSectionReader(r, off, size)), nil }
		if size == 0 {
			req.Body = http.NoBody
		}
		for _, h := range headers {
			if http.CanonicalHeaderKey(h.Name) == "Content-Length" {
				continue // set by ContentLength; Go refuses it as a header
			}
			req.Header.Set(h.Name, h.Value)
		}
		start := time.Now()
		resp, err := c.upload.Do(req)
		var status int
		var body []byte
		if err == nil {
			status = resp.StatusCode
			body = readLimited(resp.Body, 64<<10)
			resp.Body.Close()
		}
		c.logf(http.MethodPut, putURL, status, time.Since(start), err)
		retry := err != nil || status >= 500
		if !retry {
			if status/100 == 2 {
				return nil
			}
			e := parseAPIError(status, http.MethodPut, Redact(putURL), body, http.Header{})
			if status == http.StatusForbidden && e.Type == "" {
				e.Type = "UploadURLRejected"
				e.Message = "the storage service refused the upload (the signed URL may have expired); create the document again"
			}
			return e
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt >= c.maxRetries {
			if err != nil {
				return RedactError(err)
			}
			return parseAPIError(status, http.MethodPut, Redact(putURL), body, http.Header{})
		}
		if werr := c.wait(ctx, c.backoff(attempt), WaitBackoff); werr != nil {
			return werr
		}
	}
}
