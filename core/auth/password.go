package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// argon2id parameters of SECURITY.md 6 (OWASP's minimum: m=19 MiB, t=2,
// p=1), a 16-byte salt and a 32-byte key.
const (
	argonMemory  = 19456 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Limits on an encoded hash read back from the store, so that a corrupt
// or hostile row cannot make one verification allocate gigabytes.
const (
	maxArgonMemory  = 1 << 20 // KiB: 1 GiB
	maxArgonTime    = 16
	maxArgonThreads = 16
)

var errHashFormat = errors.New("auth: not an argon2id hash")

// preparePassword is what gets hashed: the password in Unicode NFKC, so a
// password typed on another keyboard (composed vs decomposed "й") still
// matches (NIST SP 800-63B 5.1.1.2). Nothing is trimmed or truncated
// (SECURITY.md 6): argon2 takes the whole input.
func preparePassword(p string) []byte { return []byte(norm.NFKC.String(p)) }

// passwordLen counts characters, not bytes, for the length rule.
func passwordLen(p string) int { return utf8.RuneCountInString(p) }

// HashPassword returns the argon2id hash of password in the PHC string
// format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>, base64 without
// padding. The parameters travel with the hash, so they can be raised
// later without locking anyone out.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: password salt: %w", err)
	}
	key := argon2.IDKey(preparePassword(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches encoded, comparing the
// keys in constant time. current is false when the hash was made with other
// parameters than today's, so the caller can store a fresh one.
func VerifyPassword(password, encoded string) (ok, current bool, err error) {
	p, err := parseHash(encoded)
	if err != nil {
		return false, false, err
	}
	key := argon2.IDKey(preparePassword(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	ok = subtle.ConstantTimeCompare(key, p.key) == 1
	current = p.memory == argonMemory && p.time == argonTime && p.threads == argonThreads &&
		len(p.salt) == argonSaltLen && len(p.key) == argonKeyLen
	return ok, current, nil
}

type argonHash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func parseHash(encoded string) (argonHash, error) {
	var h argonHash
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, errHashFormat
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return h, errHashFormat
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &threads); err != nil {
		return h, errHashFormat
	}
	if h.memory == 0 || h.memory > maxArgonMemory || h.time == 0 || h.time > maxArgonTime || threads == 0 || threads > maxArgonThreads {
		return h, errHashFormat
	}
	h.threads = uint8(threads)
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return h, errHashFormat
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 64 {
		return h, errHashFormat
	}
	return h, nil
}
