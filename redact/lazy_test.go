package redact

import "testing"

// TestLazyPatternsCompile: the patterns compiled on first use
// (lazyre.New) compile; a typo in one would otherwise panic only on the
// first line that reaches it, on a customer's host.
func TestLazyPatternsCompile(t *testing.T) {
	for _, re := range []func(){
		func() { reIPsecEntry() }, func() { reRSAPrivateAny() }, func() { rePEMBegin() }, func() { rePEMEnd() },
		func() { reXfrm() }, func() { reSetkey() }, func() { reURLCreds() }, func() { reBearer() },
		func() { reHTTPAuth() }, func() { reSNMP() }, func() { reXMLElement() }, func() { reAllStars() },
		func() { reTokens() }, func() { reHash() }, func() { reCommandLine() }, func() { reSpaceSettings() },
		func() { reBase64Line() },
	} {
		re()
	}
}
