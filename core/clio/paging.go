package clio

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// PageSize is the largest page Clio serves on most index endpoints.
const PageSize = 200

type listEnvelope struct {
	Data json.RawMessage `json:"data"`
	Meta struct {
		Paging struct {
			Next     string `json:"next"`
			Previous string `json:"previous"`
		} `json:"paging"`
	} `json:"meta"`
}

// List walks an index endpoint with cursor paging: it sends order=id(asc)
// and limit=200 unless q sets them, then follows meta.paging.next (a full
// URL on the same host) until it is absent, calling page with each page's
// "data" array.
func (c *Client) List(ctx context.Context, path string, q url.Values, page func(data json.RawMessage) error) error {
	qq := url.Values{}
	for k, v := range q {
		qq[k] = v
	}
	if qq.Get("order") == "" && qq.Get("offset") == "" {
		qq.Set("order", "id(asc)")
	}
	if qq.Get("limit") == "" {
		qq.Set("limit", "200")
	}
	next, params := path, qq
	for next != "" {
		var env listEnvelope
		if _, err := c.Do(ctx, http.MethodGet, next, params, nil, &env, nil); err != nil {
			return err
		}
		if len(env.Data) > 0 && string(env.Data) != "null" {
			if err := page(env.Data); err != nil {
				return err
			}
		}
		next, params = env.Meta.Paging.Next, nil
	}
	return nil
}

// Each decodes every item of a paged index into T and calls fn for it.
func Each[T any](ctx context.Context, c *Client, path string, q url.Values, fn func(T) error) error {
	return c.List(ctx, path, q, func(data json.RawMessage) error {
		var items []T
		if err := json.Unmarshal(data, &items); err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		return nil
	})
}

// All is Each as an iterator: for item, err := range clio.All[clio.Contact](ctx, c, "/contacts.json", q).
// An error is yielded once, last.
func All[T any](ctx context.Context, c *Client, path string, q url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		stop := errStop{}
		err := Each(ctx, c, path, q, func(t T) error {
			if !yield(t, nil) {
				return stop
			}
			return nil
		})
		if err != nil && err != error(stop) {
			var zero T
			yield(zero, err)
		}
	}
}

type errStop struct{}

func (errStop) Error() string { return "stop" }

// Collect gathers every item of a paged index.
func Collect[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var out []T
	err := Each(ctx, c, path, q, func(t T) error { out = append(out, t); return nil })
	return out, err
}

// CreatedSince returns q plus created_since=t (RFC 3339), for finding what
// an interrupted run may have created ("look it up before sending again").
func CreatedSince(t time.Time, q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	out.Set("created_since", t.UTC().Format(time.RFC3339))
	return out
}
