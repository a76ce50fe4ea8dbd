package pseudo

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"strings"
)

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Classes of values, as recorded in the manifest.
const (
	ClassHost = "host"
	ClassIP   = "ip"
	ClassMAC  = "mac"
	ClassUser = "user"
)

// Classes lists every class this package replaces.
var Classes = []string{ClassHost, ClassIP, ClassMAC, ClassUser}

// Mapper turns values into pseudonyms and back under one key.
type Mapper struct {
	key  *Key
	pan  *cryptoPAn
	enc  cipher.Block
	tagK []byte
	macK []byte
}

// NewMapper makes a mapper for k.
func NewMapper(k *Key) *Mapper {
	b, _ := aes.NewCipher(k.derive("names-enc")[:16])
	return &Mapper{key: k, pan: newCryptoPAn(k.derive("ip")), enc: b, tagK: k.derive("names-tag"), macK: k.derive("mac")}
}

// KeyID is the key's id.
func (m *Mapper) KeyID() string { return m.key.ID() }

const tagLen = 4

func (m *Mapper) tag(prefix byte, v string) []byte {
	h := hmac.New(sha256.New, m.tagK)
	h.Write([]byte{prefix})
	h.Write([]byte(v))
	return h.Sum(nil)[:tagLen]
}

func (m *Mapper) stream(tag []byte, n int) []byte {
	var iv [16]byte
	copy(iv[:], tag)
	out := make([]byte, n)
	cipher.NewCTR(m.enc, iv[:]).XORKeyStream(out, out)
	return out
}

// seal makes a pseudonym: prefix, then base32 of a tag and the value
// encrypted under it (deterministic, so equal values give equal
// pseudonyms; the tag authenticates, so open rejects other words).
func (m *Mapper) seal(prefix byte, v string) string {
	t := m.tag(prefix, v)
	s := m.stream(t, len(v))
	buf := append([]byte{}, t...)
	for i := 0; i < len(v); i++ {
		buf = append(buf, v[i]^s[i])
	}
	return string(prefix) + b32.EncodeToString(buf)
}

func (m *Mapper) open(p string) (string, bool) {
	if len(p) < 2 {
		return "", false
	}
	raw, err := b32.DecodeString(p[1:])
	if err != nil || len(raw) <= tagLen {
		return "", false
	}
	t, ct := raw[:tagLen], raw[tagLen:]
	s := m.stream(t, len(ct))
	v := make([]byte, len(ct))
	for i := range ct {
		v[i] = ct[i] ^ s[i]
	}
	if !hmac.Equal(m.tag(p[0], string(v)), t) {
		return "", false
	}
	return string(v), true
}

// Label returns the pseudonym of one host or domain label (lower case).
func (m *Mapper) Label(l string) string { return m.seal('h', strings.ToLower(l)) }

// User returns a user name's pseudonym.
func (m *Mapper) User(u string) string { return m.seal('u', u) }

// keptLabels are last labels and names that identify nobody.
var keptNames = map[string]bool{"localhost": true, "localdomain": true, "local": true, "localhost.localdomain": true,
	"ip6-localhost": true, "ip6-loopback": true, "ip6-allnodes": true, "ip6-allrouters": true, "ip6-localnet": true, "ip6-mcastprefix": true,
	"broadcasthost": true}

// Name returns a host or domain name's pseudonym: every label but the
// last of a dotted name (the top-level domain stays), or the one label
// of a short name.
func (m *Mapper) Name(n string) string {
	if keptNames[strings.ToLower(n)] {
		return n
	}
	labels := strings.Split(n, ".")
	last := len(labels)
	if last > 1 {
		last--
	}
	for i := 0; i < last; i++ {
		if labels[i] != "" && !keptNames[strings.ToLower(labels[i])] {
			labels[i] = m.Label(labels[i])
		}
	}
	return strings.Join(labels, ".")
}

// MAC returns a MAC address's pseudonym (6 bytes): the vendor part (the
// first three bytes) stays, the rest is permuted under the key (a
// four-round Feistel network over 24 bits, tweaked by the vendor part).
func (m *Mapper) MAC(a [6]byte) [6]byte {
	if a == [6]byte{} || a == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		return a
	}
	l, r := uint32(a[3])<<4|uint32(a[4])>>4, uint32(a[4]&0x0f)<<8|uint32(a[5])
	for i := 0; i < 4; i++ {
		l, r = r, l^m.round(a, i, r)
	}
	return [6]byte{a[0], a[1], a[2], byte(l >> 4), byte(l<<4) | byte(r>>8), byte(r)}
}

// UnMAC inverts MAC.
func (m *Mapper) UnMAC(a [6]byte) [6]byte {
	if a == [6]byte{} || a == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		return a
	}
	l, r := uint32(a[3])<<4|uint32(a[4])>>4, uint32(a[4]&0x0f)<<8|uint32(a[5])
	for i := 3; i >= 0; i-- {
		l, r = r^m.round(a, i, l), l
	}
	return [6]byte{a[0], a[1], a[2], byte(l >> 4), byte(l<<4) | byte(r>>8), byte(r)}
}

func (m *Mapper) round(a [6]byte, i int, x uint32) uint32 {
	h := hmac.New(sha256.New, m.macK)
	var b [8]byte
	copy(b[:3], a[:3])
	b[3] = byte(i)
	binary.BigEndian.PutUint32(b[4:], x)
	h.Write(b[:])
	return binary.BigEndian.Uint32(h.Sum(nil)) & 0xfff
}
