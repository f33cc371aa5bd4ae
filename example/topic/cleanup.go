package topic

import (
	"context"
	"log/slog"
	"time"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/proto"
)

// Cleanup prunes old audit rows every night at 03:00, once across all
// processes of the app (worker).
//
//teggo:schedule type=worker cron="0 0 3 * * *"
type Cleanup struct {
	proto.Singleton
	Repo *Repo          `inject:""`
	Cfg  *config.Config `inject:""`
	Log  *slog.Logger   `inject:"" optional:"true"`
}

// Subscribe runs one cleanup: rows older than the config's cleanup.keep
// (720h by default) go.
func (j *Cleanup) Subscribe(ctx context.Context) error {
	keep, err := time.ParseDuration(j.Cfg.String("cleanup.keep"))
	if err != nil || keep <= 0 {
		keep = 720 * time.Hour
	}
	n, err := j.Repo.PruneAudit(ctx, time.Now().Add(-keep))
	if err != nil {
		return err
	}
	if j.Log != nil {
		j.Log.InfoContext(ctx, "audit pruned", "rows", n, "keep", keep.String())
	}
	return nil
}
