package gen

import (
	"fmt"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/teggo/teggo/internal/frames"
)

// proxy writes the proxy of pr: a struct holding weave's proxy state, its
// constructor (the Descriptor's Proxy) and one method per proxied method.
func (e *emitter) proxy(pr *Proto) {
	t := e.typ(pr.named)
	wv := e.pkg(weavePath, "weave")
	e.printf("// %s is the proxy of %s: its methods run their advice.\n", pr.proxy, pr.TypeName)
	e.printf("type %s struct{ w %s.Proxy[*%s] }\n\n", pr.proxy, wv, t)
	e.printf("func %s(t %s.Target, ch []*%s.Chain) any {\n", pr.proxyNew, wv, wv)
	e.printf("return &%s{%s.NewProxy[*%s](t, ch, %d)}\n}\n\n", pr.proxy, wv, t, len(pr.Proxied))
	for _, m := range pr.Proxied {
		e.proxyMethod(pr, m)
	}
}

// proxyLocals are the identifiers a proxy method body declares.
var proxyLocals = []string{"p", "t", "o", "err", "ch", "f"}

// paramNames names the proxy method's parameters: the source names where
// they are usable, aI for unnamed and _ ones and for names that would
// collide with what the body refers to.
func (e *emitter) paramNames(m *Method) []string {
	taken := func(n string) bool {
		if strings.Contains(" "+strings.Join(proxyLocals, " ")+" ", " "+n+" ") ||
			types.Universe.Lookup(n) != nil || e.imp.reserved[n] || e.imp.isName(n) {
			return true
		}
		if len(n) > 1 && n[0] == 'r' {
			if i, err := strconv.Atoi(n[1:]); err == nil && i <= len(m.Results) {
				return true
			}
		}
		return false
	}
	names := make([]string, len(m.Params))
	seen := map[string]bool{}
	for i, n := range m.ParamNames {
		if n != "" && n != "_" && !taken(n) && !seen[n] {
			names[i] = n
			seen[n] = true
		}
	}
	clash := false
	for i := range names {
		if names[i] == "" {
			names[i] = "a" + strconv.Itoa(i)
			clash = clash || seen[names[i]]
		}
	}
	if clash {
		for i := range names {
			names[i] = "a" + strconv.Itoa(i)
		}
	}
	return names
}

// signature renders the proxy method's parameters and results.
func (e *emitter) signature(m *Method, names []string) string {
	var b strings.Builder
	b.WriteString("(")
	for i, t := range m.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		if m.Variadic && i == len(m.Params)-1 {
			b.WriteString(names[i] + " ..." + e.typ(t.(*types.Slice).Elem()))
		} else {
			b.WriteString(names[i] + " " + e.typ(t))
		}
	}
	b.WriteString(")")
	res := e.resultTypes(m)
	switch len(res) {
	case 0:
	case 1:
		b.WriteString(" " + res[0])
	default:
		b.WriteString(" (" + strings.Join(res, ", ") + ")")
	}
	return b.String()
}

// resultTypes renders every result type, the error included.
func (e *emitter) resultTypes(m *Method) []string {
	var out []string
	for _, t := range m.Results {
		out = append(out, e.typ(t))
	}
	if m.HasErr {
		out = append(out, "error")
	}
	return out
}

// numbered returns prefix0..prefixN-1.
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

// callArgs renders the arguments of a call, spreading a variadic last one.
func callArgs(m *Method, args []string) string {
	s := strings.Join(args, ", ")
	if m.Variadic {
		s += "..."
	}
	return s
}

// proxyMethod writes the proxy's implementation of m: the fast path — a
// fixed target and no advice — small enough that Go inlines a small target
// into it, then weave's generic call of the method's arity.
func (e *emitter) proxyMethod(pr *Proto, m *Method) {
	names := e.paramNames(m)
	nres := len(m.Results)
	e.printf("func (p *%s) %s%s {\n", pr.proxy, m.Name, e.signature(m, names))
	e.printf("if t := p.w.Fixed; t != nil && p.w.Chains[%d] == nil {\n", m.Index)
	fast := fmt.Sprintf("t.%s(%s)", m.Name, callArgs(m, names))
	if nres > 0 || m.HasErr {
		e.printf("return %s\n}\n", fast)
	} else {
		e.printf("%s\nreturn\n}\n", fast)
	}
	call := fmt.Sprintf("%s(&p.w, %d, %s)", e.callFunc(m), m.Index, strings.Join(append([]string{e.methodFunc(pr, m)}, names...), ", "))
	wv := e.pkg(weavePath, "weave")
	switch {
	case m.HasErr:
		e.printf("return %s\n", call)
	case nres == 0:
		e.printf("%s.Check(%s)\n", wv, call)
	case nres == 1:
		e.printf("return %s.Must(%s)\n", wv, call)
	default:
		rs := numbered("r", nres)
		e.printf("%s, err := %s\n%s.Check(err)\nreturn %s\n", strings.Join(rs, ", "), call, wv, strings.Join(rs, ", "))
	}
	e.printf("}\n\n")
}

// callFunc names the generic call of m's arity: weave's, or the one
// emitted into the package past weave's largest arity.
func (e *emitter) callFunc(m *Method) string {
	a, r := len(m.Params), len(m.Results)
	if a > frames.MaxFrameArgs || r > frames.MaxFrameResults {
		return "call" + frames.CallName(a, r)[4:]
	}
	return e.pkg(weavePath, "weave") + "." + frames.CallName(a, r)
}

// methodFunc renders m as a function of the receiver and the arguments
// returning the results and an error: the method expression itself when
// it has that shape, else a literal adapting it (no error result, or a
// variadic last parameter).
func (e *emitter) methodFunc(pr *Proto, m *Method) string {
	t := e.typ(pr.named)
	if m.HasErr && !m.Variadic {
		return fmt.Sprintf("(*%s).%s", t, m.Name)
	}
	params := []string{"t *" + t}
	args := numbered("a", len(m.Params))
	for i, pt := range m.Params {
		params = append(params, args[i]+" "+e.typ(pt))
	}
	var res []string
	for _, r := range m.Results {
		res = append(res, e.typ(r))
	}
	res = append(res, "error")
	call := fmt.Sprintf("t.%s(%s)", m.Name, callArgs(m, args))
	var body string
	switch {
	case m.HasErr:
		body = "return " + call
	case len(m.Results) == 0:
		body = call + "; return nil"
	case len(m.Results) > 1:
		rs := strings.Join(numbered("r", len(m.Results)), ", ")
		body = rs + " := " + call + "; return " + rs + ", nil"
	default:
		body = "return " + call + ", nil"
	}
	rl := res[0]
	if len(res) > 1 {
		rl = "(" + strings.Join(res, ", ") + ")"
	}
	return fmt.Sprintf("func(%s) %s { %s }", strings.Join(params, ", "), rl, body)
}

// extraFrames writes the generic frames of the arities past weave's that
// the package's proxies use.
func (e *emitter) extraFrames() {
	seen := map[[2]int]bool{}
	var need [][2]int
	for _, pr := range e.p.Protos {
		for _, m := range pr.Proxied {
			k := [2]int{len(m.Params), len(m.Results)}
			if (k[0] > frames.MaxFrameArgs || k[1] > frames.MaxFrameResults) && !seen[k] {
				seen[k] = true
				need = append(need, k)
			}
		}
	}
	slices.SortFunc(need, func(x, y [2]int) int {
		if x[0] != y[0] {
			return x[0] - y[0]
		}
		return x[1] - y[1]
	})
	for _, k := range need {
		e.printf("%s", frames.FrameSource(e.pkg(weavePath, "weave")+".", k[0], k[1], false))
	}
}
