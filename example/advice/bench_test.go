package advice_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/example/advice"
)

// BenchmarkLogAdvice measures what LogAdvice adds to a call of
// Ledger.Balance (a SQLite read, advised by nothing else): "none" has no
// LogAdvice, "disabled" a logger enabled at no level it uses, "enabled"
// a JSON handler writing to io.Discard. Compare allocs/op between them.
func BenchmarkLogAdvice(b *testing.B) {
	only := []any{aop.Crosscut(new(advice.LogAdvice), aop.ForRegexp("^Ledger$", "^Balance$"))}
	for _, bc := range []struct {
		name string
		o    appOpt
	}{
		{"none", appOpt{extra: []any{}}},
		{"disabled", appOpt{extra: only, level: slog.LevelError + 1}},
		{"enabled", appOpt{extra: only, logTo: io.Discard}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			a := newApp(b, bc.o)
			ctx, bk := a.scope(b)
			_ = bk.Accounts.Deposit(ctx, "alice", 1)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bk.Accounts.Balance(ctx, "alice"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
