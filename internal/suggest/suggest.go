// Package suggest finds the likely intended word for a misspelt one, for
// "did you mean" hints in teggo's error messages.
package suggest

import (
	"fmt"
	"strings"
)

// Nearest returns the candidate closest to want (case-insensitive edit
// distance), when it is close enough to be a likely typo: at most two edits,
// or a third of want's length for long words. An exact match is skipped.
func Nearest(want string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		if c == want {
			continue
		}
		d := Distance(strings.ToLower(want), strings.ToLower(c))
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(2, len(want)/3) {
		return "", false
	}
	return best, true
}

// DidYouMean returns `did you mean "x"?` for the nearest candidate, or "".
func DidYouMean(want string, candidates []string) string {
	if n, ok := Nearest(want, candidates); ok {
		return fmt.Sprintf("did you mean %q?", n)
	}
	return ""
}

// Distance is the Levenshtein distance of a and b, in runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
