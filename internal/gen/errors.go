package gen

import (
	"cmp"
	"fmt"
	edit "github.com/teggo/teggo/internal/suggest"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// Error is one problem found in the source, at a position.
type Error struct {
	// Pos is where the problem is; Filename is absolute when known.
	Pos token.Position
	// Msg says what is wrong, e.g. `teggo:pointcut: unknown key "ordr"
	// (did you mean "order"?)`.
	Msg string
}

// Error renders "file:line: msg", or just msg when the position is unknown.
func (e *Error) Error() string {
	switch {
	case e.Pos.Filename == "":
		return e.Msg
	case e.Pos.Line == 0:
		return e.Pos.Filename + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.Pos.Filename, e.Pos.Line, e.Msg)
}

// ErrorList is every problem Generate found, sorted by position.
type ErrorList []*Error

// Error renders one "file:line: msg" line per problem.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Relative returns a copy of l whose file names are relative to dir when
// they lie below it, as the go command prints them.
func (l ErrorList) Relative(dir string) ErrorList {
	out := make(ErrorList, len(l))
	for i, e := range l {
		c := *e
		if c.Pos.Filename != "" && filepath.IsAbs(c.Pos.Filename) {
			if rel, err := filepath.Rel(dir, c.Pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
				c.Pos.Filename = rel
			}
		}
		out[i] = &c
	}
	return out
}

func (l *ErrorList) add(pos token.Position, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// sorted sorts by file, line, column and message, and drops duplicates.
func (l ErrorList) sorted() ErrorList {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Msg, b.Msg))
	})
	return slices.CompactFunc(l, func(a, b *Error) bool {
		return a.Pos == b.Pos && a.Msg == b.Msg
	})
}

func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l.sorted()
}

// suggest returns the candidate closest to s when it is close enough to be
// a likely misspelling: equal but for case, or within a small edit
// distance.
func suggest(s string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		if strings.EqualFold(s, c) || (len(s) >= 3 && strings.HasPrefix(c, s)) {
			return c, true
		}
		d := edit.Distance(strings.ToLower(s), strings.ToLower(c))
		limit := max(1, min(len(s), len(c))/3)
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best, bestD >= 0
}

func didYouMean(s string, candidates []string) string {
	if c, ok := suggest(s, candidates); ok {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}
