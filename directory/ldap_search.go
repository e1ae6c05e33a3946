package directory

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// searchSpec is one search, run page by page.
type searchSpec struct {
	base   string
	scope  int
	filter string
	attrs  []string
	// limit stops the search after this many entries; 0 means all.
	limit int
	// controls go with every page's request, after the paging control.
	controls []ldap.Control
}

// page is what the reading goroutine hands to the caller's goroutine.
type page[T any] struct {
	items []T
	probs []DecodeProblem
	err   error
}

// stream runs a paged search on w, which it owns from now on and gives back
// to the pool (or closes) when the search is over. A goroutine reads the
// pages and converts each entry with conv as it arrives; deliver runs on the
// caller's goroutine with each page as soon as that page is complete, while
// the next page is already being read. go-ldap's SearchWithPaging is not
// used because it holds every page until the last one.
//
// Stopping early (ctx cancelled, deliver failed, limit reached) must not
// leave the server working or holding the paged search's state. Between
// pages the reader sends the cookie back with a page size of 0, which RFC
// 2696 defines as "abandon this search", and keeps the connection. In the
// middle of a page it sends an Abandon request and closes the connection,
// which frees the server's state too. Either way the caller returns at once.
//
// conv runs on the reading goroutine and must not touch state shared with
// deliver. stream returns how many entries were delivered.
func stream[T any](ctx context.Context, l *LDAP, w *wire, s searchSpec,
	conv func(e *ldap.Entry) (T, *DecodeProblem, bool), deliver func(items []T, probs []DecodeProblem) error) (int, error) {
	if err := ctx.Err(); err != nil {
		l.put(w)
		return 0, err
	}
	size := l.pageSize
	if s.limit > 0 && uint32(s.limit) < size {
		size = uint32(s.limit)
	}
	out := make(chan page[T], 1)
	stop := make(chan struct{})
	var stopped atomic.Bool
	// owned guards w between the reader, which gives it back, and the
	// caller's goroutine, which may interrupt a read in progress.
	var mu sync.Mutex
	owned := true

	l.bg.Add(1)
	go func() {
		defer l.bg.Done()
		defer close(out)
		finish := func() {
			mu.Lock()
			owned = false
			mu.Unlock()
			l.put(w)
		}
		var paging *ldap.ControlPaging
		var controls []ldap.Control
		sizeLimit := 0
		if l.paging {
			paging = ldap.NewControlPaging(size)
			controls = []ldap.Control{paging}
		} else if s.limit > 0 {
			sizeLimit = s.limit
		}
		controls = append(controls, s.controls...)
		release := func(cookie []byte) {
			if paging != nil && len(cookie) > 0 && !w.dead {
				paging.PagingSize = 0
				paging.SetCookie(cookie)
				id, err := w.startSearch(s, 0, append([]ldap.Control{paging}, s.controls...)...)
				if err == nil {
					w.readSearch(id, func(*ldap.Entry) bool { return true })
				}
			}
			finish()
		}
		send := func(p page[T]) bool {
			select {
			case out <- p:
				return true
			case <-stop:
				return false
			}
		}
		total := 0
		for {
			id, err := w.startSearch(s, sizeLimit, controls...)
			if err != nil {
				finish()
				send(page[T]{err: err})
				return
			}
			items := make([]T, 0, int(size))
			var probs []DecodeProblem
			cookie, err := w.readSearch(id, func(e *ldap.Entry) bool {
				if stopped.Load() {
					return false
				}
				if s.limit > 0 && total+len(items) >= s.limit {
					return true
				}
				t, p, ok := conv(e)
				if p != nil {
					probs = append(probs, *p)
				}
				if ok {
					items = append(items, t)
				}
				return true
			})
			if stopped.Load() && (err != nil || errors.Is(err, errStopped)) {
				// The caller left in the middle of this page.
				w.abandon(id)
				w.close()
				finish()
				return
			}
			if err != nil && !(sizeLimit > 0 && ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded)) {
				finish()
				send(page[T]{err: err})
				return
			}
			total += len(items)
			if len(items) < cap(items)/2 {
				// A short last page: callers may keep the slice.
				items = append([]T(nil), items...)
			}
			if len(items) > 0 || len(probs) > 0 {
				if !send(page[T]{items: items, probs: probs}) {
					release(cookie)
					return
				}
			}
			if len(cookie) == 0 || (s.limit > 0 && total >= s.limit) || stopped.Load() {
				release(cookie)
				return
			}
			paging.SetCookie(cookie)
		}
	}()

	defer func() {
		stopped.Store(true)
		close(stop)
		mu.Lock()
		if owned {
			// Wake a read that waits for a slow server, so the reader can
			// abandon the search now rather than after the page.
			w.conn.SetReadDeadline(time.Now())
		}
		mu.Unlock()
	}()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case p, ok := <-out:
			if !ok {
				return n, nil
			}
			if p.err != nil {
				return n, p.err
			}
			if err := ctx.Err(); err != nil {
				return n, err
			}
			if err := deliver(p.items, p.probs); err != nil {
				return n, err
			}
			n += len(p.items)
		}
	}
}
