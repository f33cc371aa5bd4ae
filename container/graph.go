package container

import (
	"fmt"
	"slices"
	"strings"

	"github.com/teggo/teggo/proto"
)

// Graph returns a DOT picture of the container after Build: protos as boxes
// labelled with name, scope and access (context protos dashed, always-new
// dotted), constructors as ellipses, and an edge per injection labelled with
// the field. `teggo graph` writes it; `dot -Tsvg` draws it.
func Graph(c *Container) string {
	var b strings.Builder
	b.WriteString("digraph teggo {\n\trankdir=LR;\n\tnode [fontname=\"Helvetica\" fontsize=11];\n\tedge [fontname=\"Helvetica\" fontsize=9];\n")
	for _, p := range c.protos {
		style := "solid"
		switch p.init {
		case proto.InitContext:
			style = "dashed"
		case proto.InitAlwaysNew:
			style = "dotted"
		}
		fmt.Fprintf(&b, "\t%q [shape=box style=%s label=%q];\n", nodeID(p), style,
			fmt.Sprintf("%s\n%s\n%s, %s", p.typ, p.name, p.init, p.access))
	}
	var keys []string
	seen := map[string]bool{}
	for _, p := range c.protos {
		for _, f := range p.fields {
			if f.kind == depDig && !seen[f.dig.String()] {
				seen[f.dig.String()] = true
				keys = append(keys, f.dig.String())
			}
		}
	}
	for _, ci := range c.ctors {
		for _, k := range ci.outs {
			if !seen[k.String()] {
				seen[k.String()] = true
				keys = append(keys, k.String())
			}
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\t%q [shape=ellipse label=%q];\n", "dig:"+k, k+"\n(constructor)")
	}
	for _, p := range c.protos {
		for _, f := range p.fields {
			switch f.kind {
			case depProto:
				attr := ""
				if f.target.init == proto.InitContext && p.init != proto.InitContext {
					attr = " style=dashed" // through the resolving proxy
				}
				fmt.Fprintf(&b, "\t%q -> %q [label=%q%s];\n", nodeID(p), nodeID(f.target), f.Name, attr)
			case depDig:
				fmt.Fprintf(&b, "\t%q -> %q [label=%q];\n", nodeID(p), "dig:"+f.dig.String(), f.Name)
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func nodeID(p *protoDef) string { return fmt.Sprintf("%s#%s#%s", p.typ, p.name, p.quals) }
