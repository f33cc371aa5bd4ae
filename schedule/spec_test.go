package schedule_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
)

// newErr builds a container of items and returns schedule.New's error.
func newErr(t *testing.T, items ...any) error {
	t.Helper()
	c := container.New()
	must(t, c.Supply(newProbe(), newGate()))
	c.Register(items...)
	must(t, c.Build(context.Background()))
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	s, err := schedule.New(c)
	if err == nil {
		_ = s.Stop(context.Background())
		t.Fatal("schedule.New succeeded")
	}
	return err
}

func TestSpecValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec schedule.Spec
		code error
		want []string
	}{
		{"bad cron", schedule.Spec{Type: "worker", Cron: "0 0 25 * * *"}, schedule.CodeBadSpec, []string{`bad cron "0 0 25 * * *"`, "above maximum (23)"}},
		{"cron field count", schedule.Spec{Type: "worker", Cron: "0 0 3 * * * *"}, schedule.CodeBadSpec, []string{"found 7"}},
		{"cron never fires", schedule.Spec{Type: "all", Cron: "0 0 30 2 *"}, schedule.CodeBadSpec, []string{"never fires"}},
		{"@every", schedule.Spec{Type: "all", Cron: "@every soon"}, schedule.CodeBadSpec, []string{"@every wants a positive Go duration"}},
		{"no timing", schedule.Spec{Type: "worker"}, schedule.CodeBadSpec, []string{"neither cron nor interval nor immediate"}},
		{"both", schedule.Spec{Type: "worker", Cron: "* * * * *", Interval: "1h"}, schedule.CodeBadSpec, []string{"both cron", "give one"}},
		{"bad interval", schedule.Spec{Type: "all", Interval: "3 fortnights"}, schedule.CodeBadSpec, []string{`bad interval "3 fortnights"`}},
		{"zero interval", schedule.Spec{Type: "all", Interval: "0"}, schedule.CodeBadSpec, []string{"must be positive"}},
		{"no type", schedule.Spec{Cron: "* * * * *"}, schedule.CodeBadSpec, []string{"no type"}},
		{"unknown type", schedule.Spec{Type: "wroker", Cron: "* * * * *"}, schedule.CodeUnknownType, []string{`unknown type "wroker"`, `did you mean "worker"?`}},
		{"unknown time zone", schedule.Spec{Type: "all", Cron: "* * * * *", TimeZone: "Mars/Olympus"}, schedule.CodeBadSpec, []string{`unknown time zone "Mars/Olympus"`}},
		{"unknown CRON_TZ", schedule.Spec{Type: "all", Cron: "CRON_TZ=Mars/Olympus * * * * *"}, schedule.CodeBadSpec, []string{`unknown time zone "Mars/Olympus"`}},
		{"two zones", schedule.Spec{Type: "all", Cron: "CRON_TZ=Europe/Paris * * * * *", TimeZone: "Asia/Tokyo"}, schedule.CodeBadSpec, []string{"differs from TimeZone"}},
		{"bad overlap", schedule.Spec{Type: "all", Interval: "1s", Overlap: 9}, schedule.CodeBadSpec, []string{"overlap"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := newErr(t, new(Tick), schedule.Job[*Tick](tc.spec))
			if !errors.Is(err, tc.code) {
				t.Fatalf("err = %v, want %v", err, tc.code)
			}
			contains(t, err.Error(), append([]string{"job Tick: "}, tc.want...)...)
		})
	}
}

func TestValidationReportsEveryJob(t *testing.T) {
	err := newErr(t, new(Tick), new(Tock),
		schedule.Job[*Tick](schedule.Spec{Type: "worker", Cron: "nope"}),
		schedule.Job[*Tock](schedule.Spec{Type: "all", Interval: "soon"}))
	contains(t, err.Error(), "job Tick: bad cron", "job Tock: bad interval")
}

func TestValidSpecs(t *testing.T) {
	for _, spec := range []schedule.Spec{
		{Type: "worker", Cron: "0 0 3 * * *"},
		{Type: "worker", Cron: "0 3 * * *"},
		{Type: "worker", Cron: "0 0 0 * * 7"}, // Sunday, as egg allows
		{Type: "worker", Cron: "0 0 * * 5-7"},
		{Type: "all", Cron: "@daily"},
		{Type: "all", Cron: "@weekly", TimeZone: "Europe/Paris"},
		{Type: "all", Cron: "CRON_TZ=Europe/Paris @monthly", TimeZone: "Europe/Paris"},
		{Type: "all", Interval: "2 days"},
		{Type: "worker", Cron: "@every 1h30m"},
		{Type: "all", Interval: "1.5h"},
		{Type: "all", Immediate: true},
		{Disable: true},                    // a disabled job needs no type nor timing
		{Type: "elsewhere", Disable: true}, // nor a strategy present here
	} {
		c := container.New()
		must(t, c.Supply(newProbe()))
		c.Register(new(Tick), schedule.Job[*Tick](spec))
		must(t, c.Build(context.Background()))
		s, err := schedule.New(c)
		if err != nil {
			t.Errorf("%+v: %v", spec, err)
			continue
		}
		if got := s.Jobs(); len(got) != 1 || got[0].Name != "Tick" || got[0].Proto != "tick" || got[0].Spec != spec {
			t.Errorf("Jobs() = %+v", got)
		}
		_ = c.Stop(context.Background())
	}
}

func TestBadJobs(t *testing.T) {
	t.Run("no Subscribe", func(t *testing.T) {
		err := newErr(t, new(NoSubscribe), schedule.Job[*NoSubscribe](schedule.Spec{Type: "all", Interval: "1s"}))
		if !errors.Is(err, schedule.CodeBadJob) {
			t.Fatal(err)
		}
		contains(t, err.Error(), "job NoSubscribe", "no method Subscribe(ctx context.Context) error")
	})
	t.Run("not registered", func(t *testing.T) {
		err := newErr(t, schedule.Job[*Tick](schedule.Spec{Type: "all", Interval: "1s"}))
		if !errors.Is(err, schedule.CodeBadJob) || !errors.Is(err, container.CodeProtoNotFound) {
			t.Fatal(err)
		}
		contains(t, err.Error(), "job Tick: cannot resolve")
	})
	t.Run("declared twice", func(t *testing.T) {
		err := newErr(t, new(Tick),
			schedule.Job[*Tick](schedule.Spec{Type: "all", Interval: "1s"}),
			schedule.Job[*Tick](schedule.Spec{Type: "all", Interval: "2s"}))
		contains(t, err.Error(), "job Tick: declared twice")
	})
}

func TestBadStrategies(t *testing.T) {
	noop := schedule.StrategyFuncs{}
	err := newErr(t, schedule.Use("worker", noop), schedule.Use("", noop), schedule.Use("mq", nil),
		schedule.Use("q", noop), schedule.Use("q", noop))
	if !errors.Is(err, schedule.CodeBadStrategy) {
		t.Fatal(err)
	}
	contains(t, err.Error(), `strategy "worker": the name is a built-in type`, `strategy "": no name`,
		`strategy "mq": nil Strategy`, `strategy "q": declared twice`)
}

func TestNewNeedsABuiltContainer(t *testing.T) {
	_, err := schedule.New(container.New())
	if !errors.Is(err, schedule.CodeState) || !strings.Contains(err.Error(), "not built") {
		t.Fatal(err)
	}
}

func TestCheckSpec(t *testing.T) {
	for _, ok := range []schedule.Spec{
		{Type: "worker", Cron: "0 0 3 * * *"}, {Type: "all", Immediate: true}, {Type: "myqueue"}, {Type: "worker", Interval: "500ms"},
	} {
		if err := schedule.CheckSpec(ok); err != nil {
			t.Errorf("schedule.CheckSpec(%+v): %v", ok, err)
		}
	}
	for _, bad := range []schedule.Spec{
		{Type: "worker"}, {Type: "worker", Cron: "61 * * * *"}, {Type: "all", Cron: "@daily", Interval: "1s"}, {Type: "worker", Cron: "@daily", TimeZone: "Mars/Base"},
	} {
		if err := schedule.CheckSpec(bad); err == nil {
			t.Errorf("schedule.CheckSpec(%+v) accepted", bad)
		}
	}
}

type panicsInSchedule struct{ proto.Singleton }

func (*panicsInSchedule) Subscribe(context.Context) error { return nil }
func (*panicsInSchedule) Schedule() schedule.Spec         { panic("no config") }

func TestDynamicSpecPanicIsAnError(t *testing.T) {
	c := container.New()
	c.Register(new(panicsInSchedule), schedule.Job[*panicsInSchedule](schedule.Spec{}))
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := schedule.New(c)
	if err == nil || !strings.Contains(err.Error(), "panicked: no config") {
		t.Fatalf("got %v", err)
	}
}
