package cookies

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func roundTrip(t *testing.T, keys string, set func(j *Jar), req *http.Request) []*http.Cookie {
	t.Helper()
	k, err := ParseKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	h := Middleware(Config{Keys: k})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set(From(r.Context()))
		w.Write([]byte("ok"))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result().Cookies()
}

func TestSignedTamperReturnsNothingAndRotationReissues(t *testing.T) {
	cs := roundTrip(t, "old", func(j *Jar) { j.Set("u", "alice", nil) }, httptest.NewRequest("GET", "/", nil))
	if len(cs) != 2 || cs[1].Name != "u.sig" || !cs[0].HttpOnly || cs[0].Path != "/" {
		t.Fatalf("cookies %v", cs)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: "u", Value: "mallory"})
	req.AddCookie(cs[1])
	var got string
	roundTrip(t, "old", func(j *Jar) { got = j.Get("u", nil) }, req)
	if got != "" {
		t.Fatalf("tampered value returned: %q", got)
	}
	req = httptest.NewRequest("GET", "/", nil)
	req.AddCookie(cs[0])
	req.AddCookie(cs[1])
	out := roundTrip(t, "new,old", func(j *Jar) { got = j.Get("u", nil) }, req)
	if got != "alice" || len(out) != 2 {
		t.Fatalf("rotation: got %q, reissued %v", got, out)
	}
}

func TestEncryptedBoundToName(t *testing.T) {
	k, _ := ParseKeys("k1")
	v := k.Encrypt("a", []byte("secret"))
	if p, i := k.Decrypt("a", v); i != 0 || string(p) != "secret" {
		t.Fatal("decrypt failed")
	}
	if _, i := k.Decrypt("b", v); i != -1 {
		t.Fatal("value moved to another cookie decrypts")
	}
	if strings.Contains(v, "secret") {
		t.Fatal("plain text visible")
	}
}
