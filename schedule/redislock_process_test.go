package schedule_test

import (
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

	"github.com/teggo/teggo/internal/redistest"
)

// processTicks is how many consecutive ticks the cross-process test checks.
const processTicks = 20

// Three OS processes of one app (schedule/internal/lockapp) share a Redis
// and a worker job that runs every second: each tick runs exactly once,
// in one of them.
func TestRedisLockerAcrossProcesses(t *testing.T) {
	srv := redistest.Start(t)
	rc := redisClient(t, srv)
	bin := filepath.Join(t.TempDir(), "lockapp")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "./internal/lockapp")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./internal/lockapp: %v\n%s", err, out)
	}

	const list = "lockapp:runs"
	var procs []*exec.Cmd
	var stderr []*strings.Builder
	for range 3 {
		cmd := exec.Command(bin, "-redis", srv.Addr(), "-list", list)
		var errs strings.Builder
		cmd.Stdout, cmd.Stderr = &errs, &errs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs, stderr = append(procs, cmd), append(stderr, &errs)
	}
	stopped := false
	stopAll := func() {
		if stopped {
			return
		}
		stopped = true
		for _, p := range procs {
			_ = p.Process.Signal(syscall.SIGTERM)
		}
		for i, p := range procs {
			done := make(chan error, 1)
			go func() { done <- p.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("process %d: %v\n%s", p.Process.Pid, err, stderr[i])
				}
			case <-time.After(wait):
				_ = p.Process.Kill()
				<-done
				t.Errorf("process %d did not stop on SIGTERM", p.Process.Pid)
			}
		}
	}
	t.Cleanup(stopAll)

	entries := func() []string {
		v, err := rc.LRange(t.Context(), list, 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ready := map[string]bool{}
	waitFor(t, "3 processes ready", func() bool {
		for _, e := range entries() {
			if pid, ok := strings.CutPrefix(e, "ready "); ok {
				ready[pid] = true
			}
		}
		return len(ready) == 3
	})
	// The first tick counted is the first one after all three started.
	first := time.Now().Truncate(time.Second).Add(time.Second).Unix()
	last := first + processTicks - 1
	runs := map[int64][]string{} // tick → the pids that ran it
	waitWithin(t, wait+processTicks*time.Second, fmt.Sprintf("ticks %d..%d run (and the one after)", first, last), func() bool {
		for _, e := range entries() {
			if pid, tick, ok := strings.Cut(e, " "); ok && pid != "ready" {
				if n, _ := strconv.ParseInt(tick, 10, 64); n > last {
					return true
				}
			}
		}
		return false
	})
	stopAll()

	byPid := map[string]int{}
	for _, e := range entries() {
		pid, tick, _ := strings.Cut(e, " ")
		if pid == "ready" {
			continue
		}
		if !ready[pid] {
			t.Fatalf("entry %q from an unknown process", e)
		}
		n, err := strconv.ParseInt(tick, 10, 64)
		if err != nil {
			t.Fatalf("entry %q: %v", e, err)
		}
		runs[n] = append(runs[n], pid)
		if n >= first && n <= last {
			byPid[pid]++
		}
	}
	for tick := first; tick <= last; tick++ {
		if got := runs[tick]; len(got) != 1 {
			t.Errorf("tick %d ran %d times (processes %v), want once", tick, len(got), got)
		}
	}
	for tick, pids := range runs {
		if len(pids) > 1 {
			t.Errorf("tick %d ran in %v", tick, pids)
		}
	}
	pids := make([]string, 0, len(byPid))
	for pid, n := range byPid {
		pids = append(pids, fmt.Sprintf("%s:%d", pid, n))
	}
	sort.Strings(pids)
	t.Logf("%d ticks, runs per process: %v", processTicks, pids)
}
