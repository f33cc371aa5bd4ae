package gen

import (
	"fmt"
	"go/types"
	"strconv"
	"strings"
)

// proxy writes the proxy of pr: its struct, its constructor (the
// Descriptor's Proxy) and, per method, the proxy method and the typed
// frame its advice chain runs on.
func (e *emitter) proxy(pr *Proto) {
	t := e.typ(pr.named)
	aop := e.pkg(aopPath, "aop")
	ctx := e.pkg("context", "context")
	n := len(pr.Methods)
	e.printf("// %s is the generated proxy of %s.\n", pr.proxy, pr.TypeName)
	e.printf("// It implements every exported method of *%s: a method without\n", pr.TypeName)
	e.printf("// advice calls the target directly, one with advice runs its chain.\n")
	e.printf("type %s struct {\n", pr.proxy)
	e.printf("target *%s\n", t)
	e.printf("resolve func(ctx %s.Context) (any, error)\n", ctx)
	e.printf("chains []*%s.Chain\n", aop)
	e.printf("}\n\n")

	e.printf("// %s makes the proxy of %s (its Descriptor's Proxy).\n", pr.proxyNew, pr.TypeName)
	e.printf("// chains[i] is the chain of Methods[i], nil when it has no advice.\n")
	e.printf("func %s(t %s.Target, chains []*%s.Chain) any {\n", pr.proxyNew, aop, aop)
	e.printf("if chains == nil {\nchains = make([]*%s.Chain, %d)\n}\n", aop, n)
	e.printf("if len(chains) != %d {\npanic(%q)\n}\n", n,
		fmt.Sprintf("teggo: the proxy of %s takes one chain per method: %d", pr.TypeName, n))
	e.printf("p := &%s{resolve: t.Resolve, chains: chains}\n", pr.proxy)
	e.printf("if t.Object != nil {\np.target = t.Object.(*%s)\n}\n", t)
	e.printf("return p\n}\n\n")

	for _, m := range pr.Methods {
		e.proxyMethod(pr, m)
		e.frame(pr, m)
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

// proxyMethod writes the proxy's implementation of m.
func (e *emitter) proxyMethod(pr *Proto, m *Method) {
	t := e.typ(pr.named)
	names := e.paramNames(m)
	nres := len(m.Results)
	sig := e.signature(m, names)
	slow := strings.ToLower(m.Name[:1]) + m.Name[1:] + "Advised"
	// The public method is only the fast path — a fixed target and no
	// advice — small enough that Go inlines a small target into it; the
	// rest is a method of its own.
	e.printf("// %s calls %s.%s, through its advice chain if it has one.\n", m.Name, pr.TypeName, m.Name)
	e.printf("func (p *%s) %s%s {\n", pr.proxy, m.Name, sig)
	e.printf("if t := p.target; t != nil && p.chains[%d] == nil {\n", m.Index)
	fast := fmt.Sprintf("t.%s(%s)", m.Name, callArgs(m, names))
	slowCall := fmt.Sprintf("p.%s(%s)", slow, callArgs(m, names))
	if nres > 0 || m.HasErr {
		e.printf("return %s\n}\nreturn %s\n}\n\n", fast, slowCall)
	} else {
		e.printf("%s\nreturn\n}\n%s\n}\n\n", fast, slowCall)
	}
	e.printf("// %s is %s's path with a context target or advice.\n", slow, m.Name)
	e.printf("func (p *%s) %s%s {\n", pr.proxy, slow, sig)
	e.printf("t := p.target\nif t == nil {\n")
	if m.CtxFirst {
		e.printf("o, err := p.resolve(%s)\nif err != nil {\n", names[0])
		if m.HasErr {
			for i, r := range m.Results {
				e.printf("var r%d %s\n", i, e.typ(r))
			}
			e.printf("return %s\n", strings.Join(append(numbered("r", nres), "err"), ", "))
		} else {
			e.printf("panic(err)\n")
		}
		e.printf("}\nt = o.(*%s)\n", t)
	} else {
		e.printf("panic(%q)\n", fmt.Sprintf("teggo: %s.%s takes no context.Context first: its proxy needs a fixed target (aop.Target.Object)", pr.TypeName, m.Name))
	}
	e.printf("}\n")
	e.printf("ch := p.chains[%d]\nif ch == nil {\n", m.Index)
	direct := fmt.Sprintf("t.%s(%s)", m.Name, callArgs(m, names))
	if nres > 0 || m.HasErr {
		e.printf("return %s\n", direct)
	} else {
		e.printf("%s\nreturn\n", direct)
	}
	e.printf("}\n")
	e.printf("f := ch.Acquire(%s).(*%s)\n", m.frameNew, m.frame)
	lhs := append([]string{"f.t"}, prefixed("f.", numbered("a", len(m.Params)))...)
	e.printf("%s = %s\n", strings.Join(lhs, ", "), strings.Join(append([]string{"t"}, names...), ", "))
	e.printf("err := ch.Run(&f.Call)\n")
	for i := range nres {
		e.printf("r%d := f.r%d\n", i, i)
	}
	e.printf("%s\n", e.zeroFrame(m))
	e.printf("ch.Release(&f.Call)\n")
	if m.HasErr {
		e.printf("return %s\n", strings.Join(append(numbered("r", nres), "err"), ", "))
	} else {
		e.printf("if err != nil {\npanic(err)\n}\n")
		if nres > 0 {
			e.printf("return %s\n", strings.Join(numbered("r", nres), ", "))
		}
	}
	e.printf("}\n\n")
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// zeroFrame renders the statement that clears every typed field of m's
// frame, so that a pooled frame retains no argument or result.
func (e *emitter) zeroFrame(m *Method) string {
	lhs, rhs := []string{"f.t"}, []string{"nil"}
	for i, t := range m.Params {
		lhs = append(lhs, "f.a"+strconv.Itoa(i))
		rhs = append(rhs, e.zero(t))
	}
	for i, t := range e.allResults(m) {
		lhs = append(lhs, "f.r"+strconv.Itoa(i))
		rhs = append(rhs, e.zero(t))
	}
	return strings.Join(lhs, ", ") + " = " + strings.Join(rhs, ", ")
}

// allResults returns the result types, the error included.
func (e *emitter) allResults(m *Method) []types.Type {
	out := append([]types.Type(nil), m.Results...)
	if m.HasErr {
		out = append(out, errorType)
	}
	return out
}

// frame writes the typed frame of m and its aop.Frame methods.
func (e *emitter) frame(pr *Proto, m *Method) {
	aop := e.pkg(aopPath, "aop")
	ctx := e.pkg("context", "context")
	t := e.typ(pr.named)
	fr := m.frame
	np, nr := len(m.Params), len(m.Results)
	all := e.allResults(m)

	e.printf("// %s holds one call of %s.%s\n// while its advice chain runs.\n", fr, pr.TypeName, m.Name)
	e.printf("type %s struct {\n%s.Call\nt *%s\n", fr, aop, t)
	for i, p := range m.Params {
		e.printf("a%d %s\n", i, e.typ(p))
	}
	for i, r := range all {
		e.printf("r%d %s\n", i, e.typ(r))
	}
	e.printf("}\n\n")

	e.printf("func %s() %s.Frame {\nf := new(%s)\nf.Bind(f)\nreturn f\n}\n\n", m.frameNew, aop, fr)
	e.printf("func (f *%s) Target() any { return f.t }\n\n", fr)
	if m.CtxFirst {
		e.printf("func (f *%s) Context() %s.Context { return f.a0 }\n\n", fr, ctx)
	} else {
		e.printf("func (f *%s) Context() %s.Context { return nil }\n\n", fr, ctx)
	}
	e.printf("func (f *%s) NumArgs() int { return %d }\n\n", fr, np)
	e.getter(fr, "Arg", "argument", "a", np)
	e.setter(fr, "SetArg", "argument", "a", m.Params)
	e.printf("func (f *%s) NumResults() int { return %d }\n\n", fr, nr)
	e.getter(fr, "Result", "result", "r", nr)
	e.setter(fr, "SetResult", "result", "r", m.Results)

	args := callArgs(m, prefixed("f.", numbered("a", np)))
	call := fmt.Sprintf("f.t.%s(%s)", m.Name, args)
	e.printf("func (f *%s) Invoke() error {\n", fr)
	switch {
	case len(all) == 0:
		e.printf("%s\nreturn nil\n", call)
	default:
		e.printf("%s = %s\n", strings.Join(prefixed("f.", numbered("r", len(all))), ", "), call)
		if m.HasErr {
			e.printf("return f.r%d\n", nr)
		} else {
			e.printf("return nil\n")
		}
	}
	e.printf("}\n\n")
}

// getter writes Arg or Result.
func (e *emitter) getter(fr, name, what, prefix string, n int) {
	aop := e.pkg(aopPath, "aop")
	e.printf("func (f *%s) %s(i int) any {\n", fr, name)
	if n > 0 {
		e.printf("switch i {\n")
		for i := range n {
			e.printf("case %d:\nreturn f.%s%d\n", i, prefix, i)
		}
		e.printf("}\n")
	}
	e.printf("panic(%s.IndexError(%q, i, %d))\n}\n\n", aop, what, n)
}

// setter writes SetArg or SetResult: a type assertion per index; nil is
// accepted for types that have it.
func (e *emitter) setter(fr, name, what, prefix string, ts []types.Type) {
	aop := e.pkg(aopPath, "aop")
	e.printf("func (f *%s) %s(i int, v any) error {\n", fr, name)
	if len(ts) > 0 {
		e.printf("switch i {\n")
		for i, t := range ts {
			e.printf("case %d:\nx, ok := v.(%s)\n", i, e.typ(t))
			cond := "!ok"
			if nillable(t) {
				cond = "!ok && v != nil"
			}
			e.printf("if %s {\nreturn %s.ArgTypeError(%q, i, %q, v)\n}\n", cond, aop, what, typeLabel(t))
			e.printf("f.%s%d = x\nreturn nil\n", prefix, i)
		}
		e.printf("}\n")
	}
	e.printf("return %s.IndexError(%q, i, %d)\n}\n\n", aop, what, len(ts))
}
