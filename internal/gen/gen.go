package gen

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
)

// Config says what to generate for.
type Config struct {
	// Dir is the directory in which Patterns are resolved; "" is the
	// current directory.
	Dir string
	// Patterns are go/packages patterns; none means "./...".
	Patterns []string
	// Env is the environment of the go command; nil is os.Environ().
	Env []string

	// available, set by tests, forces the availability of the runtime
	// packages it lists, whatever the module holds.
	available map[string]bool
}

// File is one generated file.
type File struct {
	// Path is the absolute file name.
	Path string
	// Pkg is the package's import path.
	Pkg string
	// Content is the gofmt'd source; nil means the file is stale (its
	// package has no protos any more) and is to be removed.
	Content []byte
}

// Generate loads the packages of cfg and returns the zz_teggo.go of each
// one with protos, sorted by path. It writes nothing (see Write). When
// the source has problems the error is an ErrorList with every one of
// them, each at its file:line; no file is returned then.
func Generate(cfg Config) ([]File, error) {
	ls, err := load(cfg)
	if err != nil {
		return nil, err
	}
	var errs ErrorList
	models := make([]*Package, len(ls))
	for i, l := range ls {
		m, perrs := analyze(l)
		errs = append(errs, perrs...)
		models[i] = m
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	avail := newAvailability(cfg, ls)
	var need []string
	for _, m := range models {
		for _, d := range m.Decls {
			need = append(need, declEmitters[d.Directive().Name].pkg)
		}
	}
	if err := avail.load(need); err != nil {
		return nil, err
	}
	var files []File
	for i, m := range models {
		l := ls[i]
		if len(m.Protos) == 0 {
			if l.exists && l.ours {
				files = append(files, File{Path: l.genFile, Pkg: m.Path})
			}
			continue
		}
		src, ferrs := emitFile(m, avail)
		if len(ferrs) > 0 {
			errs = append(errs, ferrs...)
			continue
		}
		files = append(files, File{Path: l.genFile, Pkg: m.Path, Content: src})
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	slices.SortFunc(files, func(a, b File) int { return cmp.Compare(a.Path, b.Path) })
	return files, nil
}

// Write writes the files whose content changed, removes the stale ones,
// and returns the paths it touched.
func Write(files []File) ([]string, error) {
	var changed []string
	for _, f := range files {
		old, err := os.ReadFile(f.Path)
		exists := err == nil
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return changed, err
		}
		switch {
		case f.Content == nil && exists:
			if err := os.Remove(f.Path); err != nil {
				return changed, err
			}
		case f.Content == nil, exists && bytes.Equal(old, f.Content):
			continue
		default:
			if exists && !bytes.HasPrefix(old, []byte(Header)) {
				return changed, fmt.Errorf("%s: not written by teggo gen (no %q line): refusing to overwrite it", f.Path, Header)
			}
			if err := os.WriteFile(f.Path, f.Content, 0o644); err != nil {
				return changed, err
			}
		}
		changed = append(changed, f.Path)
	}
	return changed, nil
}

// Stale returns the paths of the files that Write would change.
func Stale(files []File) ([]string, error) {
	var out []string
	for _, f := range files {
		old, err := os.ReadFile(f.Path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			if f.Content != nil {
				out = append(out, f.Path)
			}
		case err != nil:
			return out, err
		case f.Content == nil || !bytes.Equal(old, f.Content):
			out = append(out, f.Path)
		}
	}
	return out, nil
}
