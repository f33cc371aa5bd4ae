package container_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/teggo/teggo/container"
)

// journal records lifecycle events in order, safely across goroutines.
type journal struct {
	mu     sync.Mutex
	events []string
}

func (j *journal) add(e string) {
	j.mu.Lock()
	j.events = append(j.events, e)
	j.mu.Unlock()
}

func (j *journal) list() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.events...)
}

type journalKey struct{}

func withJournal(ctx context.Context, j *journal) context.Context {
	return context.WithValue(ctx, journalKey{}, j)
}

func logTo(ctx context.Context, e string) {
	if j, ok := ctx.Value(journalKey{}).(*journal); ok {
		j.add(e)
	}
}

// build registers items in a new container and builds it.
func build(t *testing.T, items ...any) *container.Container {
	t.Helper()
	c := container.New()
	c.Register(items...)
	if err := c.Build(context.Background()); err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	return c
}

// buildErr registers items and returns the Build error, failing when there
// is none.
func buildErr(t *testing.T, items ...any) error {
	t.Helper()
	c := container.New()
	c.Register(items...)
	err := c.Build(context.Background())
	if err == nil {
		t.Fatal("Build succeeded, want an error")
	}
	return err
}

// wantCode checks err's code, its errors.Is sentinel, and that its message
// holds every fragment.
func wantCode(t *testing.T, err error, code container.Code, fragments ...string) {
	t.Helper()
	if !errors.Is(err, code) {
		t.Fatalf("error %v: want code %s", err, code)
	}
	var e *container.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is no *container.Error", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, string(code)) {
		t.Errorf("message %q lacks the code %s", msg, code)
	}
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("message %q lacks %q", msg, f)
		}
	}
}

func reflectTypeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func errorsIs(err error, target container.Code) bool { return errors.Is(err, target) }
