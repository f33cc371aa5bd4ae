// Package onlytests holds tests only: teggo gen has nothing to generate.
package onlytests

import "testing"

func TestNothing(t *testing.T) {}
