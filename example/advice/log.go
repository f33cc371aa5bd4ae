package advice

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// LogAdvice logs one structured line per call of the methods it is applied
// to: the method as Type.Method, the arguments (compactly rendered, long
// values capped, context.Context arguments never), the duration, and the
// outcome.
//
//	level=INFO msg=call method=Ledger.Deposit args=("alice", 500) dur=1.2ms ok=true
//	level=WARN msg=call method=Ledger.Withdraw args=("bob", 900) dur=0.8ms ok=false err="insufficient funds"
//
// A successful call logs at the level of the `level` param (Info by
// default); a failed one at Warn (or that level, if higher); a panic at
// Error, after which the panic goes on. Apply it by crosscut, in code:
//
//	aop.Crosscut(new(advice.LogAdvice), aop.ForRegexp("Service$", ""))
//
// or with a //teggo:crosscut directive on an advice type of your own
// package. Params (parsed once at Build; anything else fails the Build):
//
//   - level=debug|info|warn|error: the level of successful calls;
//   - args=false: log neither the arguments nor the results.
//
// Secrets never reach the line: a struct field tagged `log:"secret"` (in
// an argument or a result, directly or through a pointer, at any depth the
// rendering reaches) renders as [redacted]:
//
//	type Login struct {
//		User     string
//		Password string `log:"secret"`
//	}
//
// A type can also redact itself by implementing slog.LogValuer.
//
// A successful call's results but its error are logged as res=(...) when
// the method returns more than an error.
//
// The logger is injected when the container has a *slog.Logger, else
// slog.Default() at the time of the call. When the logger is enabled at
// neither level, the call runs with no other cost than the check. When it
// is, a call costs the boxing of its non-pointer arguments (aop.Call.Arg)
// and one string for the rendered arguments.
type LogAdvice struct {
	proto.Singleton `access:"public"`

	// Logger is where lines go; nil means slog.Default().
	Logger *slog.Logger `inject:"" optional:"true"`

	names atomic.Pointer[map[methodKey]string] // "Type.Method", copy on write
	mu    sync.Mutex                           // serialises writers of names
}

// LogParams are LogAdvice's params as ParseParams typed them at Build.
type LogParams struct {
	// Level is the level of successful calls (Info by default).
	Level slog.Level
	// NoArgs leaves the arguments out of the line.
	NoArgs bool
}

// ParseParams types the params of one crosscut or pointcut, once, at Build.
func (a *LogAdvice) ParseParams(p aop.Params) (any, error) {
	var lp LogParams
	for _, k := range slices.Sorted(maps.Keys(p)) {
		v := p[k]
		switch k {
		case "level":
			if err := lp.Level.UnmarshalText([]byte(v)); err != nil {
				return nil, fmt.Errorf("advice: LogAdvice: level=%q: want debug, info, warn or error", v)
			}
		case "args":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("advice: LogAdvice: args=%q: want true or false", v)
			}
			lp.NoArgs = !b
		default:
			return nil, fmt.Errorf("advice: LogAdvice: unknown param %q (known: level, args)", k)
		}
	}
	return lp, nil
}

// Around times the call and logs it.
func (a *LogAdvice) Around(c aop.Call, next aop.Next) error {
	lp, _ := aop.ParamsOf[LogParams](c) // before next(): it reads the running advice
	l := a.Logger
	if l == nil {
		l = slog.Default()
	}
	ctx := c.Context()
	if !l.Enabled(ctx, lp.Level) && !l.Enabled(ctx, max(lp.Level, slog.LevelWarn)) && !l.Enabled(ctx, slog.LevelError) {
		return next()
	}
	start := time.Now()
	returned := false
	defer func() {
		if returned {
			return
		}
		r := recover()
		if r == nil {
			return // runtime.Goexit: nothing returned, nothing to re-panic
		}
		a.log(ctx, l, c, lp, time.Since(start), &aop.PanicError{Value: r}, max(lp.Level, slog.LevelError))
		panic(r)
	}()
	err := next()
	returned = true
	level := lp.Level
	if err != nil {
		level = max(level, slog.LevelWarn)
	}
	a.log(ctx, l, c, lp, time.Since(start), err, level)
	return err
}

func (a *LogAdvice) log(ctx context.Context, l *slog.Logger, c aop.Call, lp LogParams, d time.Duration, err error, level slog.Level) {
	if !l.Enabled(ctx, level) {
		return
	}
	var attrs [6]slog.Attr
	attrs[0] = slog.String("method", a.methodName(c.TypeName(), c.Method()))
	n := 1
	if !lp.NoArgs {
		attrs[n] = slog.String("args", renderArgs(c))
		n++
		if err == nil && c.NumResults() > 1 {
			attrs[n] = slog.String("res", renderResults(c))
			n++
		}
	}
	attrs[n] = slog.Duration("dur", d)
	n++
	attrs[n] = slog.Bool("ok", err == nil)
	n++
	if err != nil {
		attrs[n] = slog.Any("err", err)
		n++
	}
	l.LogAttrs(ctx, level, "call", attrs[:n]...)
}

type methodKey struct{ typ, method string }

// methodName returns "Type.Method", built once per method.
func (a *LogAdvice) methodName(typ, method string) string {
	k := methodKey{typ, method}
	if m := a.names.Load(); m != nil {
		if s, ok := (*m)[k]; ok {
			return s
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var next map[methodKey]string
	if m := a.names.Load(); m != nil {
		if s, ok := (*m)[k]; ok {
			return s
		}
		next = maps.Clone(*m)
	} else {
		next = map[methodKey]string{}
	}
	s := typ + "." + method
	next[k] = s
	a.names.Store(&next)
	return s
}

// Rendering limits: a value is cut after maxValueLen bytes, the whole
// argument list after maxArgsLen; a slice, array or map of more than
// maxElems elements is shown as its type and length.
const (
	maxValueLen = 64
	maxArgsLen  = 256
	maxElems    = 16
	ellipsis    = "…"
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 128); return &b }}

// renderArgs renders the call's arguments as `("alice", 500, {Memo:x})`,
// leaving out every context.Context.
func renderArgs(c aop.Call) string {
	bp := bufPool.Get().(*[]byte)
	b := append((*bp)[:0], '(')
	first := true
	for i := range c.NumArgs() {
		v := c.Arg(i)
		if _, isCtx := v.(context.Context); isCtx {
			continue
		}
		if !first {
			b = append(b, ", "...)
		}
		first = false
		if len(b) >= maxArgsLen {
			b = append(b, ellipsis...)
			break
		}
		b = appendValue(b, v)
	}
	b = append(b, ')')
	s := string(b)
	if cap(b) <= 4<<10 {
		*bp = b
		bufPool.Put(bp)
	}
	return s
}

// renderResults renders a successful call's results but its last one (the
// nil error) as `("id", {ID:x Token:[redacted]})`.
func renderResults(c aop.Call) string {
	b := []byte{'('}
	for i := range c.NumResults() - 1 {
		if i > 0 {
			b = append(b, ", "...)
		}
		if len(b) >= maxArgsLen {
			b = append(b, ellipsis...)
			break
		}
		b = appendValue(b, c.Result(i))
	}
	return string(append(b, ')'))
}

// appendValue appends v compactly, capped at maxValueLen bytes.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "nil"...)
	case slog.LogValuer:
		return appendValue(b, x.LogValue().Resolve().Any())
	case string:
		return appendQuoted(b, x)
	case []byte:
		if len(x) > maxValueLen {
			x = x[:maxValueLen]
		}
		return appendQuoted(b, string(x))
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int8:
		return strconv.AppendInt(b, int64(x), 10)
	case int16:
		return strconv.AppendInt(b, int64(x), 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case uint:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case float32:
		return strconv.AppendFloat(b, float64(x), 'g', -1, 32)
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case time.Duration:
		return append(b, x.String()...)
	case time.Time:
		return x.AppendFormat(b, time.RFC3339Nano)
	case error:
		return appendCapped(b, fmt.Appendf(b, "%q", x))
	}
	if n, kind, ok := bigCollection(v); ok {
		return fmt.Appendf(b, "%T(%s=%d)", v, kind, n)
	}
	if rv, ok := secretStruct(v); ok {
		return appendCapped(b, appendRedacted(b, rv))
	}
	return appendCapped(b, fmt.Appendf(b, "%+v", v))
}

// Redacted is what a field tagged `log:"secret"` renders as.
const Redacted = "[redacted]"

// secretFields caches, per struct type, the indexes of its fields tagged
// `log:"secret"` (an empty slice: none).
var secretFields sync.Map // reflect.Type → []bool

// secretStruct returns v's struct value (through one pointer) when its type
// has a field tagged `log:"secret"`.
func secretStruct(v any) (reflect.Value, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return rv, false
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return rv, false
	}
	return rv, secretMask(rv.Type()) != nil
}

// secretMask says which fields of struct type t are secret; nil if none.
func secretMask(t reflect.Type) []bool {
	if m, ok := secretFields.Load(t); ok {
		return m.([]bool)
	}
	var mask []bool
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("log") == "secret" {
			if mask == nil {
				mask = make([]bool, t.NumField())
			}
			mask[i] = true
		}
	}
	secretFields.Store(t, mask)
	return mask
}

// appendRedacted renders a struct as %+v does, {Name:value ...}, with the
// value of every field tagged `log:"secret"` replaced by Redacted. Nested
// values go through appendValue, so nested secrets are redacted too.
func appendRedacted(b []byte, rv reflect.Value) []byte {
	t := rv.Type()
	mask := secretMask(t)
	b = append(b, '{')
	for i := range t.NumField() {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, t.Field(i).Name...)
		b = append(b, ':')
		switch f := rv.Field(i); {
		case mask[i]:
			b = append(b, Redacted...)
		case !f.CanInterface():
			b = fmt.Appendf(b, "%+v", f)
		default:
			b = appendValue(b, f.Interface())
		}
	}
	return append(b, '}')
}

// appendQuoted appends s quoted, cut after maxValueLen bytes.
func appendQuoted(b []byte, s string) []byte {
	if len(s) <= maxValueLen {
		return strconv.AppendQuote(b, s)
	}
	b = strconv.AppendQuote(b, cutUTF8(s, maxValueLen))
	b = b[:len(b)-1] // the closing quote
	return append(b, ellipsis+`"`...)
}

// appendCapped cuts what was appended to b (grown into out) after
// maxValueLen bytes.
func appendCapped(b, out []byte) []byte {
	if len(out)-len(b) <= maxValueLen {
		return out
	}
	kept := cutUTF8(string(out[len(b):]), maxValueLen)
	return append(out[:len(b)+len(kept)], ellipsis...)
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a UTF-8 sequence.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// bigCollection reports a slice, array or map of more than maxElems
// elements, whose full rendering would cost more than it tells.
func bigCollection(v any) (n int, kind string, ok bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		if rv.Len() > maxElems {
			return rv.Len(), "len", true
		}
	}
	return 0, "", false
}
