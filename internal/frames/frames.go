// Package frames renders the generic frames of advised calls: package weave
// is generated from it, and the generator emits larger arities from it.
package frames

import (
	"fmt"
	"strings"
)

// The generic frames: package weave holds one per arity up to these
// bounds (arguments with the context, results without a trailing error);
// a package whose method has more gets that arity emitted into its own
// zz_teggo.go from the same template.
const (
	MaxFrameArgs    = 5
	MaxFrameResults = 2
)

// FrameName is the name of the generic frame of a args and r results.
func FrameName(a, r int) string { return fmt.Sprintf("frameA%dR%d", a, r) }

// RunName and CallName are the names of the functions that run a method
// of a args and r results inside its chain: Run for a known target, Call
// for a proxy's target.
func RunName(a, r int) string  { return fmt.Sprintf("RunA%dR%d", a, r) }
func CallName(a, r int) string { return fmt.Sprintf("CallA%dR%d", a, r) }

// FrameSource renders the generic frame of a args and r results with its
// Run and Call functions. q qualifies package weave's names ("" inside
// weave, "weave." elsewhere); exported says
// whether Run and Call are exported (in weave) or not (emitted into a
// package).
func FrameSource(q string, a, r int, exported bool) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	name := FrameName(a, r)
	run, call := RunName(a, r), CallName(a, r)
	if !exported {
		run, call = "run"+run[3:], "call"+call[4:]
	}
	var tp, params, argNames, args, fields, results, resTypes, zeroRes []string
	tp = append(tp, "T")
	for i := 0; i < a; i++ {
		tp = append(tp, fmt.Sprintf("A%d", i))
		params = append(params, fmt.Sprintf("a%d A%d", i, i))
		argNames = append(argNames, fmt.Sprintf("a%d", i))
		args = append(args, fmt.Sprintf("f.a%d", i))
		fields = append(fields, fmt.Sprintf("a%d A%d", i, i))
	}
	for i := 0; i < r; i++ {
		tp = append(tp, fmt.Sprintf("R%d", i))
		results = append(results, fmt.Sprintf("f.r%d", i))
		resTypes = append(resTypes, fmt.Sprintf("R%d", i))
		fields = append(fields, fmt.Sprintf("r%d R%d", i, i))
		zeroRes = append(zeroRes, fmt.Sprintf("r%d", i))
	}
	tlist := strings.Join(tp, ", ")
	recv := fmt.Sprintf("f *%s[%s]", name, tlist)
	fnType := fmt.Sprintf("func(%s) %s", strings.Join(append([]string{"T"}, tp[1:1+a]...), ", "), resultList(resTypes))

	w("// %s is the frame of a method of %s and %s besides its\n", name, plural(a, "argument"), plural(r, "result"))
	w("// error: the call's typed values while its advice runs.\n")
	w("type %s[%s any] struct {\n", name, tlist)
	w("call %sCall\n", q)
	w("fn %s\n", fnType)
	w("t T\n")
	for _, f := range fields {
		w("%s\n", f)
	}
	w("}\n\n")

	w("func (%s) Access(op %sOp, i int, v any) (any, error) {\n", recv, q)
	w("switch op {\ncase %sOpTarget:\nreturn f.t, nil\n", q)
	access := func(get, set, kind, prefix string, n int) {
		if n == 0 {
			return
		}
		w("case %s%s:\nswitch i {\n", q, get)
		for i := 0; i < n; i++ {
			w("case %d:\nreturn f.%s%d, nil\n", i, prefix, i)
		}
		w("}\n")
		w("case %s%s:\nswitch i {\n", q, set)
		for i := 0; i < n; i++ {
			w("case %d:\nreturn nil, %sAssign(&f.%s%d, v, %q, i)\n", i, q, prefix, i, kind)
		}
		w("}\n")
	}
	access("OpArg", "OpSetArg", "argument", "a", a)
	access("OpResult", "OpSetResult", "result", "r", r)
	w("}\nreturn nil, %sErrOutOfRange\n}\n\n", q)
	w("func (%s) Invoke() (err error) {\n", recv)
	w("%s = f.fn(%s)\nreturn err\n}\n\n", strings.Join(append(results, "err"), ", "), strings.Join(append([]string{"f.t"}, args...), ", "))

	ret := resultList(resTypes)
	w("// %s runs fn(t%s) inside the advice of ch; a nil ch calls fn\n// directly.\n", run, prefixEach(", ", argNames))
	// runBody writes the run of fn(t, args...) inside the advice of ch.
	runBody := func() {
		w("if ch == nil {\nreturn fn(%s)\n}\n", strings.Join(append([]string{"t"}, argNames...), ", "))
		w("f, _ := ch.Frame().(*%s[%s])\n", name, tlist)
		w("if f == nil {\nf = new(%s[%s])\nf.call.Bind(f, %d, %d)\n}\n", name, tlist, a, r)
		w("f.fn, f.t")
		for _, n := range argNames {
			w(", f.%s", n)
		}
		w(" = fn, t")
		for _, n := range argNames {
			w(", %s", n)
		}
		w("\nerr := ch.Run(&f.call)\n")
		if r > 0 {
			w("%s := %s\n", strings.Join(zeroRes, ", "), strings.Join(results, ", "))
		}
		// zero the typed fields one by one: assigning a whole zero frame costs
		// a bulk copy with write barriers, most of an advised call
		lhs, rhs := []string{"f.fn", "f.t"}, []string{"nil", "*new(T)"}
		for i := 0; i < a; i++ {
			lhs, rhs = append(lhs, fmt.Sprintf("f.a%d", i)), append(rhs, fmt.Sprintf("*new(A%d)", i))
		}
		for i := 0; i < r; i++ {
			lhs, rhs = append(lhs, fmt.Sprintf("f.r%d", i)), append(rhs, fmt.Sprintf("*new(R%d)", i))
		}
		w("%s = %s\nch.Recycle(&f.call)\n", strings.Join(lhs, ", "), strings.Join(rhs, ", "))
		w("return %s\n", strings.Join(append(zeroRes, "err"), ", "))
	}
	w("func %s[%s any](ch *%sChain, fn %s, t T%s) %s {\n", run, tlist, q, fnType, prefixEach(", ", params), ret)
	runBody()
	w("}\n\n")

	first := "nil"
	if a > 0 {
		first = "a0"
	}
	w("// %s is the advised path of a proxy method: it finds the target of\n// p (per call for a context proto) and runs %s with the chain of\n// method i.\n", call, run)
	w("func %s[%s any](p *%sProxy[T], i int, fn %s%s) %s {\n", call, tlist, q, fnType, prefixEach(", ", params), ret)
	w("t := p.Fixed\nif p.Resolver != nil {\no, err := p.Resolver.Target(%s)\nif err != nil {\n", first)
	for i := 0; i < r; i++ {
		w("var r%d R%d\n", i, i)
	}
	w("return %s\n}\nt = o.(T)\n}\n", strings.Join(append(zeroRes, "err"), ", "))
	// the run is written out again rather than called: one call less on
	// every advised call of a proxy
	w("ch := p.Chains[i]\n")
	runBody()
	w("}\n")
	return b.String()
}

func resultList(types []string) string {
	if len(types) == 0 {
		return "error"
	}
	return "(" + strings.Join(append(append([]string(nil), types...), "error"), ", ") + ")"
}

// prefixEach joins s with sep before each element.
func prefixEach(sep string, s []string) string {
	if len(s) == 0 {
		return ""
	}
	return sep + strings.Join(s, sep)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
