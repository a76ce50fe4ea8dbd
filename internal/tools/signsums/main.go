// Command signsums signs a release's SHA256SUMS with a minisign secret key
// and writes FILE.minisig beside it, so that `minisign -Vm SHA256SUMS -p
// key.pub && sha256sum -c SHA256SUMS` checks a download with public tools.
// scripts/release.sh runs it; an encrypted key reads its password from
// CASEFILE_KEY_PASSWORD.
package main

import (
	"flag"
	"fmt"
	"os"

	"aead.dev/minisign"

	"casefile/bundle"
)

func main() {
	key := flag.String("key", "", "minisign secret key file")
	comment := flag.String("comment", "", "trusted comment")
	flag.Parse()
	if *key == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: signsums -key SECRET.key [-comment TEXT] SHA256SUMS")
		os.Exit(2)
	}
	if err := sign(*key, *comment, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "signsums:", err)
		os.Exit(1)
	}
}

func sign(keyPath, comment, sumsPath string) error {
	priv, err := bundle.LoadPrivateKey(keyPath, os.Getenv("CASEFILE_KEY_PASSWORD"))
	if err != nil {
		return err
	}
	sums, err := os.ReadFile(sumsPath)
	if err != nil {
		return err
	}
	sig := minisign.SignWithComments(priv, sums, comment, "casefile release signature")
	return os.WriteFile(sumsPath+".minisig", sig, 0o644)
}
