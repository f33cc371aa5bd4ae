package schedule_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/internal/redistest"
)

// processTicks is how many consecutive ticks the cross-process test checks.
const processTicks = 20

// lockappList is the Redis list the lockapp processes append their runs to.
const lockappList = "lockapp:runs"

// lockapp builds schedule/internal/lockapp for t (the go command caches
// the build, so a second test links it again only).
func lockapp(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lockapp")
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "./internal/lockapp").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./internal/lockapp: %v\n%s", err, out)
	}
	return bin
}

// lockapps is n running lockapp processes sharing one Redis.
type lockapps struct {
	t       *testing.T
	rc      *redis.Client
	procs   []*exec.Cmd
	out     []*strings.Builder
	ready   map[string]bool // pids that started
	stopped bool
}

// startLockapps starts n lockapp processes on srv and waits until each is ready.
func startLockapps(t *testing.T, srv *redistest.Server, n int) *lockapps {
	bin := lockapp(t)
	la := &lockapps{t: t, rc: redisClient(t, srv), ready: map[string]bool{}}
	for range n {
		cmd := exec.Command(bin, "-redis", srv.Addr(), "-list", lockappList)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		la.procs, la.out = append(la.procs, cmd), append(la.out, &out)
	}
	t.Cleanup(la.stop)
	waitFor(t, fmt.Sprintf("%d processes ready", n), func() bool {
		for _, e := range la.entries() {
			if pid, ok := strings.CutPrefix(e, "ready "); ok {
				la.ready[pid] = true
			}
		}
		return len(la.ready) == n
	})
	return la
}

// stop sends SIGTERM to every process and waits for each to exit cleanly.
func (la *lockapps) stop() {
	if la.stopped {
		return
	}
	la.stopped = true
	for _, p := range la.procs {
		_ = p.Process.Signal(syscall.SIGTERM)
	}
	for i, p := range la.procs {
		done := make(chan error, 1)
		go func() { done <- p.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				la.t.Errorf("process %d: %v\n%s", p.Process.Pid, err, la.out[i])
			}
		case <-time.After(wait):
			_ = p.Process.Kill()
			<-done
			la.t.Errorf("process %d did not stop on SIGTERM", p.Process.Pid)
		}
	}
}

// entries is the list as it is now ("ready <pid>" and "<pid> <tick>"); a
// Redis that is down reads as nothing new.
func (la *lockapps) entries() []string {
	v, _ := la.rc.LRange(context.Background(), lockappList, 0, -1).Result()
	return v
}

// runs maps each tick to the pids that ran it.
func (la *lockapps) runs() map[int64][]string {
	runs := map[int64][]string{}
	for _, e := range la.entries() {
		pid, tick, _ := strings.Cut(e, " ")
		if pid == "ready" {
			continue
		}
		if !la.ready[pid] {
			la.t.Fatalf("entry %q from an unknown process", e)
		}
		n, err := strconv.ParseInt(tick, 10, 64)
		if err != nil {
			la.t.Fatalf("entry %q: %v", e, err)
		}
		runs[n] = append(runs[n], pid)
	}
	return runs
}

// waitPast waits until a run of a tick after last is recorded.
func (la *lockapps) waitPast(last int64, within time.Duration) {
	la.t.Helper()
	waitWithin(la.t, within, fmt.Sprintf("a tick after %d run", last), func() bool {
		for tick := range la.runs() {
			if tick > last {
				return true
			}
		}
		return false
	})
}

// checkOnce fails for each tick in first..last that did not run exactly
// once, and for any tick that ran twice.
func (la *lockapps) checkOnce(runs map[int64][]string, first, last int64) {
	la.t.Helper()
	for tick := first; tick <= last; tick++ {
		if got := runs[tick]; len(got) != 1 {
			la.t.Errorf("tick %d ran %d times (processes %v), want once", tick, len(got), got)
		}
	}
	for tick, pids := range runs {
		if len(pids) > 1 {
			la.t.Errorf("tick %d ran in %v", tick, pids)
		}
	}
}

// nextTick is the first whole second after now.
func nextTick() int64 { return time.Now().Truncate(time.Second).Add(time.Second).Unix() }

// Three OS processes of one app (schedule/internal/lockapp) share a Redis
// and a worker job that runs every second: each tick runs exactly once,
// in one of them.
func TestRedisLockerAcrossProcesses(t *testing.T) {
	srv := redistest.Start(t)
	la := startLockapps(t, srv, 3)
	first := nextTick() // the first tick after all three started
	last := first + processTicks - 1
	la.waitPast(last, wait+processTicks*time.Second)
	la.stop()

	runs := la.runs()
	la.checkOnce(runs, first, last)
	byPid := map[string]int{}
	for tick, pids := range runs {
		if tick >= first && tick <= last {
			for _, pid := range pids {
				byPid[pid]++
			}
		}
	}
	pids := make([]string, 0, len(byPid))
	for pid, n := range byPid {
		pids = append(pids, fmt.Sprintf("%s:%d", pid, n))
	}
	sort.Strings(pids)
	t.Logf("%d ticks, runs per process: %v", processTicks, pids)
}

// Redis shuts down (saving its data, as a Redis with persistence does)
// and restarts under three processes: while it is down the ticks are
// skipped, each process warning once, never run twice; once it is back,
// every tick runs exactly once again.
func TestRedisLockerAcrossProcessesResumesAfterRestart(t *testing.T) {
	srv := redistest.Start(t)
	la := startLockapps(t, srv, 3)
	first := nextTick()
	la.waitPast(first+2, wait+3*time.Second)
	before := la.runs()
	_ = la.rc.ShutdownSave(context.Background()).Err() // the connection closes: no reply
	down := time.Now().Unix()
	time.Sleep(2500 * time.Millisecond) // ticks pass while it is down; nothing depends on the exact count
	srv.Restart()
	back := nextTick() + 1 // a tick whose lock is taken after the restart
	la.waitPast(back+4, wait+6*time.Second)
	la.stop()

	runs := la.runs()
	for tick := range before {
		if tick >= first && len(runs[tick]) != len(before[tick]) {
			t.Errorf("tick %d: %v before the restart, %v after", tick, before[tick], runs[tick])
		}
	}
	la.checkOnce(runs, first, first+2)
	la.checkOnce(runs, back, back+4)
	skipped := 0
	for tick := down + 1; tick < back-1; tick++ {
		if len(runs[tick]) == 0 {
			skipped++
		}
	}
	if skipped == 0 {
		t.Errorf("no tick between %d and %d was skipped while Redis was down: %v", down, back, runs)
	}
	for i, out := range la.out {
		if n := strings.Count(out.String(), "redis locker unavailable"); n != 1 {
			t.Errorf("process %d warned %d times of the outage, want once:\n%s", i, n, out)
		}
	}
	t.Logf("Redis down from %d to about %d: %d ticks skipped, every tick before and after ran once", down, back, skipped)
}
