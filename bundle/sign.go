package bundle

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"

	"aead.dev/minisign"
)

// Signature statuses as reported by the analyzer.
const (
	SigValid    = "valid"
	SigInvalid  = "invalid"
	SigUnsigned = "unsigned"
)

// KeyID formats a minisign key id the way minisign prints it.
func KeyID(id uint64) string { return fmt.Sprintf("%016X", id) }

// GenerateKey makes a new minisign key pair.
func GenerateKey() (minisign.PublicKey, minisign.PrivateKey, error) {
	return minisign.GenerateKey(rand.Reader)
}

// WriteKeyFiles writes priv to path (mode 0600, unencrypted minisign secret
// key) and pub to path+".pub" in minisign's public key file format, so that
// `minisign -V -p path.pub` accepts it. Existing files are not overwritten.
func WriteKeyFiles(path string, pub minisign.PublicKey, priv minisign.PrivateKey) error {
	secret, err := priv.MarshalText()
	if err != nil {
		return err
	}
	pubText, err := pub.MarshalText()
	if err != nil {
		return err
	}
	if err := writeNew(path, secret, 0o600); err != nil {
		return err
	}
	if err := writeNew(path+".pub", pubText, 0o644); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// LoadPrivateKey reads an unencrypted minisign secret key file, or an
// encrypted one when password is not empty.
func LoadPrivateKey(path, password string) (minisign.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return minisign.PrivateKey{}, err
	}
	if minisign.IsEncrypted(data) {
		if password == "" {
			return minisign.PrivateKey{}, fmt.Errorf("%s: secret key is encrypted; set CASEFILE_KEY_PASSWORD", path)
		}
		return minisign.DecryptKey(password, data)
	}
	var k minisign.PrivateKey
	if err := k.UnmarshalText(data); err != nil {
		return k, fmt.Errorf("%s: not a minisign secret key: %w", path, err)
	}
	return k, nil
}

// Sign signs the SHA256SUMS content with a trusted comment that names the
// bundle, host, profile and time.
func Sign(priv minisign.PrivateKey, sums []byte, trustedComment string) []byte {
	return minisign.SignWithComments(priv, sums, trustedComment, "casefile bundle signature")
}

// TrustedComment builds the trusted comment stored in a bundle signature.
func TrustedComment(m *Manifest) string {
	s := fmt.Sprintf("bundle:%s host:%s profile:%s time:%s",
		m.Name, m.Host.Hostname, m.Profile.Name, m.Collection.EndUTC.UTC().Format("2006-01-02T15:04:05Z"))
	if m.Case != "" {
		s += " case:" + m.Case
	}
	return s
}

// TrustedKey is a public key the help desk trusts, with an optional name.
type TrustedKey struct {
	Key  minisign.PublicKey
	Name string
}

// ParseTrustFile reads trusted keys: one base64 minisign public key per
// line with an optional name after it. Blank lines, '#' comments and
// minisign's "untrusted comment:" lines are skipped, so a .pub file works.
func ParseTrustFile(path string) ([]TrustedKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var keys []TrustedKey
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "untrusted comment:") {
			continue
		}
		fields := strings.Fields(line)
		var k minisign.PublicKey
		if err := k.UnmarshalText([]byte(fields[0])); err != nil {
			return nil, fmt.Errorf("%s:%d: not a minisign public key", path, n)
		}
		keys = append(keys, TrustedKey{Key: k, Name: strings.Join(fields[1:], " ")})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keys, nil
}

// SignatureResult is the outcome of checking SHA256SUMS.minisig.
type SignatureResult struct {
	Status         string // SigValid, SigInvalid or SigUnsigned
	Trusted        bool
	Signer         string // trusted key's name, else its key id
	KeyID          string
	TrustedComment string
	Reason         string // why invalid or untrusted, for the report
}

// VerifySignature checks sig over sums. It first looks for a trusted key
// with the signature's key id; failing that it uses the public key the
// manifest carries (embedded, may be empty), which proves integrity only.
func VerifySignature(sums, sig []byte, trusted []TrustedKey, embedded string) SignatureResult {
	if len(sig) == 0 {
		return SignatureResult{Status: SigUnsigned, Reason: "no " + SignatureName}
	}
	var s minisign.Signature
	if err := s.UnmarshalText(sig); err != nil {
		return SignatureResult{Status: SigInvalid, Reason: "signature file is malformed: " + err.Error()}
	}
	res := SignatureResult{KeyID: KeyID(s.KeyID), TrustedComment: s.TrustedComment, Signer: KeyID(s.KeyID)}
	for _, tk := range trusted {
		if tk.Key.ID() != s.KeyID {
			continue
		}
		if !minisign.Verify(tk.Key, sums, sig) {
			res.Status, res.Reason = SigInvalid, "signature does not match SHA256SUMS"
			return res
		}
		res.Status, res.Trusted = SigValid, true
		if tk.Name != "" {
			res.Signer = tk.Name
		}
		return res
	}
	if embedded == "" {
		res.Status, res.Reason = SigInvalid, "no public key for key id "+res.KeyID
		return res
	}
	var pk minisign.PublicKey
	if err := pk.UnmarshalText([]byte(embedded)); err != nil {
		res.Status, res.Reason = SigInvalid, "manifest's public key is malformed"
		return res
	}
	if pk.ID() != s.KeyID {
		res.Status, res.Reason = SigInvalid, "signed by key "+res.KeyID+", but the manifest names key "+KeyID(pk.ID())
		return res
	}
	if !minisign.Verify(pk, sums, sig) {
		res.Status, res.Reason = SigInvalid, "signature does not match SHA256SUMS"
		return res
	}
	res.Status = SigValid
	res.Reason = "signed by a key that is not in the trust file (integrity only)"
	return res
}

// ErrNoSignature is returned where a signature is required but absent.
var ErrNoSignature = errors.New("bundle is not signed")
