package redisstream_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/eventbus/redisstream"
	"github.com/teggo/teggo/internal/redistest"
)

// processEvents is how many events each cross-process test emits.
const processEvents = 10000

// handled is the hash busapp's consumers count their handlings in.
const handled = "busapp:handled"

var (
	busappOnce sync.Once
	busappDir  string
	busappBin  string
	busappErr  error
)

// busapp builds eventbus/internal/busapp once per test binary.
func busapp(t *testing.T) string {
	t.Helper()
	busappOnce.Do(func() {
		if busappDir, busappErr = os.MkdirTemp("", "busapp-bin"); busappErr != nil {
			return
		}
		busappBin = filepath.Join(busappDir, "busapp")
		out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", busappBin, "../internal/busapp").CombinedOutput()
		if err != nil {
			busappErr = &buildError{err: err, out: string(out)}
		}
	})
	if busappErr != nil {
		t.Fatalf("go build ../internal/busapp: %v", busappErr)
	}
	return busappBin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// proc is one busapp process.
type proc struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// run starts busapp with args; the process is stopped at the test's end.
func run(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(busapp(t), args...), out: &lockedBuffer{}, done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		p.done <- nil
	})
	return p
}

// wait waits for the process to exit and fails the test unless it exited 0.
func (p *proc) wait(t *testing.T, what string) {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Fatalf("%s: %v\n%s", what, err, p.out)
		}
	case <-time.After(wait):
		t.Fatalf("%s: still running after %s\n%s", what, wait, p.out)
	}
}

// term stops the process with SIGTERM (a graceful shutdown) and waits.
func (p *proc) term(t *testing.T, what string) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(t, what)
}

// consumers starts n consumers with args and waits until they are ready.
func consumers(t *testing.T, rec *redis.Client, n int, args ...string) []*proc {
	t.Helper()
	var ps []*proc
	for range n {
		ps = append(ps, run(t, append([]string{"-role", "consume"}, args...)...))
	}
	waitFor(t, strconv.Itoa(n)+" consumers ready", func() bool {
		return rec.LLen(context.Background(), "busapp:ready").Val() == int64(n)
	})
	return ps
}

// counts reads the handling counts: distinct events, and handlings in all.
func counts(t *testing.T, rec *redis.Client) (distinct, total int, all map[string]string) {
	t.Helper()
	all, err := rec.HGetAll(context.Background(), handled).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range all {
		n, _ := strconv.Atoi(v)
		total += n
	}
	return len(all), total, all
}

// checkAll fails the test unless every event 0..n-1 was handled, and
// returns the duplicate handlings.
func checkAll(t *testing.T, all map[string]string, n int) (dups int) {
	t.Helper()
	missing := 0
	for i := range n {
		c, _ := strconv.Atoi(all[strconv.Itoa(i)])
		if c == 0 {
			missing++
		}
		if c > 1 {
			dups += c - 1
		}
	}
	if missing > 0 || len(all) != n {
		t.Fatalf("%d of %d events never handled (%d distinct ids recorded)", missing, n, len(all))
	}
	return dups
}

// busPending is what the group left unacknowledged on the Ping stream.
func busPending(t *testing.T, bus *redis.Client) int64 {
	t.Helper()
	p, err := bus.XPending(context.Background(), redisstream.DefaultPrefix+"main.Ping", "busapp").Result()
	if err != nil {
		t.Fatal(err)
	}
	return p.Count
}

// One process emits 10,000 events; two other processes of the app handle
// them: each exactly once, nothing left pending.
func TestProcessEventsHandledOnceAcrossProcesses(t *testing.T) {
	srv := redistest.Start(t)
	rc := client(t, srv.Addr())
	cs := consumers(t, rc, 2, "-redis", srv.Addr())
	run(t, "-role", "emit", "-redis", srv.Addr(), "-n", strconv.Itoa(processEvents)).wait(t, "the emitter")
	waitFor(t, "every event handled", func() bool { d, _, _ := counts(t, rc); return d == processEvents })
	for i, c := range cs {
		c.term(t, "consumer "+strconv.Itoa(i))
	}
	_, total, all := counts(t, rc)
	if dups := checkAll(t, all, processEvents); dups != 0 || total != processEvents {
		t.Fatalf("%d handlings for %d events (%d duplicates), want each exactly once", total, processEvents, dups)
	}
	if p := busPending(t, rc); p != 0 {
		t.Fatalf("%d entries left pending", p)
	}
}

// A consumer is killed with SIGKILL while it handles: the entries it held
// are claimed by the other after ClaimIdle; none is lost, and the
// duplicates (handled by the killed one, never acknowledged) are counted.
func TestProcessKilledConsumersEventsAreReclaimed(t *testing.T) {
	srv := redistest.Start(t)
	rc := client(t, srv.Addr())
	args := []string{"-redis", srv.Addr(), "-delay", "2ms", "-workers", "8", "-claimIdle", "1s"}
	cs := consumers(t, rc, 2, args...)
	emitter := run(t, "-role", "emit", "-redis", srv.Addr(), "-n", strconv.Itoa(processEvents))
	waitFor(t, "a tenth of the events handled", func() bool { d, _, _ := counts(t, rc); return d >= processEvents/10 })
	if err := cs[0].cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	d, _, _ := counts(t, rc)
	sum, err := rc.XPending(context.Background(), redisstream.DefaultPrefix+"main.Ping", "busapp").Result()
	if err != nil {
		t.Fatal(err)
	}
	held := int64(0)
	for name, n := range sum.Consumers {
		if strings.Contains(name, fmt.Sprintf("-%d-", cs[0].cmd.Process.Pid)) {
			held = n
		}
	}
	if held == 0 {
		t.Fatalf("the killed consumer held no entry (pending by consumer: %v): nothing to reclaim", sum.Consumers)
	}
	t.Logf("consumer %d killed after %d events handled, holding %d entries", cs[0].cmd.Process.Pid, d, held)
	emitter.wait(t, "the emitter")
	waitFor(t, "every event handled", func() bool { d, _, _ := counts(t, rc); return d == processEvents })
	waitFor(t, "nothing pending", func() bool { return busPending(t, rc) == 0 })
	cs[1].term(t, "the surviving consumer")
	_, total, all := counts(t, rc)
	dups := checkAll(t, all, processEvents)
	t.Logf("%d events, %d handlings: %d duplicates (handled by the killed consumer, never acknowledged)", processEvents, total, dups)
}

// Redis shuts down (saving its data, as a Redis with persistence does) and
// restarts while events flow: publishing fails and resumes, the consumers
// reconnect, and no event is lost.
func TestProcessRedisRestartedMidway(t *testing.T) {
	srv := redistest.Start(t)
	record := redistest.Start(t) // the counts survive the restart
	bus, rec := client(t, srv.Addr()), client(t, record.Addr())
	args := []string{"-redis", srv.Addr(), "-record", record.Addr(), "-delay", "1ms", "-workers", "8"}
	cs := consumers(t, rec, 2, args...)
	emitter := run(t, "-role", "emit", "-redis", srv.Addr(), "-record", record.Addr(), "-n", strconv.Itoa(processEvents), "-pace", "2ms")
	waitFor(t, "a fifth of the events emitted", func() bool {
		n, _ := rec.Get(context.Background(), "busapp:emitted").Int()
		return n >= processEvents/5
	})
	_ = bus.ShutdownSave(context.Background()).Err() // the connection closes: no reply
	d, _, _ := counts(t, rec)
	t.Logf("redis shut down after %d events handled", d)
	time.Sleep(500 * time.Millisecond) // an outage the processes notice; nothing depends on its length
	srv.Restart()
	emitter.wait(t, "the emitter")
	waitFor(t, "every event handled", func() bool { d, _, _ := counts(t, rec); return d == processEvents })
	waitFor(t, "nothing pending", func() bool { return busPending(t, bus) == 0 })
	for i, c := range cs {
		c.term(t, "consumer "+strconv.Itoa(i))
	}
	_, total, all := counts(t, rec)
	dups := checkAll(t, all, processEvents)
	t.Logf("%d events, %d handlings, %d duplicates across the restart; the emitter saw %d refusals", processEvents, total, dups,
		strings.Count(emitter.out.String(), "eventbus: publish failed"))
	if !strings.Contains(emitter.out.String(), "eventbus: redis unavailable") {
		t.Errorf("the emitter never noticed the outage:\n%s", emitter.out)
	}
	for i, c := range cs {
		if n := strings.Count(c.out.String(), "eventbus: redis unavailable"); n > 1 {
			t.Errorf("consumer %d logged the outage %d times, want once:\n%s", i, n, c.out)
		}
	}
}
