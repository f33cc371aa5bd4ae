// Package collide declares names that the generated imports would take.
package collide

import (
	"context"
	"math/rand"
	randv2 "math/rand/v2"

	"github.com/teggo/teggo/proto"
)

var (
	reflect = 1
	aop     = "x"
)

// Dice uses two packages named rand.
type Dice struct {
	proto.Singleton
	R  *rand.Rand   `inject:""`
	R2 *randv2.Rand `inject:""`
}

// Roll rolls.
func (d *Dice) Roll(ctx context.Context, r *rand.Rand, r2 *randv2.Rand, rand2 int) int {
	return reflect + len(aop)
}
