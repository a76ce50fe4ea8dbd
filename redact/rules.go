package redact

import (
	"bytes"
	"regexp"
	"strings"

	"casefile/internal/lazyre"
)

// Names of the built-in rules, as they appear in markers and manifests.
const (
	RuleConfigSecret  = "config-secret"       // key = value / key: value whose key names a secret
	RulePEMPrivateKey = "pem-private-key"     // -----BEGIN ... PRIVATE KEY----- blocks
	RuleIPsecPSK      = "ipsec-psk"           // ipsec.secrets: ... : PSK "x", : PPK "id" "x"
	RuleIPsecPassword = "ipsec-password"      // ipsec.secrets: ... : XAUTH/EAP/NTLM/PIN [user] "x"
	RuleIPsecRSA      = "ipsec-rsa"           // ipsec.secrets: RSA private parts, key passphrases
	RuleXfrmKey       = "xfrm-key"            // ip xfrm state / setkey -D keys
	RuleURLCreds      = "url-credentials"     // scheme://user:password@host
	RuleBearer        = "bearer-token"        // Bearer <token>
	RuleHTTPAuth      = "http-authorization"  // Authorization: Basic <creds>
	RuleSNMPCommunity = "snmp-community"      // snmpd.conf rocommunity/rwcommunity/com2sec, trap sinks, snmpwalk -c
	RulePasswordHash  = "password-hash"       // crypt(3) and LDAP {SCHEME} hashes; htpasswd, shadow, .pgpass fields
	RuleToken         = "token"               // tokens with a known shape (AWS key ids, GitHub, GitLab, Slack, JWT...)
	RuleCommandLine   = "command-line-secret" // mysql -pX, --password X, curl -u u:X, sqlplus u/X, -w X...
)

// BuiltinRules lists the built-in rules with a one-line description each.
var BuiltinRules = []struct{ Name, Description string }{
	{RuleConfigSecret, "values of key = value / key: value lines whose key names a secret (password, passwd, secret, token, community, private/api/access key...)"},
	{RulePEMPrivateKey, "bodies of PEM private key blocks (BEGIN/END lines are kept)"},
	{RuleIPsecPSK, `IPsec pre-shared keys and PPKs: "@left @right : PSK "x"" keeps IDs and type; multi-line quoted values too`},
	{RuleIPsecPassword, "IPsec XAUTH, EAP, NTLM passwords and smartcard PINs in secrets files (user names and %smartcard slots kept)"},
	{RuleIPsecRSA, "RSA private parts (PrivateExponent, Prime1...; also a key block on one line) and key file passphrases in secrets files"},
	{RuleXfrmKey, "encryption and authentication keys in ip xfrm state and setkey -D output"},
	{RuleURLCreds, "passwords in URLs (scheme://user:password@host)"},
	{RuleBearer, "bearer tokens"},
	{RuleHTTPAuth, "credentials in Authorization headers (Basic, Digest, NTLM...)"},
	{RuleSNMPCommunity, "SNMP community strings in snmpd.conf (rocommunity, rwcommunity, com2sec), snmptrapd.conf (authCommunity, trap sinks), snmp-server community, snmpwalk -c"},
	{RulePasswordHash, "password hashes: crypt(3) ($1$, $2y$, $5$, $6$, $y$, $apr1$...), LDAP {SSHA}-style values, the hash field of htpasswd and shadow files, the password field of .pgpass"},
	{RuleToken, "tokens with a known shape, wherever they are: AWS access key ids, GitHub, GitLab, Slack tokens and webhooks, JWTs, Google API keys, Stripe, SendGrid, age secret keys"},
	{RuleCommandLine, "passwords on command lines (crontabs, sudo logs, ps): mysql -pX, --password X, --xauthpass X, curl -u user:X, sshpass -p X, ldapsearch -w X, redis-cli -a X, sqlplus user/X, smbclient -U user%X, -passout pass:X, -storepass X"},
}

// Marker is the text that replaces a secret found by rule.
func Marker(rule string) string { return "[REDACTED:" + rule + "]" }

// A replacement is a byte range of a line to replace with a rule's marker.
type replacement struct {
	start, end int
	rule       string
	// silent: the range is removed without a marker and not counted (the
	// later lines of a secret whose first line holds the marker).
	silent bool
}

// lineRule finds secrets in one line (without its line ending).
type lineRule struct {
	name string
	// needles are lower-case strings one of which a line must hold for
	// the rule to run: lines without any rule's needle are copied
	// without running a regular expression.
	needles []string
	// find returns the ranges to replace; secretsFile is set for files
	// whose name says they hold secrets (ipsec.secrets).
	find func(line []byte, secretsFile bool) []replacement
}

var (
	rePEMBegin = lazyre.New(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)
	rePEMEnd   = lazyre.New(`-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)

	reXfrm   = lazyre.New(`^[ \t]*(?:enc|auth|auth-trunc|aead)[ \t]+\S+[ \t]+(0x[0-9a-fA-F]+|"[^"]*")`)
	reSetkey = lazyre.New(`^\t[EA]:[ \t]+\S+[ \t]+([0-9a-fA-F]{8}(?:[ \t]+[0-9a-fA-F]{8})*)`)

	reURLCreds = lazyre.New(`(?i)\b[a-z][a-z0-9+.\-]*://[^/\s:@"'<>]+:([^/\s@"'<>]+)@`)
	reBearer   = lazyre.New(`(?i)\bbearer[ \t]+([A-Za-z0-9\-._~+/]{8,}=*)`)
	reHTTPAuth = lazyre.New(`(?i)\b(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:basic|digest|negotiate|ntlm)[ \t]+([^\s"',]+)`)
	reSNMP     = lazyre.List(
		`(?i)^[ \t]*(?:ro|rw)community6?[ \t]+(\S+)`,
		`(?i)^[ \t]*com2sec6?[ \t]+(?:-Cn[ \t]+\S+[ \t]+)?\S+[ \t]+\S+[ \t]+(\S+)`,
		`(?i)^[ \t]*(?:trapsink|trap2sink|informsink)[ \t]+\S+[ \t]+(\S+)`,
		`(?i)^[ \t]*trapcommunity[ \t]+(\S+)`,
		`(?i)^[ \t]*authcommunity[ \t]+\S+[ \t]+(\S+)`,
		`(?i)\bsnmp-server[ \t]+community[ \t]+(\S+)`,
		`(?i)\bsnmp(?:walk|get|getnext|bulkwalk|bulkget|set|table|trap|inform|netstat|status|df|delta|test)\b[^|;&\n]*?[ \t]-c[ \t]*(\S+)`,
	)
	reXMLElement = lazyre.New(`(?i)<([a-z0-9_.\-:]*(?:pass|pwd|secret|token|key|communit|credential|psk|kennwort)[a-z0-9_.\-]*)>([^<]+)</([a-z0-9_.\-:]+)>`)
	reAllStars   = lazyre.New(`^\*+$`)
)

// builtinLineRules run, in this order, on each line that holds a needle.
// Earlier rules win where ranges overlap.
var builtinLineRules = []lineRule{
	// ipsec-psk, ipsec-password and ipsec-rsa (ipsec.go). In a secrets
	// file they run as a parse over lines (Writer.secrets), not here.
	{RuleIPsecPSK, append([]string{"privateexponent", "prime1", "prime2", "exponent1", "exponent2", "coefficient"},
		colonNeedles("psk", "ppk", "xauth", "eap", "ntlm", "pin", "rsa", "ecdsa", "ed25519", "ed448", "bliss", "p12", "pkcs", "private")...),
		func(l []byte, secretsFile bool) []replacement {
			if secretsFile {
				return nil
			}
			return ipsecLine(l)
		}},
	{RuleXfrmKey, []string{"\tenc ", "\tauth", "\taead", "\te:", "\ta:"}, func(l []byte, _ bool) []replacement {
		if m := reXfrm().FindSubmatchIndex(l); m != nil {
			return []replacement{unquote(l, m[2], m[3], RuleXfrmKey)}
		}
		if m := reSetkey().FindSubmatchIndex(l); m != nil {
			return []replacement{{m[2], m[3], RuleXfrmKey, false}}
		}
		return nil
	}},
	{RuleURLCreds, []string{"://"}, func(l []byte, _ bool) []replacement { return allGroups(l, reURLCreds(), RuleURLCreds) }},
	{RuleBearer, []string{"bearer"}, func(l []byte, _ bool) []replacement { return allGroups(l, reBearer(), RuleBearer) }},
	{RuleHTTPAuth, []string{"authorization"}, func(l []byte, _ bool) []replacement { return allGroups(l, reHTTPAuth(), RuleHTTPAuth) }},
	{RuleSNMPCommunity, []string{"community", "com2sec", "trapsink", "trap2sink", "informsink", "snmp"}, func(l []byte, _ bool) []replacement {
		for _, re := range reSNMP() {
			if m := re.FindSubmatchIndex(l); m != nil {
				return []replacement{{m[2], m[3], RuleSNMPCommunity, false}}
			}
		}
		return nil
	}},
	{RuleToken, tokenNeedles, tokens},
	{RulePasswordHash, []string{"$1$", "$2a$", "$2b$", "$2x$", "$2y$", "$5$", "$6$", "$7$", "$y$", "$gy$", "$9$", "$apr1$", "$sha1$", "$md5", "{sha", "{ssha", "{crypt}", "{md5}", "{smd5}", "{pbkdf2", "{argon2", "{bcrypt}"},
		func(l []byte, _ bool) []replacement { return allGroups(l, reHash(), RulePasswordHash) }},
	{RuleConfigSecret, []string{"pass", "pwd", "secret", "token", "key", "communit", "credential", "psk", "kennwort", "bindpw", "rootpw", "authtok", "masterauth"}, configSecret},
	{RuleCommandLine, []string{"mysql", "mariadb", "--pass", "--xauthpass", "--secret", "--psk", "--bindpw", "--token", "--api-key", "curl", "sshpass", "ldap", "smbclient", "redis-cli", "pass:", "storepass", "keypass", "sqlplus", "expdp", "impdp", "exp ", "imp ", "rman", "sqlldr", "jdbc:", "htpasswd"},
		commandLine},
}

// colonNeedles are the ways a secrets-file type follows its colon.
func colonNeedles(types ...string) []string {
	var out []string
	for _, t := range types {
		out = append(out, ":"+t, ": "+t, ":\t"+t)
	}
	return out
}

// unquote narrows a quoted value's range to its inside, so that the
// quotes stay around the marker: PSK "[REDACTED:ipsec-psk]".
func unquote(l []byte, s, e int, rule string) replacement {
	if e-s >= 2 && (l[s] == '"' || l[s] == '\'') && l[e-1] == l[s] {
		return replacement{s + 1, e - 1, rule, false}
	}
	return replacement{s, e, rule, false}
}

func allGroups(l []byte, re *regexp.Regexp, rule string) []replacement {
	var out []replacement
	for _, m := range re.FindAllSubmatchIndex(l, -1) {
		out = append(out, replacement{m[2], m[3], rule, false})
	}
	return out
}

// keyValue finds "key = value" and "key: value" secrets. "=" counts
// anywhere in a line (user=bob password=x in a log); ":" only where the
// key starts the line or is quoted (YAML and JSON), so that a log line's
// "password policy: ..." or "bad password: user x" is left alone. It
// looks left of each separator for the key: one pass over the line.
func keyValue(l []byte, _ bool) []replacement { return keyValueSeps(l, true) }

// keyValueEquals is keyValue without ":" separators, for files whose
// "name:" lines are records, not settings.
func keyValueEquals(l []byte) []replacement { return keyValueSeps(l, false) }

func keyValueSeps(l []byte, colon bool) []replacement {
	var out []replacement
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c != '=' && (c != ':' || !colon) {
			continue
		}
		sepEnd := i + 1
		if c == '=' {
			if i > 0 && bytes.IndexByte([]byte("=!<>~"), l[i-1]) >= 0 {
				continue // ==, !=, <=, >=, ~= comparisons
			}
			if i+1 < len(l) && l[i+1] == '>' {
				sepEnd = i + 2 // =>
			}
		}
		// The key, left of optional blanks and an optional closing quote.
		j := i
		for j > 0 && (l[j-1] == ' ' || l[j-1] == '\t') {
			j--
		}
		var quote byte
		if j > 0 && (l[j-1] == '"' || l[j-1] == '\'') {
			quote = l[j-1]
			j--
		}
		keyEnd := j
		for j > 0 && isKeyByte(l[j-1]) {
			j--
		}
		keyStart := j
		if keyStart == keyEnd {
			continue
		}
		if quote != 0 && (keyStart == 0 || l[keyStart-1] != quote) {
			continue
		}
		before := l[:keyStart] // the text before the key and its quote
		if quote != 0 {
			before = l[:keyStart-1]
		}
		name := string(l[keyStart:keyEnd])
		if !isSecretKey(name) {
			continue
		}
		lineStart := atLineStart(before)
		quoted := quote != 0
		valStart := sepEnd
		for valStart < len(l) && (l[valStart] == ' ' || l[valStart] == '\t') {
			valStart++
		}
		if c == ':' {
			if !quoted && !lineStart {
				continue
			}
			if bytes.HasPrefix(l[sepEnd:], []byte("//")) { // a URL scheme, not a key
				continue
			}
		}
		if c == '=' && valStart < len(l) && (l[valStart] == '=' || l[valStart] == '~') {
			continue
		}
		// A bare "key" is a secret in a config line ("key = ..."), not
		// in running text ("duplicate key = 42").
		if strings.EqualFold(name, "key") && !lineStart && !quoted {
			continue
		}
		s, e := valueRange(l, valStart, lineStart || quoted)
		if s >= e {
			continue
		}
		v := l[s:e]
		if bytes.HasPrefix(v, []byte("[REDACTED:")) || reAllStars().Match(v) || isBoolWord(v) {
			continue
		}
		out = append(out, replacement{s, e, RuleConfigSecret, false})
		i = e - 1
	}
	// XML: <password>x</password>, <ns:secretKey>x</ns:secretKey>.
	for _, m := range reXMLElement().FindAllSubmatchIndex(l, -1) {
		open, closeTag := string(l[m[2]:m[3]]), string(l[m[6]:m[7]])
		name := open
		if i := strings.LastIndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		if open != closeTag || !isSecretKey(name) || reAllStars().Match(l[m[4]:m[5]]) {
			continue
		}
		out = append(out, replacement{m[4], m[5], RuleConfigSecret, false})
	}
	return out
}

func isKeyByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// atLineStart reports whether only indentation, a comment sign, a YAML
// list dash or a shell "export"/"set" precedes a key.
func atLineStart(prefix []byte) bool {
	p := strings.TrimSpace(string(prefix))
	for _, lead := range []string{"export ", "set ", "setenv ", "declare -x "} {
		p = strings.TrimSpace(strings.TrimPrefix(p, lead))
	}
	p = strings.TrimLeft(p, "#;!/- \t")
	return p == ""
}

// valueRange finds the value starting at i: a quoted string (its inside),
// the rest of a config line, or a word in running text.
func valueRange(l []byte, i int, wholeLine bool) (int, int) {
	if i >= len(l) {
		return i, i
	}
	if q := l[i]; q == '"' || q == '\'' {
		for j := i + 1; j < len(l); j++ {
			if l[j] == '\\' && q == '"' {
				j++
				continue
			}
			if l[j] == q {
				return i + 1, j
			}
		}
		return i + 1, len(l)
	}
	if wholeLine {
		e := len(l)
		for e > i && (l[e-1] == ' ' || l[e-1] == '\t') {
			e--
		}
		// A JSON or YAML flow value ends at a comma or brace.
		if e > i && (l[e-1] == ',' || l[e-1] == '}' || l[e-1] == ';') {
			e--
		}
		return i, e
	}
	// In running text the value ends at white space or a quote. Not at
	// "&" or ",": a password may hold them, and redacting a little too
	// much is better than leaving the end of a secret.
	e := i
	for e < len(l) && l[e] != ' ' && l[e] != '\t' && l[e] != '"' && l[e] != '\'' {
		e++
	}
	return i, e
}

// secretWords end a key that names a secret ("db_password", "apiToken").
var secretWords = map[string]bool{
	"password": true, "passwd": true, "passphrase": true, "passwort": true, "kennwort": true,
	"secret": true, "secrets": true, "token": true, "tokens": true,
	"community": true, "credential": true, "credentials": true, "psk": true,
	"apikey": true, "secretkey": true, "privatekey": true, "accesskey": true, "authkey": true, "authtok": true,
	"masterkey": true, "presharedkey": true, "sharedkey": true, "encryptionkey": true, "signingkey": true,
}

// keyQualifiers make a following "key" a secret ("private_key", "api-key").
var keyQualifiers = map[string]bool{
	"private": true, "secret": true, "api": true, "access": true, "auth": true, "encryption": true,
	"enc": true, "shared": true, "preshared": true, "master": true, "session": true, "signing": true,
	"hmac": true, "client": true, "psk": true, "license": true, "crypt": true, "cipher": true,
}

// isSecretKey decides whether a key name names a secret: its last word is
// a secret word ("bind_password", "apiToken"), a qualified "pass"/"pwd"
// ("smtpPass", "db_pwd"; alone they are too common), "key" after a
// qualifier ("private_key") or "key" itself.
func isSecretKey(name string) bool {
	name = strings.Trim(name, `"'`)
	lower := strings.ToLower(name)
	if !strings.Contains(lower, "pass") && !strings.Contains(lower, "pw") && !strings.Contains(lower, "secret") &&
		!strings.Contains(lower, "token") && !strings.Contains(lower, "key") && !strings.Contains(lower, "communit") &&
		!strings.Contains(lower, "credential") && !strings.Contains(lower, "psk") && !strings.Contains(lower, "kennwort") &&
		!strings.Contains(lower, "authtok") {
		return false
	}
	words := keyWords(name)
	if len(words) == 0 {
		return false
	}
	last := words[len(words)-1]
	switch {
	case secretWords[last]:
		return true
	case last == "pwd" || last == "pass" || last == "pw":
		// "PWD" and "OLDPWD" are the shell's directories; "pass" alone is
		// a verb. Qualified ("db_pwd", "bind_pass") they are passwords.
		return len(words) > 1 && words[len(words)-2] != "old"
	case last == "key":
		return len(words) == 1 || keyQualifiers[words[len(words)-2]]
	}
	// Run-together names: "ldappassword", "rootsecret", "apitoken".
	for _, w := range []string{"password", "passwd", "passphrase", "secret", "token", "apikey", "secretkey", "privatekey", "accesskey", "authkey", "community", "credentials"} {
		if strings.HasSuffix(last, w) {
			return true
		}
	}
	return false
}

// keyWords splits a key name into lower-case words at '_', '.', '-' and
// camelCase boundaries: "ldap.bindPassword" -> ldap, bind, password.
func keyWords(name string) []string {
	var words []string
	start := 0
	flush := func(end int) {
		if end > start {
			words = append(words, strings.ToLower(name[start:end]))
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c == '.' || c == '-':
			flush(i)
			start = i + 1
		case c >= 'A' && c <= 'Z' && i > start && (name[i-1] >= 'a' && name[i-1] <= 'z' || name[i-1] >= '0' && name[i-1] <= '9'):
			flush(i)
			start = i
		}
	}
	flush(len(name))
	return words
}

// isBoolWord reports a switch value ("cache_credentials = True"): a
// setting, not a secret.
func isBoolWord(v []byte) bool {
	switch strings.ToLower(string(v)) {
	case "true", "false", "yes", "no", "on", "off", "none", "null":
		return true
	}
	return false
}
