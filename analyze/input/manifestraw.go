package input

import (
	"bytes"

	"github.com/klauspost/compress/flate"
)

// packMin is the size from which Open keeps manifest.json compressed
// until a walk delivers it: a bundle of 10,000 members has a manifest of
// 3.3 MiB, which was held through the whole pass (the walk hands it over
// first, and a later walk again); compressed it is about a fifth. A small
// manifest is kept as it is.
const packMin = 256 << 10

// setManifestRaw keeps manifest.json as Open read it (compressed when large).
func (in *Input) setManifestRaw(raw []byte) {
	in.manifestPacked = false
	if len(raw) < packMin {
		in.manifestRaw = raw
		return
	}
	var buf bytes.Buffer
	zw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err == nil {
		_, err = zw.Write(raw)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil || buf.Len() >= len(raw) {
		in.manifestRaw = raw
		return
	}
	in.manifestRaw = bytes.Clone(buf.Bytes())
	in.manifestPacked = true
}

// manifestBytes is manifest.json as Open read it; nil once released.
func (in *Input) manifestBytes() ([]byte, error) {
	if !in.manifestPacked || in.manifestRaw == nil {
		return in.manifestRaw, nil
	}
	out := make([]byte, 0, in.manifestMember.Size)
	buf := bytes.NewBuffer(out)
	zr := flate.NewReader(bytes.NewReader(in.manifestRaw))
	defer zr.Close()
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
