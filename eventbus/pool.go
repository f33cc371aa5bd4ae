package eventbus

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// DefaultQueue is the number of handler calls the bus holds waiting for a
// worker when Config and the eventbus.queue key set none.
const DefaultQueue = 1024

// DefaultWorkers returns the number of workers when Config and the
// eventbus.workers key set none: 4 × GOMAXPROCS, at least 64, since
// handlers mostly wait on I/O.
func DefaultWorkers() int { return max(4*runtime.GOMAXPROCS(0), 64) }

// pool runs handler calls on at most workers goroutines, started as
// demand grows and kept until close. Calls wait in a queue of fixed size;
// when it is full, submit blocks the emitter until a worker frees a slot
// or the emitter's ctx is done — backpressure instead of a goroutine per
// call, which under a slow handler grows without bound, or of dropping
// events. A call submitted from a worker (a handler emitting) that finds
// the queue full runs on that worker instead: were every worker blocked
// emitting into a full queue, nothing would drain it.
type pool struct {
	jobs    chan job
	quit    chan struct{}
	quitted sync.Once
	workers int32
	started atomic.Int32 // workers started
	idle    atomic.Int32 // workers waiting for a job
	wg      sync.WaitGroup
}

// job is handler i of an event.
type job struct {
	ev runner
	i  int
}

// runner is an event being processed, seen without its type.
type runner interface{ runHandler(i int) }

// workerKey marks the ctx of a handler run by the pool.
type workerKey struct{}

func newPool(workers, queue int) *pool {
	return &pool{jobs: make(chan job, queue), quit: make(chan struct{}), workers: int32(workers)}
}

// submit queues j, starting a worker when none is idle and the pool is not
// full. It returns false, without queuing j, when ctx is done or the pool
// is closed before room frees up.
func (p *pool) submit(ctx context.Context, j job) bool {
	if p.idle.Load() == 0 && p.grow(j) {
		return true
	}
	select {
	case p.jobs <- j:
		return true
	default:
	}
	if ctx.Value(workerKey{}) != nil { // a handler emitting: run it here rather than wait on ourselves
		j.ev.runHandler(j.i)
		return true
	}
	select {
	case p.jobs <- j:
		return true
	case <-ctx.Done():
		return false
	case <-p.quit:
		return false
	}
}

// grow starts a worker running j, unless the pool has all its workers.
func (p *pool) grow(j job) bool {
	for {
		n := p.started.Load()
		if n >= p.workers {
			return false
		}
		if p.started.CompareAndSwap(n, n+1) {
			p.wg.Add(1)
			go p.work(j)
			return true
		}
	}
}

func (p *pool) work(j job) {
	defer p.wg.Done()
	for {
		j.ev.runHandler(j.i)
		p.idle.Add(1)
		select {
		case j = <-p.jobs:
			p.idle.Add(-1)
		case <-p.quit:
			p.idle.Add(-1)
			return
		}
	}
}

// close lets the workers go once idle; busy ones leave after their call.
func (p *pool) close() { p.quitted.Do(func() { close(p.quit) }) }
