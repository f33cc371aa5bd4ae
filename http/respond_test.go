package http

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAtMost reads like b.ReadFrom(io.LimitReader(r, max)), whatever the
// reader's chunking, and reports the reader's errors.
func TestReadAtMost(t *testing.T) {
	body := strings.Repeat("0123456789", 300) // 3,000 bytes: several reads
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"halves":   iotest.HalfReader,
		"data+EOF": iotest.DataErrReader,
	}
	for name, wrap := range readers {
		for _, max := range []int64{1, 511, 512, 513, 2999, 3000, 3001, 1 << 20} {
			var b bytes.Buffer
			b.WriteString("stale") // readJSONBody resets; readAtMost appends
			b.Reset()
			n, err := readAtMost(&b, wrap(strings.NewReader(body)), max)
			want := body[:min(max, int64(len(body)))]
			if err != nil || n != int64(len(want)) || b.String() != want {
				t.Errorf("%s, max %d: n %d, err %v, %d bytes", name, max, n, err, b.Len())
			}
			ref := new(bytes.Buffer)
			if rn, _ := ref.ReadFrom(io.LimitReader(strings.NewReader(body), max)); rn != n {
				t.Errorf("%s, max %d: %d, LimitReader gives %d", name, max, n, rn)
			}
		}
	}
	failing := errors.New("connection reset")
	var b bytes.Buffer
	n, err := readAtMost(&b, io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(failing)), 100)
	if !errors.Is(err, failing) || n != 3 || b.String() != "abc" {
		t.Errorf("failing reader: n %d, err %v, %q", n, err, b.String())
	}
}
