package redistest_test

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/teggo/teggo/internal/redistest"
)

func roundTrip(addr, cmd string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte(cmd)); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

func TestRedisStartStopRestart(t *testing.T) {
	s := redistest.Start(t)
	set := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
	if got, err := roundTrip(s.Addr(), set); err != nil || got != "+OK\r\n" {
		t.Fatalf("SET = %q, %v", got, err)
	}
	s.Stop()
	if _, err := roundTrip(s.Addr(), "*1\r\n$4\r\nPING\r\n"); err == nil {
		t.Fatal("a stopped server still answers")
	}
	s.Restart()
	// The restarted server is empty: persistence is off.
	if got, err := roundTrip(s.Addr(), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"); err != nil || got != "$-1\r\n" {
		t.Fatalf("GET after restart = %q, %v; want a nil reply", got, err)
	}
}

func TestRedisServersArePrivate(t *testing.T) {
	a, b := redistest.Start(t), redistest.Start(t)
	if a.Addr() == b.Addr() {
		t.Fatalf("two servers share %s", a.Addr())
	}
}
