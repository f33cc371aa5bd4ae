package session

import (
	"encoding/base64"
	"encoding/binary"
)

// payload is the cookie store's cookie: the session with its expiry, so
// that the server refuses a replayed cookie past it.
type payload struct {
	ID     string
	Exp    int64 // Unix milliseconds
	MaxAge int64 // the session's own, ms; -1: browser session; 0: the Manager's
	Values map[string][]byte
}

// payloadVersion starts every payload, so that the framing can change.
const payloadVersion = 1

// encodePayload frames p: the version byte, the id, the expiry, the max age,
// the number of keys, then each key and its JSON, every length and number a
// varint. The jar encrypts it (its output is base64url) or, when only
// signing, it is base64url-encoded here.
func encodePayload(p payload, encrypted bool) string {
	n := 1 + 3*binary.MaxVarintLen64 + len(p.ID)
	for k, v := range p.Values {
		n += 2*binary.MaxVarintLen64 + len(k) + len(v)
	}
	b := make([]byte, 0, n)
	b = append(b, payloadVersion)
	b = appendBytes(b, p.ID)
	b = binary.AppendVarint(b, p.Exp)
	b = binary.AppendVarint(b, p.MaxAge)
	b = binary.AppendUvarint(b, uint64(len(p.Values)))
	for k, v := range p.Values {
		b = appendBytes(b, k)
		b = appendBytes(b, string(v))
	}
	if encrypted {
		return string(b)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func appendBytes(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decodePayload reverses encodePayload; ok is false for anything malformed.
func decodePayload(raw string, encrypted bool) (p payload, ok bool) {
	var b []byte
	if encrypted {
		b = []byte(raw)
	} else {
		var err error
		if b, err = base64.RawURLEncoding.DecodeString(raw); err != nil {
			return p, false
		}
	}
	if len(b) == 0 || b[0] != payloadVersion {
		return p, false
	}
	d := decoder{b: b[1:]}
	id := d.bytes()
	p.Exp = d.varint()
	p.MaxAge = d.varint()
	n := d.uvarint()
	if d.bad || len(id) == 0 || p.Exp <= 0 || n > uint64(len(d.b)) {
		return p, false
	}
	p.ID = string(id)
	p.Values = make(map[string][]byte, n)
	for range n {
		k, v := d.bytes(), d.bytes()
		if d.bad {
			return p, false
		}
		p.Values[string(k)] = v
	}
	return p, len(d.b) == 0
}

// decoder reads the varint framing; bad is set at the first malformed field.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes returns the next length-prefixed field, capped so that appending to
// it cannot overwrite what follows.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}
