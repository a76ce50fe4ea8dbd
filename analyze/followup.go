package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"

	"casefile/analyze/report"
)

// fileSHA256 is the SHA-256 of the file an input was read from, when the
// input is a file of its own (not standard input, not a bundle inside
// another archive): what collect printed and a request's follows names.
// "" when there is no such file.
func fileSHA256(b *bundleState) string {
	if b.fileSum == nil {
		sum := hashInputFile(b)
		b.fileSum = &sum
	}
	return *b.fileSum
}

func hashInputFile(b *bundleState) string {
	if b.in == nil || b.in.Path == "" || b.in.Path == "-" {
		return ""
	}
	fi, err := os.Stat(b.in.Path)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	f, err := os.Open(b.in.Path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// linkFollowUps ties each follow-up bundle (manifest follow_up) to the
// bundle it follows when that one is analyzed too: the earlier bundle's
// missing or failed items that the follow-up collected are marked
// delivered_by it (so they are no longer reported missing), and the
// follow-up's report entry says what it delivered and what is still
// missing. rep.Bundles are in the order of states.
func linkFollowUps(rep *report.Report, states []*bundleState) {
	has := false
	for _, b := range states {
		has = has || (b.manifest != nil && b.manifest.FollowUp != nil)
	}
	if !has {
		return
	}
	sums := make([]string, len(states))
	for i, b := range states {
		if b.manifest != nil {
			sums[i] = fileSHA256(b)
		}
	}
	for i, b := range states {
		if b.manifest == nil || b.manifest.FollowUp == nil {
			continue
		}
		mfu := b.manifest.FollowUp
		fu := &report.FollowUp{RequestID: mfu.RequestID, SignerKeyID: mfu.SignerKeyID, FollowsSHA256: mfu.Follows,
			Delivered: []string{}, StillMissing: []string{}}
		rep.Bundles[i].FollowUp = fu
		j := -1
		for k := range states {
			if k != i && sums[k] != "" && sums[k] == mfu.Follows {
				j = k
				break
			}
		}
		if j < 0 {
			continue
		}
		fu.Follows = rep.Bundles[j].Name
		noteCoverage(rep, rep.Bundles[j].Name, rep.Bundles[i].Name)
		got := map[string]bool{}
		for _, it := range rep.Bundles[i].Items {
			if it.Outcome() == report.ItemCollected {
				got[it.ID] = true
			}
		}
		earlier := rep.Bundles[j].Items
		for k := range earlier {
			it := &earlier[k]
			if o := it.Outcome(); o != report.ItemMissing && o != report.ItemFailed {
				continue
			}
			if got[it.ID] {
				it.DeliveredBy = rep.Bundles[i].Name
				fu.Delivered = append(fu.Delivered, it.ID)
			} else {
				fu.StillMissing = append(fu.StillMissing, it.ID)
			}
		}
	}
}

// noteCoverage adds to each rule that did not fully run on the earlier
// bundle, and ran on its follow-up, that it did: the gap is filled there.
func noteCoverage(rep *report.Report, earlier, later string) {
	ran := map[string]bool{}
	for _, c := range rep.Coverage {
		if c.Bundle == later && c.Status == report.CoverageRan {
			ran[c.Rule] = true
		}
	}
	for k := range rep.Coverage {
		c := &rep.Coverage[k]
		if c.Bundle != earlier || !ran[c.Rule] || (c.Status != report.CoverageSkipped && c.Status != report.CoveragePartial) {
			continue
		}
		c.Reason = joinReason(c.Reason, "ran on its follow-up "+later)
	}
}
