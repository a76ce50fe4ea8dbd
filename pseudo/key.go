// Package pseudo replaces host and domain names, IP and MAC addresses and
// user names in text by keyed pseudonyms: the same value gives the same
// pseudonym wherever it is collected with the same key, so bundles of two
// hosts still join, and the key's holder can turn the pseudonyms back
// into the real values (Unmask). Nothing else of the text changes.
//
// IP addresses keep their prefix structure (Crypto-PAn: two addresses in
// one /24 stay in one /24) and their kind: loopback, unspecified,
// multicast, netmasks and broadcast stay as they are; private, link-local
// and shared ranges keep their prefix; public addresses stay public.
// Names and users become a letter and base32 text that holds the value
// encrypted under the key (h... for a host or domain label, u... for a
// user), so a report can be unmasked without any map.
package pseudo

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// keyHeader is the first line of a pseudonym key file.
const keyHeader = "casefile pseudonym key v1"

// Key is a pseudonymization key.
type Key struct {
	master []byte // 32 bytes
}

// NewKey makes a random key.
func NewKey() (*Key, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return &Key{master: k}, nil
}

// Marshal returns the key file's content.
func (k *Key) Marshal() []byte {
	return []byte(keyHeader + "\n" + base64.StdEncoding.EncodeToString(k.master) + "\n")
}

// ParseKey reads a key file's content.
func ParseKey(data []byte) (*Key, error) {
	lines := strings.Fields(string(data))
	if len(lines) < 5 || strings.Join(lines[:4], " ") != keyHeader {
		return nil, errors.New("not a casefile pseudonym key (made by collect keygen --pseudonym)")
	}
	b, err := base64.StdEncoding.DecodeString(lines[4])
	if err != nil || len(b) != 32 {
		return nil, errors.New("pseudonym key: the key line is not 32 bytes of base64")
	}
	return &Key{master: b}, nil
}

// LoadKey reads a key file.
func LoadKey(path string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// ID names the key without revealing it (recorded in manifests).
func (k *Key) ID() string {
	return hex.EncodeToString(k.derive("key-id")[:8])
}

// derive makes a sub-key for one use.
func (k *Key) derive(use string) []byte {
	m := hmac.New(sha256.New, k.master)
	m.Write([]byte("casefile pseudonym " + use))
	return m.Sum(nil)
}
