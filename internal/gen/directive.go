package gen

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/teggo/teggo/schedule"
	"time"
	_ "time/tzdata" // timezone= is checked the same on every machine
)

// This file is the one place where `//teggo:` directives are parsed and
// their grammar is checked. The grammar of a directive line is
//
//	//teggo:NAME positional... key=value... key="quoted value"...
//
// with no space after `//` (Go's directive form, hidden from godoc).
// Positional words come first; a quoted word or value is a Go string
// literal. Each directive's positional arguments, keys, value checks and
// placement are in the directives table below. What needs types (the
// advice type a pointcut names, the shape of an event method) is checked
// when the directive is bound to the package (bind.go).

// directivePrefix starts every directive comment.
const directivePrefix = "//teggo:"

// Directive is one parsed and grammar-checked `//teggo:` line.
type Directive struct {
	// Name is the directive name, e.g. "pointcut".
	Name string
	// Args are the positional words.
	Args []string
	// Keys are the key=value pairs in source order.
	Keys []KV
	// Pos is the position of the comment.
	Pos  token.Position
	spec *directiveSpec
}

// KV is one key=value pair of a directive.
type KV struct{ Key, Value string }

// Get returns the value of key and whether it was given.
func (d *Directive) Get(key string) (string, bool) {
	for _, kv := range d.Keys {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Params returns the free key=value pairs (those not in the directive's
// table), sorted by key: the advice params of a pointcut or crosscut.
func (d *Directive) Params() []KV {
	var out []KV
	for _, kv := range d.Keys {
		if d.spec.key(kv.Key) == nil {
			out = append(out, kv)
		}
	}
	slices.SortFunc(out, func(a, b KV) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// errorf makes an error at the directive, prefixed "teggo:NAME: ".
func (d *Directive) errorf(format string, args ...any) *Error {
	return &Error{Pos: d.Pos, Msg: "teggo:" + d.Name + ": " + fmt.Sprintf(format, args...)}
}

// placement says where a directive may be written.
type placement uint8

const (
	onType   placement = 1 << iota // the doc comment of a type
	onMethod                       // the doc comment of a method
)

func (p placement) String() string {
	switch p {
	case onType:
		return "the doc comment of a proto type"
	case onMethod:
		return "the doc comment of a method of a proto"
	}
	return "the doc comment of a proto type or of a method of a proto"
}

// argSpec is one positional argument.
type argSpec struct {
	name     string
	required bool
	check    func(string) error
}

// keySpec is one known key.
type keySpec struct {
	name  string
	check func(string) error
}

// directiveSpec is one row of the directives table.
type directiveSpec struct {
	name  string
	usage string
	place placement
	args  []argSpec
	keys  []keySpec
	// params: keys not in keys are free advice params; only keys within a
	// typo of a known key are rejected.
	params bool
	// check validates combinations of keys.
	check func(d *Directive) error
}

func (s *directiveSpec) key(name string) *keySpec {
	for i := range s.keys {
		if s.keys[i].name == name {
			return &s.keys[i]
		}
	}
	return nil
}

func (s *directiveSpec) keyNames() []string {
	names := make([]string, len(s.keys))
	for i, k := range s.keys {
		names[i] = k.name
	}
	return names
}

// directives is the table of every known directive.
var directives = []*directiveSpec{
	{
		name:   "pointcut",
		usage:  "//teggo:pointcut AdviceType [order=N] [key=value...]",
		place:  onMethod,
		args:   []argSpec{{name: "advice type", required: true, check: checkTypeRef}},
		keys:   []keySpec{{"order", checkInt}},
		params: true,
	},
	{
		name:   "crosscut",
		usage:  `//teggo:crosscut type=Type [method=Name[,Name...]] | typeRe="regexp" [methodRe="regexp"]; [order=N] [key=value...]`,
		place:  onType,
		keys:   []keySpec{{"type", checkTypeRef}, {"method", checkIdentList}, {"typeRe", checkRegexp}, {"methodRe", checkRegexp}, {"order", checkInt}},
		params: true,
		check:  checkCrosscut,
	},
	{
		name:  "controller",
		usage: "//teggo:controller [/prefix] [host=HOST[,HOST...]] [name=NAME] [timeout=DURATION]",
		place: onType,
		args:  []argSpec{{name: "path prefix", check: checkPath}},
		keys:  []keySpec{{"host", checkHost}, {"name", checkWord}, {"timeout", checkTimeout}},
	},
	{
		name:  "http",
		usage: "//teggo:http METHOD /path [status=NNN] [priority=N] [timeout=DURATION] [host=HOST[,HOST...]]",
		place: onMethod,
		args:  []argSpec{{name: "HTTP method", required: true, check: checkHTTPMethod}, {name: "path", required: true, check: checkPath}},
		keys:  []keySpec{{"status", checkStatus}, {"priority", checkInt}, {"timeout", checkTimeout}, {"host", checkHost}},
	},
	{
		name:  "middleware",
		usage: "//teggo:middleware AdviceOrMiddleware",
		place: onType | onMethod,
		args:  []argSpec{{name: "advice or middleware name", required: true, check: checkTypeRef}},
	},
	{
		name:  "event",
		usage: "//teggo:event [broadcast=true]",
		place: onMethod,
		keys:  []keySpec{{"broadcast", checkBool}},
	},
	{
		name:  "schedule",
		usage: `//teggo:schedule type=worker|all|STRATEGY [cron="SPEC"] [interval=DURATION] [immediate=true] [disable=true] [timezone=ZONE]`,
		place: onType,
		keys: []keySpec{{"type", checkStrategy}, {"cron", checkCron}, {"interval", checkInterval},
			{"immediate", checkBool}, {"disable", checkBool}, {"timezone", checkTimezone}},
		check: checkSchedule,
	},
}

func lookupDirective(name string) *directiveSpec {
	for _, s := range directives {
		if s.name == name {
			return s
		}
	}
	return nil
}

func directiveNames() []string {
	names := make([]string, len(directives))
	for i, s := range directives {
		names[i] = s.name
	}
	return names
}

// isDirective reports whether a comment is a `//teggo:` directive.
func isDirective(c *ast.Comment) bool { return strings.HasPrefix(c.Text, directivePrefix) }

// parseDirective parses and checks the grammar of one directive comment
// (the whole comment text, starting with //teggo:). It does not check the
// placement; see checkPlacement.
func parseDirective(text string, pos token.Position) (*Directive, *Error) {
	body := strings.TrimPrefix(text, directivePrefix)
	name, rest, _ := strings.Cut(body, " ")
	if i := strings.IndexByte(name, '\t'); i >= 0 {
		name, rest = name[:i], name[i:]+" "+rest
	}
	d := &Directive{Name: name, Pos: pos}
	spec := lookupDirective(name)
	if spec == nil {
		msg := fmt.Sprintf("unknown directive teggo:%s", name)
		if s, ok := suggest(name, directiveNames()); ok {
			msg += fmt.Sprintf(" (did you mean teggo:%s?)", s)
		} else {
			msg += " (known: teggo:" + strings.Join(directiveNames(), ", teggo:") + ")"
		}
		return nil, &Error{Pos: pos, Msg: msg}
	}
	d.spec = spec
	words, err := splitWords(rest)
	if err != nil {
		return nil, d.errorf("%v", err)
	}
	seenKey := false
	for _, w := range words {
		if w.key == "" {
			if seenKey {
				return nil, d.errorf("argument %q after key=value pairs: positional arguments come first (%s)", w.value, spec.usage)
			}
			d.Args = append(d.Args, w.value)
			continue
		}
		seenKey = true
		if _, dup := d.Get(w.key); dup {
			return nil, d.errorf("key %q given twice", w.key)
		}
		d.Keys = append(d.Keys, KV{w.key, w.value})
	}
	if e := d.checkGrammar(); e != nil {
		return nil, e
	}
	return d, nil
}

// checkGrammar checks arguments and keys against the directive's row.
func (d *Directive) checkGrammar() *Error {
	s := d.spec
	if len(d.Args) > len(s.args) {
		if len(s.args) == 0 {
			return d.errorf("takes no positional argument, got %q (%s)", d.Args[0], s.usage)
		}
		return d.errorf("too many arguments: %q (%s)", d.Args[len(s.args)], s.usage)
	}
	for i, a := range s.args {
		if i >= len(d.Args) {
			if a.required {
				return d.errorf("missing %s (%s)", a.name, s.usage)
			}
			continue
		}
		if a.check != nil {
			if err := a.check(d.Args[i]); err != nil {
				return d.errorf("%s %q: %v", a.name, d.Args[i], err)
			}
		}
	}
	for _, kv := range d.Keys {
		k := s.key(kv.Key)
		if k == nil {
			if s.params {
				if near, ok := suggest(kv.Key, s.keyNames()); ok {
					return d.errorf("unknown key %q (did you mean %q?)", kv.Key, near)
				}
				continue // an advice param
			}
			msg := fmt.Sprintf("unknown key %q", kv.Key)
			if near, ok := suggest(kv.Key, s.keyNames()); ok {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			} else if len(s.keys) > 0 {
				msg += " (known: " + strings.Join(s.keyNames(), ", ") + ")"
			} else {
				msg += " (it takes no key)"
			}
			return d.errorf("%s", msg)
		}
		if k.check != nil {
			if err := k.check(kv.Value); err != nil {
				return d.errorf("%s=%q: %v", kv.Key, kv.Value, err)
			}
		}
	}
	if s.check != nil {
		if err := s.check(d); err != nil {
			return d.errorf("%v", err)
		}
	}
	return nil
}

// checkPlacement reports a directive written where it does not belong.
func (d *Directive) checkPlacement(where placement) *Error {
	if d.spec.place&where == 0 {
		return d.errorf("must be in %s", d.spec.place)
	}
	return nil
}

// word is one token of a directive line: a positional value, or a key with
// its value.
type word struct{ key, value string }

var keyRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// splitWords splits a directive's arguments on blanks, honouring Go string
// literals ("a b", with escapes) in positional words and values.
func splitWords(s string) ([]word, error) {
	var out []word
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out, nil
		}
		var w word
		if m := keyRe.FindString(s); m != "" {
			w.key = m[:len(m)-1]
			s = s[len(m):]
		}
		if strings.HasPrefix(s, `"`) {
			lit, err := quotedPrefix(s)
			if err != nil {
				if w.key != "" {
					return nil, fmt.Errorf("value of %s: %v", w.key, err)
				}
				return nil, err
			}
			w.value, _ = strconv.Unquote(lit)
			s = s[len(lit):]
			if s != "" && s[0] != ' ' && s[0] != '\t' {
				return nil, fmt.Errorf("missing blank after %s", lit)
			}
		} else {
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			w.value, s = s[:end], s[end:]
			if k, _, ok := strings.Cut(w.value, "="); ok && w.key == "" && k != "" && !strings.HasPrefix(k, "/") {
				return nil, fmt.Errorf("bad key %q in %q: a key is a Go identifier", k, w.value)
			}
			if strings.Contains(w.value, `"`) {
				return nil, fmt.Errorf("stray quote in %q: quote the whole value, as key=\"a b\"", w.value)
			}
		}
		out = append(out, w)
	}
}

// quotedPrefix returns the Go string literal at the start of s.
func quotedPrefix(s string) (string, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			lit := s[:i+1]
			if _, err := strconv.Unquote(lit); err != nil {
				return "", fmt.Errorf("bad quoted string %s", lit)
			}
			return lit, nil
		}
	}
	return "", fmt.Errorf("unterminated quoted string %s", s)
}

// Value checks.

var (
	identRe    = regexp.MustCompile(`^[\p{L}_][\p{L}\p{Nd}_]*$`)
	typeRefRe  = regexp.MustCompile(`^([\p{L}_][\p{L}\p{Nd}_]*\.)?[\p{L}_][\p{L}\p{Nd}_]*$`)
	pathRefRe  = regexp.MustCompile(`^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)+\.[\p{L}_][\p{L}\p{Nd}_]*$`) // import/path.Name
	strategyRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)
)

func checkTypeRef(v string) error {
	if !typeRefRe.MatchString(v) && !pathRefRe.MatchString(v) {
		return errors.New("want a name, pkg.Name, or import/path.Name")
	}
	return nil
}

func checkIdentList(v string) error {
	for m := range strings.SplitSeq(v, ",") {
		if !identRe.MatchString(m) || !token.IsExported(m) {
			return fmt.Errorf("want exported method names separated by commas")
		}
	}
	return nil
}

func checkWord(v string) error {
	if v == "" || strings.ContainsAny(v, " \t,=") {
		return errors.New("want a non-empty word without blanks, ',' or '='")
	}
	return nil
}

func checkInt(v string) error {
	if _, err := strconv.Atoi(v); err != nil {
		return errors.New("want an integer")
	}
	return nil
}

func checkBool(v string) error {
	if v != "true" && v != "false" {
		return errors.New(`want "true" or "false"`)
	}
	return nil
}

func checkRegexp(v string) error {
	if _, err := regexp.Compile(v); err != nil {
		return fmt.Errorf("bad regexp: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	return nil
}

func checkPath(v string) error {
	if !strings.HasPrefix(v, "/") {
		return errors.New("a path starts with '/'")
	}
	if strings.ContainsAny(v, " \t?#") {
		return errors.New("a path has no blanks, '?' or '#'")
	}
	return nil
}

func checkHost(v string) error {
	for _, h := range strings.Split(v, ",") {
		if h == "" || strings.ContainsAny(h, " \t/") {
			return errors.New("want host names such as a.example.com, separated by commas")
		}
	}
	return nil
}

// httpMethods are the methods tegg's HTTPMethodEnum knows.
var httpMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}

func checkHTTPMethod(v string) error {
	if !slices.Contains(httpMethods, v) {
		return fmt.Errorf("want one of %s%s", strings.Join(httpMethods, ", "), didYouMean(v, httpMethods))
	}
	return nil
}

func checkStatus(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || len(v) != 3 || n < 100 || n > 599 {
		return errors.New("want a 3-digit HTTP status between 100 and 599")
	}
	return nil
}

func checkTimeout(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return errors.New("want a positive Go duration such as 2s or 500ms")
	}
	return nil
}

func checkStrategy(v string) error {
	if !strategyRe.MatchString(v) {
		return errors.New("want worker, all or a strategy name")
	}
	return nil
}

// intervalUnits are the units egg's ms package accepts beyond Go's.
var intervalUnits = []string{
	"ms", "msec", "msecs", "millisecond", "milliseconds",
	"s", "sec", "secs", "second", "seconds",
	"m", "min", "mins", "minute", "minutes",
	"h", "hr", "hrs", "hour", "hours",
	"d", "day", "days", "w", "week", "weeks",
	"y", "yr", "yrs", "year", "years",
}

// checkInterval accepts milliseconds ("60000"), a Go duration ("3h",
// "500ms") or a number and a unit as egg writes them ("1d", "2 days").
func checkInterval(v string) error {
	const want = `want milliseconds ("60000") or a positive duration ("3h", "500ms", "1d", "2 days")`
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return errors.New(want)
		}
		return nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		if d <= 0 {
			return errors.New(want)
		}
		return nil
	}
	i := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		return errors.New(want)
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	if err != nil || n <= 0 || !slices.Contains(intervalUnits, strings.ToLower(strings.TrimSpace(v[i:]))) {
		return errors.New(want)
	}
	return nil
}

func checkTimezone(v string) error {
	if v == "" {
		return errors.New("want an IANA time zone such as Europe/Paris")
	}
	if _, err := time.LoadLocation(v); err != nil {
		return errors.New("unknown time zone: want an IANA name such as Europe/Paris")
	}
	return nil
}

var cronDescriptors = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}

var cronFieldRe = regexp.MustCompile(`^[0-9A-Za-z*?/,#-]+$`)

// checkCron accepts 5 fields, 6 fields (with seconds), a descriptor
// (@daily...) or "@every DURATION", optionally after CRON_TZ=ZONE or
// TZ=ZONE.
func checkCron(v string) error {
	fields := strings.Fields(v)
	if len(fields) > 0 && (strings.HasPrefix(fields[0], "CRON_TZ=") || strings.HasPrefix(fields[0], "TZ=")) {
		_, zone, _ := strings.Cut(fields[0], "=")
		if err := checkTimezone(zone); err != nil {
			return err
		}
		fields = fields[1:]
	}
	switch {
	case len(fields) == 0:
		return errors.New("empty cron spec")
	case fields[0] == "@every":
		if len(fields) != 2 {
			return errors.New("want @every DURATION")
		}
		return checkTimeout(fields[1])
	case strings.HasPrefix(fields[0], "@"):
		if len(fields) != 1 || !slices.Contains(cronDescriptors, fields[0]) {
			return fmt.Errorf("want one of %s or @every DURATION", strings.Join(cronDescriptors, ", "))
		}
		return nil
	case len(fields) != 5 && len(fields) != 6:
		return fmt.Errorf("want 5 fields, or 6 with seconds first; got %d", len(fields))
	}
	for _, f := range fields {
		if !cronFieldRe.MatchString(f) {
			return fmt.Errorf("bad cron field %q", f)
		}
	}
	return nil
}

func checkCrosscut(d *Directive) error {
	_, byType := d.Get("type")
	_, byRe := d.Get("typeRe")
	_, method := d.Get("method")
	_, methodRe := d.Get("methodRe")
	switch {
	case byType && byRe:
		return errors.New("type= and typeRe= exclude each other")
	case !byType && !byRe:
		return fmt.Errorf("missing type= or typeRe= (%s)", d.spec.usage)
	case method && !byType:
		return errors.New("method= goes with type=; use methodRe= with typeRe=")
	case methodRe && !byRe:
		return errors.New("methodRe= goes with typeRe=; use method= with type=")
	}
	return nil
}

// checkSchedule validates the whole spec with the schedule package's own
// rules (schedule.CheckSpec), so the generator and the runtime never
// disagree on what a valid schedule is.
func checkSchedule(d *Directive) error {
	if _, ok := d.Get("type"); !ok {
		return fmt.Errorf("missing type= (%s)", d.spec.usage)
	}
	var sp schedule.Spec
	sp.Type, _ = d.Get("type")
	sp.Cron, _ = d.Get("cron")
	sp.Interval, _ = d.Get("interval")
	sp.TimeZone, _ = d.Get("timezone")
	imm, _ := d.Get("immediate")
	dis, _ := d.Get("disable")
	sp.Immediate, sp.Disable = imm == "true", dis == "true"
	if err := schedule.CheckSpec(sp); err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}
