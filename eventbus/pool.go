package eventbus

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// pool runs handler calls on reused goroutines: a call goes to an idle
// worker when one waits, else to a new goroutine, which stays on as a
// worker afterwards while fewer than maxIdle others are idle. Starting a
// goroutine per call would cost more than the call itself (§9 budget); a
// fixed pool would let slow handlers starve the others, so the pool grows
// with demand and shrinks back to maxIdle idle workers.
type pool struct {
	jobs    chan job // unbuffered: a send succeeds only into an idle worker
	quit    chan struct{}
	quitted sync.Once
	idle    atomic.Int32
	maxIdle int32
}

// job is handler i of an event.
type job struct {
	ev runner
	i  int
}

// runner is an event being processed, seen without its type.
type runner interface{ runHandler(i int) }

func newPool() *pool {
	return &pool{jobs: make(chan job), quit: make(chan struct{}), maxIdle: int32(4 * runtime.GOMAXPROCS(0))}
}

func (p *pool) submit(j job) {
	select {
	case p.jobs <- j:
	default:
		go p.work(j)
	}
}

func (p *pool) work(j job) {
	for {
		j.ev.runHandler(j.i)
		if p.idle.Add(1) > p.maxIdle {
			p.idle.Add(-1)
			return
		}
		select {
		case j = <-p.jobs:
			p.idle.Add(-1)
		case <-p.quit:
			p.idle.Add(-1)
			return
		}
	}
}

// close lets the idle workers go; busy ones leave after their call.
func (p *pool) close() { p.quitted.Do(func() { close(p.quit) }) }
