package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/container"

	"github.com/teggo/teggo/ajv"
)

// outPlan is how a route writes its Out, decided once.
type outPlan struct {
	none    bool // no Out: always 204
	nilable bool // Out is a pointer, map, slice, interface...: nil means 204
	stream  bool // Out may be an io.Reader: streamed
	text    bool // Out is a string: text/plain, as koa's ctx.body = 'str'
	bytes   bool // Out is a []byte: application/octet-stream
}

var readerType = reflect.TypeFor[io.Reader]()

func planOut(t reflect.Type) outPlan {
	if t == noneType {
		return outPlan{none: true}
	}
	var p outPlan
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		p.nilable = true
	}
	p.stream = t.Implements(readerType) || (t.Kind() == reflect.Interface && readerType.Implements(t))
	p.text = t.Kind() == reflect.String
	p.bytes = t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	if p.bytes {
		p.nilable = false // an empty body, not 204: the bytes are the body
	}
	return p
}

// writeRaw writes a string or []byte result as the body, with its content
// type unless the handler set one.
func writeRaw(res *echo.Response, status int, ct string, body []byte) error {
	if res.Header().Get(echo.HeaderContentType) == "" {
		res.Header().Set(echo.HeaderContentType, ct)
	}
	res.Header().Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	res.WriteHeader(status)
	_, err := res.Write(body)
	return err
}

// isNil reports a nil Out of a nilable kind without reflection: the first
// word of a pointer, map, chan, func, slice (its data) or interface (its
// type) is nil exactly when the value is nil.
func isNil[Out any](out *Out) bool { return *(*unsafe.Pointer)(unsafe.Pointer(out)) == nil }

// respond writes the handler's result: a redirect if the handler asked for
// one; 204 for no Out or a nil one; a stream for an io.Reader; a string as
// text/plain and a []byte as application/octet-stream (koa's ctx.body);
// else JSON with the route's status.
func (h *handler[C, In, Out]) respond(c echo.Context, ctx context.Context, out Out) error {
	status := h.r.status
	var set override
	if rc := requestState(ctx); rc != nil && rc.set != nil {
		set = *rc.set
	}
	if set.status != 0 {
		status = set.status
	}
	res := c.Response()
	if set.location != "" {
		res.Header().Set(echo.HeaderLocation, set.location)
		res.WriteHeader(status)
		return nil
	}
	if h.out.none || (h.out.nilable && isNil(&out)) {
		if set.status == 0 {
			status = http.StatusNoContent
		}
		res.WriteHeader(status)
		return nil
	}
	if h.out.stream {
		if rd, ok := any(out).(io.Reader); ok {
			return h.m.stream(ctx, res, status, rd)
		}
	}
	switch {
	case h.out.text:
		return writeRaw(res, status, echo.MIMETextPlainCharsetUTF8, []byte(reflect.ValueOf(out).String()))
	case h.out.bytes:
		return writeRaw(res, status, echo.MIMEOctetStream, reflect.ValueOf(out).Bytes())
	}
	return writeJSON(res, c.Request().Method, status, out, lingers(ctx))
}

// lingers reports whether the request's scope will take time to close:
// then its response is flushed before, and needs its length.
func lingers(ctx context.Context) bool {
	sc, ok := container.ScopeFrom(ctx)
	return ok && sc.HasTeardown()
}

type jsonBuf struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonPool = sync.Pool{New: func() any {
	b := &jsonBuf{}
	b.enc = json.NewEncoder(&b.buf)
	return b
}}

// maxPooled keeps huge buffers out of the pools.
const maxPooled = 64 << 10

// writeJSON encodes v into a pooled buffer, then sends it.
//
// sized sets Content-Length: needed when the response is flushed before the
// request's scope closes (see mount.end), so that the client has the whole
// answer while background tasks are awaited; otherwise the server sets it.
func writeJSON(res *echo.Response, method string, status int, v any, sized bool) error {
	b := jsonPool.Get().(*jsonBuf)
	b.buf.Reset()
	if err := b.enc.Encode(v); err != nil {
		jsonPool.Put(b)
		return err
	}
	h := res.Header()
	h[echo.HeaderContentType] = jsonContentType
	if sized {
		h[echo.HeaderContentLength] = contentLength(b.buf.Len())
	}
	res.WriteHeader(status)
	var err error
	if method != http.MethodHead {
		_, err = res.Write(b.buf.Bytes())
	}
	if b.buf.Cap() <= maxPooled {
		jsonPool.Put(b)
	}
	return err
}

var jsonContentType = []string{echo.MIMEApplicationJSON}

// lengths holds the Content-Length header values of small bodies, shared
// read-only (header values are replaced, never written in place).
var lengths = func() (t [4096][]string) {
	for i := range t {
		t[i] = []string{strconv.Itoa(i)}
	}
	return t
}()

func contentLength(n int) []string {
	if n < len(lengths) {
		return lengths[n]
	}
	return []string{strconv.Itoa(n)}
}

// stream copies rd to the response (closing it when it is an io.Closer);
// the request scope closes after the copy ends. A stream may outlast the
// server's WriteTimeout, so its write deadline is cleared first (where the
// writer supports it: a net/http connection does).
//
// When rd fails mid-stream the status is already sent: the response is
// aborted (http.ErrAbortHandler: the connection is cut, an HTTP/2 stream
// reset), so that the client sees a broken body, not a short one that
// looks complete — tegg destroys the stream. The reader's error is logged.
func (m *mount) stream(ctx context.Context, res *echo.Response, status int, rd io.Reader) error {
	if cl, ok := rd.(io.Closer); ok {
		defer cl.Close()
	}
	_ = http.NewResponseController(res).SetWriteDeadline(time.Time{})
	h := res.Header()
	if h.Get(echo.HeaderContentType) == "" {
		h.Set(echo.HeaderContentType, echo.MIMEOctetStream)
	}
	res.WriteHeader(status)
	src := &readFailure{r: rd}
	_, err := io.Copy(res, src)
	if src.err != nil {
		m.log.ErrorContext(ctx, "teggo: response stream failed; aborting the response", "error", src.err)
		panic(http.ErrAbortHandler)
	}
	return err // a write error: the client is gone
}

// readFailure remembers the error of its reader, to tell it from the
// writer's in io.Copy.
type readFailure struct {
	r   io.Reader
	err error
}

func (f *readFailure) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF {
		f.err = err
	}
	return n, err
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (m *mount) putBuf(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		bufPool.Put(b)
	}
}

// readJSONBody reads the request body once under the body limit: 413 past
// it, 415 for a body that is not JSON. An empty body gives an empty buffer.
// Both refusals come before a byte of the body is read when the headers
// tell: a declared length over the limit, or a body (declared non-empty,
// or of unknown length with a Content-Type) whose Content-Type is not JSON.
// Only a body of unknown length without any Content-Type is read to learn
// whether it is empty.
func (m *mount) readJSONBody(req *http.Request) (*bytes.Buffer, error) {
	limit := m.cfg.bodyLimit
	if req.ContentLength > limit {
		return nil, errBodyTooLarge
	}
	hasBody := req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0
	if ct := req.Header.Get(echo.HeaderContentType); hasBody && !isJSON(ct) && (req.ContentLength > 0 || ct != "") {
		return nil, errUnsupportedMedia
	}
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	if req.ContentLength > 0 {
		b.Grow(int(req.ContentLength) + 1) // one allocation for a declared length, within the limit
	}
	if req.Body != nil && req.Body != http.NoBody {
		n, err := readAtMost(b, req.Body, limit+1)
		if err != nil {
			m.putBuf(b)
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, errBodyTooLarge
			}
			return nil, &statusError{Status: http.StatusBadRequest, Msg: "reading the request body failed", Err: err}
		}
		if n > limit {
			m.putBuf(b)
			return nil, errBodyTooLarge
		}
	}
	if b.Len() > 0 && !isJSON(req.Header.Get(echo.HeaderContentType)) {
		m.putBuf(b)
		return nil, errUnsupportedMedia
	}
	return b, nil
}

// readAtMost appends to b what r gives, until r's end or until max bytes
// were read: b.ReadFrom(io.LimitReader(r, max)) without the LimitReader's
// allocation. Reads go straight into b's free space (AvailableBuffer).
func readAtMost(b *bytes.Buffer, r io.Reader, max int64) (int64, error) {
	const minRead = 512
	var n int64
	for n < max {
		if b.Available() < minRead {
			b.Grow(minRead)
		}
		free := b.AvailableBuffer()
		free = free[:min(int64(cap(free)), max-n)]
		m, err := r.Read(free)
		if m < 0 || m > len(free) {
			return n, errors.New("teggo: the request body's reader returned an invalid count")
		}
		b.Write(free[:m])
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// isJSON accepts application/json and application/*+json, with parameters.
func isJSON(ct string) bool {
	if ct == echo.MIMEApplicationJSON || ct == echo.MIMEApplicationJSONCharsetUTF8 {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// bodyViolations turns a body validation error into violations located
// under "body" and the count the validator omitted; ok is false for
// anything else (malformed JSON).
func bodyViolations(err error) ([]Violation, int, bool) {
	var ipe *ajv.InvalidParamError
	if errors.As(err, &ipe) {
		return violations("body", ipe), ipe.Omitted, true
	}
	return nil, 0, false
}
