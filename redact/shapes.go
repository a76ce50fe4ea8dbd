package redact

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"casefile/internal/lazyre"
)

// Secret shapes that do not depend on a key name: tokens whose prefix
// says what they are (as listed by the public rule sets of gitleaks and
// detect-secrets), password hashes, and passwords given to programs on
// their command line (crontabs, sudo logs, ps output).

// tokenNeedles are the prefixes of the token shapes (matched ignoring
// case; the expressions themselves are case-sensitive).
var tokenNeedles = []string{"akia", "asia", "abia", "acca", "a3t", "agpa", "aida", "aroa", "aipa", "anpa", "anva",
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "glsoat-", "gr1348941",
	"xox", "hooks.slack.com", "aiza", "k_live_", "sg.", "eyj", "age-secret-key-"}

var reTokens = lazyre.List(
	`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16})\b`,
	`\b(gh[pousr]_[0-9A-Za-z]{36,255})\b`,
	`\b(github_pat_[0-9A-Za-z_]{22,255})\b`,
	`\b(gl(?:pat|ptt|dt|rt|cbt|soat)-[0-9A-Za-z_\-]{20,})`,
	`\b(GR1348941[0-9A-Za-z_\-]{20,})`,
	`\b(xox[abposre]-[0-9A-Za-z\-]{10,})`,
	`hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9_]+/[A-Za-z0-9_]+/([A-Za-z0-9_]{16,})`,
	`\b(AIza[0-9A-Za-z_\-]{35})\b`,
	`\b([sr]k_live_[0-9A-Za-z]{20,})\b`,
	`\b(SG\.[0-9A-Za-z_\-]{16,32}\.[0-9A-Za-z_\-]{16,64})\b`,
	`\b(eyJ[0-9A-Za-z_\-]{8,}\.eyJ[0-9A-Za-z_\-]{8,}\.[0-9A-Za-z_\-]{8,})`,
	`\b(AGE-SECRET-KEY-1[0-9A-Z]{50,})\b`,
)

// reHash matches crypt(3) hashes and LDAP {SCHEME} password values.
var reHash = lazyre.New(`(\$(?:1|2[abxy]|5|6|7|9|y|gy|apr1|sha1|md5)\$[./A-Za-z0-9$=,+\-]{8,}|(?i:\{(?:s?sha(?:256|384|512)?|crypt|s?md5|pbkdf2[a-z0-9\-]*|argon2|bcrypt)\})[A-Za-z0-9+/=.$,:\-]{8,})`)

// A value on a command line: quoted, or a word.
const cmdValue = `(?:'([^']*)'|"([^"]*)"|([^\s'"]+))`

// reCommandLine are passwords given to programs. Each has one value
// (cmdValue's three groups, or one group).
var reCommandLine = lazyre.List(
	`\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlpump|mariadb|mariadb-dump)\b[^|;&\n]*?[ \t]-p`+cmdValue,
	`(?:^|[ \t'"=])--(?:password|passwd|pass|xauthpass|secret|psk|bindpw|token|api-key|apikey|auth-token|access-token|client-secret|db-password|admin-password|http-password|http-passwd|proxy-password|ftp-password)(?:=|[ \t]+)`+`(?:'([^']*)'|"([^"]*)"|([^\s'"\-][^\s'"]*))`,
	`\bcurl\b[^|;&\n]*?[ \t](?:-u|--user|-U|--proxy-user)(?:[ \t]*|=)['"]?[^:\s'"]+:([^\s'"]+)`,
	`\bsshpass\b[^|;&\n]*?[ \t]-p[ \t]*`+cmdValue,
	`\bldap(?:search|modify|add|delete|passwd|whoami|compare|modrdn|exop)\b[^|;&\n]*?[ \t]-w[ \t]*`+cmdValue,
	`\bredis-cli\b[^|;&\n]*?[ \t]-a[ \t]*`+cmdValue,
	`\b(?:smbclient|rpcclient|smbcacls|smbget|net)\b[^|;&\n]*?[ \t](?:-U|--user=?)[ \t]*['"]?[^%\s'"]+%([^\s'"]+)`,
	`(?:^|[ \t])-pass(?:in|out|word)?[ \t]+['"]?pass:([^\s'"]+)`,
	`(?:^|[ \t])-(?:storepass|keypass|srcstorepass|deststorepass|srckeypass|destkeypass)[ \t]+`+cmdValue,
	`(?i)\bjdbc:oracle:[a-z0-9]+:[^/\s@"'():]+/([^@\s"']+)@`,
	`\b(?:sqlplus|expdp|impdp|rman|sqlldr|dgmgrl)\b(?:[ \t]+-\S+)*[ \t]+(?:userid=|target=)?['"]?[A-Za-z0-9_$#.]+/([^@\s'"/]+)`,
	`\bhtpasswd\b[ \t]+-[A-Za-mo-z]*b[A-Za-mo-z]*[ \t]+\S+[ \t]+\S+[ \t]+`+cmdValue,
	`\bhtpasswd\b[ \t]+-(?:[A-Za-z]*n[A-Za-z]*b|[A-Za-z]*b[A-Za-z]*n)[A-Za-z]*[ \t]+\S+[ \t]+`+cmdValue,
)

func commandLine(l []byte, _ bool) []replacement {
	var out []replacement
	for _, re := range reCommandLine() {
		out = append(out, firstGroups(l, re, RuleCommandLine)...)
	}
	return out
}

// firstGroups replaces, for each match, its first group that matched.
func firstGroups(l []byte, re *regexp.Regexp, rule string) []replacement {
	var out []replacement
	for _, m := range re.FindAllSubmatchIndex(l, -1) {
		for g := 1; 2*g+1 < len(m); g++ {
			if m[2*g] >= 0 {
				if m[2*g+1] > m[2*g] {
					out = append(out, replacement{m[2*g], m[2*g+1], rule, false})
				}
				break
			}
		}
	}
	return out
}

func tokens(l []byte, _ bool) []replacement {
	var out []replacement
	for _, re := range reTokens() {
		out = append(out, allGroups(l, re, RuleToken)...)
	}
	return out
}

// Settings written "key value" (ldap.conf, redis.conf, RADIUS clients,
// .netrc, network device configs): only keys that always hold a secret,
// and a single value, so that running text ("password changed for x")
// is left alone.
var reSpaceSettings = lazyre.List(
	`(?i)^[ \t]*(?:bindpw|rootpw|secret|shared_secret|requirepass|masterauth|password|passwd|ldap_default_authtok|authtok|tls_key_pass|community)[ \t]+`+cmdValue+`[ \t]*(?:#.*)?$`,
	`(?i)\b(?:machine|login|account)\b.*?\bpassword[ \t]+`+cmdValue,
	`(?i)^[ \t]*(?:username[ \t]+\S+[ \t]+(?:privilege[ \t]+\d+[ \t]+)?|enable[ \t]+)(?:password|secret)[ \t]+(?:\d[ \t]+)?(\S+)`,
)

// configSecret is keyValue plus the "key value" settings.
func configSecret(l []byte, secretsFile bool) []replacement {
	out := keyValue(l, secretsFile)
	for _, re := range reSpaceSettings() {
		out = append(out, firstGroups(l, re, RuleConfigSecret)...)
	}
	return out
}

// A file's name can say that a field of its lines is a secret.
type fileKind uint8

const (
	plainFile  fileKind = iota
	hashFile            // htpasswd, shadow: name:HASH:...
	pgpassFile          // .pgpass: host:port:db:user:PASSWORD
	radiusFile          // pam_radius_auth.conf, raddb/server: host SECRET [timeout]
	secretFile          // ldap.secret: the whole file is the secret
)

func kindOfFile(p string) fileKind {
	p = strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
	base := path.Base(p)
	switch {
	case p == "":
		return plainFile
	case strings.Contains(base, "htpasswd") || strings.HasPrefix(base, "shadow") || strings.HasPrefix(base, "gshadow"):
		return hashFile
	case base == ".pgpass" || base == "pgpass":
		return pgpassFile
	case base == "pam_radius_auth.conf" || strings.HasSuffix(p, "/raddb/server") || strings.HasSuffix(p, "/radiusclient/servers") || strings.HasSuffix(p, "/raddb/servers"):
		return radiusFile
	case strings.HasSuffix(base, ".secret") && base != ".secret":
		return secretFile
	}
	return plainFile
}

// fileFields finds the secret field of a line of a file of kind k.
func fileFields(k fileKind, l []byte) []replacement {
	t := bytes.TrimLeft(l, " \t")
	if len(t) == 0 || t[0] == '#' {
		return nil
	}
	off := len(l) - len(t)
	switch k {
	case hashFile:
		f := bytes.SplitN(t, []byte(":"), 3)
		if len(f) < 2 {
			return nil
		}
		h := f[1]
		s := off + len(f[0]) + 1
		for len(h) > 0 && h[0] == '!' { // a locked account keeps its hash after "!"
			h, s = h[1:], s+1
		}
		if len(h) == 0 || string(h) == "*" || string(h) == "x" || bytes.HasPrefix(h, []byte("[REDACTED:")) {
			return nil
		}
		return []replacement{{s, s + len(h), RulePasswordHash, false}}
	case pgpassFile:
		// Fields are separated by unescaped colons; the fifth is the password.
		n, start := 0, 0
		for i := 0; i < len(t); i++ {
			if t[i] == '\\' {
				i++
				continue
			}
			if t[i] == ':' {
				n++
				if n == 4 {
					start = i + 1
					break
				}
			}
		}
		if n == 4 && start < len(t) {
			return []replacement{{off + start, len(l), RulePasswordHash, false}}
		}
	case radiusFile:
		i := bytes.IndexAny(t, " \t")
		if i < 0 {
			return nil
		}
		j := i
		for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
			j++
		}
		e := j
		for e < len(t) && t[e] != ' ' && t[e] != '\t' {
			e++
		}
		if e > j {
			return []replacement{{off + j, off + e, RuleConfigSecret, false}}
		}
	case secretFile:
		e := len(t)
		for e > 0 && (t[e-1] == ' ' || t[e-1] == '\t' || t[e-1] == '\r') {
			e--
		}
		if e > 0 {
			return []replacement{{off, off + e, RuleConfigSecret, false}}
		}
	}
	return nil
}
