package passport_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/teggo/teggo/passport"
)

func TestHashAndCheckPassword(t *testing.T) {
	h, err := passport.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id with the default parameters", h)
	}
	h2, _ := passport.HashPassword("correct horse")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsE": false, "": false, "correct horse ": false} {
		if ok, err := passport.CheckPassword(h, pw); err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	if passport.NeedsRehash(h) {
		t.Error("a fresh hash needs a rehash")
	}
}

func TestCheckPasswordBcryptAndEmpty(t *testing.T) {
	b, err := bcrypt.GenerateFromPassword([]byte("old"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := passport.CheckPassword(string(b), "old"); !ok || err != nil {
		t.Fatalf("bcrypt hash: %v %v", ok, err)
	}
	if ok, _ := passport.CheckPassword(string(b), "new"); ok {
		t.Fatal("bcrypt hash matches a wrong password")
	}
	if !passport.NeedsRehash(string(b)) {
		t.Fatal("a bcrypt hash does not need a rehash to argon2id")
	}
	if ok, err := passport.CheckPassword("", "anything"); ok || err != nil {
		t.Fatalf("an empty hash (no user): %v %v", ok, err)
	}
}

// TestCheckPasswordRefusesHostileHashes: a tampered stored hash is an
// error, never a match, and cannot ask for a GiB of memory.
func TestCheckPasswordRefusesHostileHashes(t *testing.T) {
	good, _ := passport.HashPassword("pw")
	parts := strings.Split(good, "$")
	for _, h := range []string{
		"plain",
		"$argon2i$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=18$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=4194304,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=1000,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=0$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$!!$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$",
		"$2a$10$short",
	} {
		ok, err := passport.CheckPassword(h, "pw")
		if ok || !errors.Is(err, passport.ErrBadHash) {
			t.Errorf("CheckPassword(%q) = %v, %v; want ErrBadHash", h, ok, err)
		}
	}
}
