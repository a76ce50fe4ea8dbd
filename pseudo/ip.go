package pseudo

import (
	"crypto/aes"
	"crypto/cipher"
	"net/netip"
)

// cryptoPAn is the prefix-preserving permutation of Xu, Fan, Ammar and
// Moon (Crypto-PAn): bit i of the output is bit i of the input XOR the
// first bit of AES over the input's first i bits padded with a secret.
type cryptoPAn struct {
	block cipher.Block
	pad   [16]byte
}

func newCryptoPAn(key []byte) *cryptoPAn {
	b, _ := aes.NewCipher(key[:16])
	c := &cryptoPAn{block: b}
	b.Encrypt(c.pad[:], key[16:32])
	return c
}

// flips returns the bits to XOR into addr (n bits, big-endian in a), for
// bits from keep on.
func (c *cryptoPAn) flips(a []byte, n, keep int) []byte {
	out := make([]byte, len(a))
	var in, enc [16]byte
	for i := keep; i < n; i++ {
		in = c.pad
		// the first i bits of a, then the pad
		for j := 0; j < i/8; j++ {
			in[j] = a[j]
		}
		if r := i % 8; r > 0 {
			mask := byte(0xff << (8 - r))
			in[i/8] = a[i/8]&mask | c.pad[i/8]&^mask
		}
		c.block.Encrypt(enc[:], in[:])
		if enc[0]&0x80 != 0 {
			out[i/8] |= 0x80 >> (i % 8)
		}
	}
	return out
}

func (c *cryptoPAn) encrypt(a []byte, keep int) []byte {
	f := c.flips(a, len(a)*8, keep)
	out := make([]byte, len(a))
	for i := range a {
		out[i] = a[i] ^ f[i]
	}
	return out
}

// decrypt inverts encrypt bit by bit: bit i's flip depends on the
// original's first i bits, which are known by then.
func (c *cryptoPAn) decrypt(b []byte, keep int) []byte {
	n := len(b) * 8
	orig := make([]byte, len(b))
	copy(orig, b)
	for i := keep; i < n; i++ {
		f := c.flips(orig, i+1, i)
		orig[i/8] ^= f[i/8] & (0x80 >> (i % 8))
	}
	return orig
}

// class is how an address range is treated.
type class int

const (
	public class = iota
	kept         // stays as it is
	prefix       // keeps its first bits
)

type rangeRule struct {
	p    netip.Prefix
	kind class
}

var v4Ranges = []rangeRule{
	{netip.MustParsePrefix("0.0.0.0/8"), kept},
	{netip.MustParsePrefix("127.0.0.0/8"), kept},
	{netip.MustParsePrefix("224.0.0.0/4"), kept}, // multicast
	{netip.MustParsePrefix("240.0.0.0/4"), kept}, // reserved, netmasks, broadcast
	{netip.MustParsePrefix("10.0.0.0/8"), prefix},
	{netip.MustParsePrefix("172.16.0.0/12"), prefix},
	{netip.MustParsePrefix("192.168.0.0/16"), prefix},
	{netip.MustParsePrefix("169.254.0.0/16"), prefix},
	{netip.MustParsePrefix("100.64.0.0/10"), prefix},
}

var v6Ranges = []rangeRule{
	{netip.MustParsePrefix("::/127"), kept}, // :: and ::1
	{netip.MustParsePrefix("ff00::/8"), kept},
	{netip.MustParsePrefix("fe80::/10"), prefix},
	{netip.MustParsePrefix("fc00::/7"), prefix},
	{netip.MustParsePrefix("2000::/3"), prefix}, // global unicast stays global
}

func rangeOf(a netip.Addr) (class, int) {
	rs := v4Ranges
	if a.Is6() {
		rs = v6Ranges
	}
	for _, r := range rs {
		if r.p.Contains(a) {
			return r.kind, r.p.Bits()
		}
	}
	return public, 0
}

// isMask reports a netmask (ones then zeros, starting with a one).
func isMask(a netip.Addr) bool {
	b := a.AsSlice()
	zero := false
	for _, c := range b {
		for i := 7; i >= 0; i-- {
			one := c&(1<<i) != 0
			if one && zero {
				return false
			}
			if !one {
				zero = true
			}
		}
	}
	return b[0]&0x80 != 0
}

// IP returns an address's pseudonym.
func (m *Mapper) IP(a netip.Addr) netip.Addr {
	if a.Is4In6() {
		return netip.AddrFrom16(m.IP(a.Unmap()).As16())
	}
	kind, bits := rangeOf(a)
	if kind == kept || (a.Is4() && isMask(a)) {
		return a
	}
	if kind == prefix {
		out, _ := netip.AddrFromSlice(m.pan.encrypt(a.AsSlice(), bits))
		return out
	}
	// Public: the whole address, walked on until it is public again
	// (a bijection on the public addresses; prefixes longer than any
	// special range's stay shared).
	b := a.AsSlice()
	for i := 0; i < 1000; i++ {
		b = m.pan.encrypt(b, 0)
		out, _ := netip.AddrFromSlice(b)
		if k, _ := rangeOf(out); k == public && !(out.Is4() && isMask(out)) {
			return out
		}
	}
	return a
}

// UnIP inverts IP.
func (m *Mapper) UnIP(p netip.Addr) netip.Addr {
	if p.Is4In6() {
		return netip.AddrFrom16(m.UnIP(p.Unmap()).As16())
	}
	kind, bits := rangeOf(p)
	if kind == kept || (p.Is4() && isMask(p)) {
		return p
	}
	if kind == prefix {
		out, _ := netip.AddrFromSlice(m.pan.decrypt(p.AsSlice(), bits))
		return out
	}
	b := p.AsSlice()
	for i := 0; i < 1000; i++ {
		b = m.pan.decrypt(b, 0)
		out, _ := netip.AddrFromSlice(b)
		if k, _ := rangeOf(out); k == public && !(out.Is4() && isMask(out)) {
			return out
		}
	}
	return p
}
