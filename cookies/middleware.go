package cookies

import (
	"bufio"
	"net"
	"net/http"
)

// Middleware puts a Jar into each request's context and writes its cookies
// just before the response headers go out: on the first WriteHeader, Write
// or Flush, or at the end of the handler when it wrote nothing.
func Middleware(c Config) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if From(r.Context()) != nil {
				next.ServeHTTP(w, r)
				return
			}
			j := New(r, c)
			rw := &Writer{ResponseWriter: w, jar: j}
			next.ServeHTTP(rw, r.WithContext(With(r.Context(), j)))
			rw.before()
		})
	}
}

// Writer is the response writer of Middleware; Unwrap keeps
// http.ResponseController working.
type Writer struct {
	http.ResponseWriter
	jar *Jar
}

func (w *Writer) before() { w.jar.WriteTo(w.ResponseWriter.Header()) }

// WriteHeader writes the cookies, then the header.
func (w *Writer) WriteHeader(code int) { w.before(); w.ResponseWriter.WriteHeader(code) }

// Write writes the cookies before the first byte.
func (w *Writer) Write(b []byte) (int, error) { w.before(); return w.ResponseWriter.Write(b) }

// Flush writes the cookies, then flushes.
func (w *Writer) Flush() {
	w.before()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack writes nothing and hands the connection over.
func (w *Writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the wrapped writer.
func (w *Writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
