package passport

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Argon2id parameters of HashPassword: OWASP's first recommended set
// (19 MiB, 2 passes, 1 lane), a 16-byte salt and a 32-byte key.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds on the parameters CheckPassword accepts from a stored hash, so a
// tampered hash cannot make one check use a GiB of memory.
const (
	maxArgonMemory  = 256 * 1024 // KiB
	maxArgonTime    = 16
	maxArgonThreads = 16
	maxArgonKeyLen  = 128
)

// ErrBadHash: CheckPassword was given a string that is no hash it knows.
var ErrBadHash = errors.New("passport: malformed password hash")

// dummyHash is checked against when there is no hash (an unknown user), so
// that the answer takes as long as for a known one.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("teggo-passport-dummy")
	if err != nil {
		panic(err)
	}
	return h
})

// HashPassword returns the argon2id hash of password in the PHC string
// format, "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>", with a random
// salt. One call takes 19 MiB and a few tens of milliseconds.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passport: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash, an argon2id hash of
// HashPassword or a bcrypt one ($2a$, $2b$, $2y$, for hashes migrated from
// elsewhere), comparing in constant time. An empty hash (no such user) is
// checked against a dummy hash, as long, and never matches; a malformed one
// is ErrBadHash.
func CheckPassword(hash, password string) (bool, error) {
	if hash == "" {
		_, _ = CheckPassword(dummyHash(), password)
		return false, nil
	}
	if strings.HasPrefix(hash, "$2") {
		err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword), errors.Is(err, bcrypt.ErrPasswordTooLong):
			return false, nil
		}
		return false, fmt.Errorf("%w: %w", ErrBadHash, err)
	}
	salt, key, m, t, p, err := parseArgon(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether hash was made with other parameters than
// HashPassword's (or by bcrypt): hash the password again after a
// successful check.
func NeedsRehash(hash string) bool {
	_, key, m, t, p, err := parseArgon(hash)
	return err != nil || m != argonMemory || t != argonTime || p != argonThreads || len(key) != argonKeyLen
}

func parseArgon(hash string) (salt, key []byte, m, t uint32, p uint8, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, nil, 0, 0, 0, ErrBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return nil, nil, 0, 0, 0, ErrBadHash
	}
	var pp uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &pp); err != nil || n != 3 {
		return nil, nil, 0, 0, 0, ErrBadHash
	}
	if m == 0 || m > maxArgonMemory || t == 0 || t > maxArgonTime || pp == 0 || pp > maxArgonThreads {
		return nil, nil, 0, 0, 0, fmt.Errorf("%w: parameters out of bounds", ErrBadHash)
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return nil, nil, 0, 0, 0, ErrBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > maxArgonKeyLen {
		return nil, nil, 0, 0, 0, ErrBadHash
	}
	return salt, key, m, t, uint8(pp), nil
}
