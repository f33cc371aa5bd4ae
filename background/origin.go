package background

import (
	"runtime"
	"strconv"
	"strings"
)

// ownFrames are the packages whose frames are skipped when looking for the
// caller of Run: this package (the helper and its generated proxy) and the
// advice runtime a proxied call may go through.
var ownFrames = []string{"github.com/teggo/teggo/background.", "github.com/teggo/teggo/weave."}

// callerOrigin returns "file:line" of the first frame outside ownFrames: the
// code that called Run, directly or through the proxy.
func callerOrigin() string {
	var pcs [16]uintptr
	n := runtime.Callers(3, pcs[:]) // skip runtime.Callers, callerOrigin, Run
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !own(f.Function) {
			return f.File + ":" + strconv.Itoa(f.Line)
		}
		if !more {
			return "unknown"
		}
	}
}

func own(fn string) bool {
	for _, p := range ownFrames {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}
