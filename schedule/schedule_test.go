package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo/schedule"
)

func TestCronWithSeconds(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Tick),
		schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeAll, Cron: "*/2 * * * * *"}))
	e.start(t, 1)
	for i := 1; i <= 3; i++ {
		e.tick(t, time.Second, 1) // odd second: nothing
		e.tick(t, time.Second, 1)
		e.waitRuns(t, "Tick", i)
	}
	e.stop(t)
	if n := e.probe.count("Tick"); n != 3 {
		t.Errorf("ran %d times in 6s, want 3", n)
	}
}

func TestFiveFieldCron(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Tick),
		schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeAll, Cron: "*/5 * * * *"}))
	e.start(t, 1)
	e.tick(t, 4*time.Minute+59*time.Second, 1)
	e.tick(t, time.Second, 1)
	e.waitRuns(t, "Tick", 1)
	e.tick(t, 5*time.Minute, 1)
	e.waitRuns(t, "Tick", 2)
	e.stop(t)
	if n := e.probe.count("Tick"); n != 2 {
		t.Errorf("ran %d times in 10 minutes, want 2", n)
	}
}

func TestCronMacros(t *testing.T) {
	for _, tc := range []struct {
		cron  string
		first time.Duration
	}{
		{"@hourly", time.Hour},
		{"@daily", 24 * time.Hour},
		{"@weekly", 6 * 24 * time.Hour}, // 2024-01-01 is a Monday: next Sunday midnight
		{"@monthly", 31 * 24 * time.Hour},
		{"@yearly", 366 * 24 * time.Hour},
	} {
		t.Run(tc.cron, func(t *testing.T) {
			e := newEnv(t, nil, nil, nil, new(Tick),
				schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeAll, Cron: tc.cron}))
			e.start(t, 1)
			e.tick(t, tc.first-time.Second, 1)
			e.tick(t, time.Second, 1)
			e.waitRuns(t, "Tick", 1)
			e.stop(t)
			if n := e.probe.count("Tick"); n != 1 {
				t.Errorf("ran %d times, want 1", n)
			}
		})
	}
}

func TestCronTimeZone(t *testing.T) {
	// 03:00 in Shanghai (UTC+8) is 19:00 UTC; the clock starts at 00:00 UTC.
	for name, spec := range map[string]schedule.Spec{
		"field":  {Type: schedule.TypeAll, Cron: "0 0 3 * * *", TimeZone: "Asia/Shanghai"},
		"prefix": {Type: schedule.TypeAll, Cron: "CRON_TZ=Asia/Shanghai 0 0 3 * * *"},
		"tz":     {Type: schedule.TypeAll, Cron: "TZ=Asia/Shanghai 0 3 * * *"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil, nil, nil, new(Tick), schedule.Job[*Tick](spec))
			e.start(t, 1)
			e.tick(t, 19*time.Hour-time.Second, 1)
			e.tick(t, time.Second, 1)
			e.waitRuns(t, "Tick", 1)
			e.stop(t)
		})
	}
}

func TestInterval(t *testing.T) {
	for _, tc := range []struct {
		interval string
		every    time.Duration
	}{
		{"1m30s", 90 * time.Second},
		{"500ms", 500 * time.Millisecond},
		{"3h", 3 * time.Hour},
		{"60000", time.Minute},
		{"1d", 24 * time.Hour},
		{"@every 2m", 2 * time.Minute}, // robfig/cron's @every, as a cron
	} {
		t.Run(tc.interval, func(t *testing.T) {
			spec := schedule.Spec{Type: schedule.TypeWorker, Interval: tc.interval}
			if strings.HasPrefix(tc.interval, "@") {
				spec = schedule.Spec{Type: schedule.TypeWorker, Cron: tc.interval}
			}
			e := newEnv(t, nil, nil, nil, new(Tick), schedule.Job[*Tick](spec))
			e.start(t, 1)
			e.tick(t, tc.every-time.Millisecond, 1)
			e.tick(t, 2*time.Millisecond, 1)
			e.waitRuns(t, "Tick", 1)
			e.tick(t, tc.every, 1)
			e.waitRuns(t, "Tick", 2)
			e.stop(t)
			if n := e.probe.count("Tick"); n != 2 {
				t.Errorf("ran %d times, want 2", n)
			}
		})
	}
}

func TestImmediate(t *testing.T) {
	t.Run("alone", func(t *testing.T) {
		e := newEnv(t, nil, nil, nil, new(Tick),
			schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeWorker, Immediate: true}))
		must(t, e.s.Start(t.Context()))
		e.waitRuns(t, "Tick", 1)
		e.log.waitN(t, 1, "[Job#1] Tick execute succeed, used 0ms")
		e.stop(t)
	})
	t.Run("then interval", func(t *testing.T) {
		e := newEnv(t, nil, nil, nil, new(Tick),
			schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeAll, Interval: "1m", Immediate: true}))
		must(t, e.s.Start(t.Context()))
		e.waitRuns(t, "Tick", 1)
		e.armed(t, 1)
		e.tick(t, time.Minute+time.Millisecond, 1)
		e.waitRuns(t, "Tick", 2)
		e.stop(t)
		if n := e.probe.count("Tick"); n != 2 {
			t.Errorf("ran %d times, want 2", n)
		}
	})
}

func TestDisable(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Tick), new(Tock),
		schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *", Disable: true}),
		schedule.Job[*Tock](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	e.start(t, 1) // one timer: Tock's
	for i := 1; i <= 3; i++ {
		e.tick(t, time.Second, 1)
		e.waitRuns(t, "Tock", i)
	}
	e.stop(t)
	if n := e.probe.count("Tick"); n != 0 {
		t.Errorf("disabled job ran %d times", n)
	}
}

func TestDynamicSpec(t *testing.T) {
	// The decl says 3 a.m.; Schedule says every second here and disables
	// OtherHost.
	e := newEnv(t, nil, nil, nil, new(Config), new(Sync), new(OtherHost),
		schedule.Job[*Sync](schedule.Spec{Type: schedule.TypeWorker, Cron: "0 0 3 * * *"}),
		schedule.Job[*OtherHost](schedule.Spec{Type: schedule.TypeWorker, Cron: "0 0 3 * * *"}))
	jobs := e.s.Jobs()
	if jobs[0].Spec.Interval != "1s" || jobs[0].Spec.Disable || !jobs[1].Spec.Disable {
		t.Fatalf("specs in force: %+v", jobs)
	}
	e.start(t, 1)
	e.tick(t, time.Second, 1)
	e.waitRuns(t, "Sync", 1)
	e.tick(t, time.Second, 1)
	e.waitRuns(t, "Sync", 2)
	e.stop(t)
	if n := e.probe.count("OtherHost"); n != 0 {
		t.Errorf("OtherHost ran %d times", n)
	}
}

func TestOverlapSkipped(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Blocking),
		schedule.Job[*Blocking](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	e.start(t, 1)
	e.tick(t, time.Second, 1)
	<-e.gate.started // run 1 is running
	e.tick(t, time.Second, 1)
	e.log.waitN(t, 1, "[Job] Blocking tick skipped: the previous run is still running")
	e.gate.release <- struct{}{}
	e.log.waitN(t, 1, "[Job#1] Blocking execute succeed")
	e.tick(t, time.Second, 1)
	<-e.gate.started
	e.gate.release <- struct{}{}
	e.waitRuns(t, "Blocking", 2)
	e.stop(t)
	if n := e.probe.count("Blocking"); n != 2 {
		t.Errorf("ran %d times in 3 ticks with one skipped, want 2", n)
	}
}

func TestOverlapWait(t *testing.T) {
	for name, tc := range map[string]struct {
		spec schedule.Overlap
		opts []schedule.Option
	}{
		"spec":   {spec: schedule.OverlapWait},
		"option": {opts: []schedule.Option{schedule.WithOverlap(schedule.OverlapWait)}},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil, nil, tc.opts, new(Blocking),
				schedule.Job[*Blocking](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *", Overlap: tc.spec}))
			e.start(t, 1)
			e.tick(t, time.Second, 1)
			<-e.gate.started
			e.tick(t, time.Second, 1) // queued behind run 1
			e.gate.release <- struct{}{}
			<-e.gate.started // run 2 starts with no further tick
			e.gate.release <- struct{}{}
			e.waitRuns(t, "Blocking", 2)
			e.stop(t)
			if e.log.count("tick skipped") != 0 {
				t.Errorf("a tick was skipped:\n%s", e.log)
			}
		})
	}
}
