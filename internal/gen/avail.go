package gen

import (
	"go/types"
	"slices"

	"golang.org/x/tools/go/packages"
)

// availability knows which packages of the module exist at generation
// time, so that a directive whose runtime package is not written yet fails
// at generation with a clear message instead of emitting code that does
// not compile.
type availability struct {
	cfg     Config
	known   map[string]*types.Package // nil: looked up and absent
	reasons map[string]string         // why an absent package could not be loaded, in go's words
}

// newAvailability starts from everything the loaded packages import.
func newAvailability(cfg Config, ls []*loaded) *availability {
	a := &availability{cfg: cfg, known: map[string]*types.Package{}, reasons: map[string]string{}}
	var walk func(p *types.Package)
	walk = func(p *types.Package) {
		if _, seen := a.known[p.Path()]; seen || !p.Complete() {
			// A package known only through another's export data is
			// incomplete: its scope lacks what that package did not use,
			// so it is looked up on its own (load).
			return
		}
		a.known[p.Path()] = p
		for _, q := range p.Imports() {
			walk(q)
		}
	}
	for _, l := range ls {
		walk(l.pkg.Types)
	}
	return a
}

// load looks up the paths not known yet, in one go/packages call.
func (a *availability) load(paths []string) error {
	var missing []string
	for _, p := range paths {
		if _, ok := a.known[p]; !ok && !slices.Contains(missing, p) {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	for _, p := range missing {
		a.known[p] = nil
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: a.cfg.Dir, Env: a.cfg.Env}, missing...)
	if err != nil {
		return err
	}
	for _, p := range pkgs {
		if len(p.Errors) == 0 && p.Types != nil {
			a.known[p.PkgPath] = p.Types
		} else if len(p.Errors) > 0 {
			a.reasons[p.PkgPath] = p.Errors[0].Msg
		}
	}
	return nil
}

// reason is why package path could not be loaded, "" when unknown.
func (a *availability) reason(path string) string { return a.reasons[path] }

// lookup reports whether package path exists and declares symbol.
func (a *availability) lookup(path, symbol string) (pkg, sym bool) {
	if ok, forced := a.cfg.available[path]; forced {
		return ok, ok
	}
	p := a.known[path]
	if p == nil {
		return false, false
	}
	return true, symbol == "" || p.Scope().Lookup(symbol) != nil
}
