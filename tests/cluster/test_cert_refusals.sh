#!/bin/bash
# What cert regenerate refuses, over the network and on the host: an
# unknown type or node, a type the node does not have, a key the type
# cannot have, a client not logged in.  Each says why and changes
# nothing: no certificate, key, ITL, trust store or audit entry.
#   test_cert_refusals.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/cert_lib.sh"

make_cluster 2

# Refusals: a clear message, exit 1, nothing changed.
snapshot >"$WORK/before"
refuse() {      # DESCRIPTION REGEX ARGS...
	local what=$1 re=$2
	shift 2
	expect_rc 1 "refused: $what" "$CTL" cert regenerate --yes "$@"
	expect_in "$WORK/err" "$re" "... says why"
}
refuse "unknown type" "unknown certificate type Foo" --node cucm-pub --type Foo $NET
refuse "internal client certificate" "unknown certificate type client" --node cucm-pub --type client $NET
refuse "unknown node" "no node cucm-sub9" --node cucm-sub9 --type CallManager $NET
refuse "CAPF on a subscriber" "cucm-sub1 has no CAPF" --node cucm-sub1 --type CAPF $NET
refuse "ITLRecovery on a subscriber" "cucm-sub1 has no ITLRecovery" --node cucm-sub1 --type ITLRecovery $NET
refuse "an EC key for an RSA type" "has an RSA key" --node cucm-pub --type CallManager --key ec256 $NET
refuse "an unknown key" "unknown key type rsa1024" --node cucm-pub --type CallManager --key rsa1024 $NET
# The signature header of the CTL and ITL names 1024, 2048 or 4096 bits:
# a key that signs them cannot be 3072 bits.
refuse "a 3072-bit ITLRecovery key" "ITLRecovery key signs.*rsa2048 or rsa4096" \
	--node cucm-pub --type ITLRecovery --key rsa3072 $NET
refuse "a 3072-bit CallManager key" "CallManager key signs.*rsa2048 or rsa4096" \
	--node cucm-sub1 --type CallManager --key rsa3072 $NET
echo wrong-password >"$WORK/badpw"
refuse "a wrong password" "." --node cucm-pub --type CallManager --server "$SERVER" \
	--user admin --password-file "$WORK/badpw" --cafile "$DIR/trust.pem"
# Not logged in: the request alone, as a client that skips LOGIN.
python3 - "$SERVER" "$DIR/trust.pem" >"$WORK/out" 2>&1 <<'PY' &&
import socket, ssl, struct, sys
host, port = sys.argv[1].split(":")
ctx = ssl.create_default_context(cafile=sys.argv[2])
ctx.check_hostname = False
s = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=10))
body = b"".join(struct.pack(">HI", t, len(v)) + v
                for t, v in ((16, b"cucm-pub"), (50, b"CallManager")))
s.sendall(b"CTLP" + struct.pack(">BBHII", 1, 0x16, 0, 1, len(body)) + body)
head = s.recv(16)
n = struct.unpack(">I", head[12:16])[0]
data = b""
while len(data) < n:
    data += s.recv(n - len(data))
off, code = 0, None
while off < len(data):
    t, ln = struct.unpack(">HI", data[off:off + 6])
    if t == 12:
        code = struct.unpack(">I", data[off + 6:off + 10])[0]
    off += 6 + ln
print(head[5], code)
sys.exit(0 if head[5] == 0x81 and code == 3 else 1)
PY
	pass "refused: not logged in (error 3)" || { fail "not logged in"; cat "$WORK/out"; }
expect_rc 2 "no --type: bad usage" "$CTL" cert regenerate --yes --node cucm-pub $NET
# --json: one object on standard output whatever the outcome.
jcheck() {      # DESCRIPTION PYTHON-CONDITION on j
	python3 - "$WORK/out" "$2" <<'PY' && pass "$1" || { fail "$1"; sed 's/^/    | /' "$WORK/out"; }
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
expect_rc 1 "cert regenerate --json, refused" "$CTL" cert regenerate --yes --json \
	--node cucm-sub9 --type CallManager $NET
jcheck "... one object: not ok, the reason, no certificate" \
	'j["operation"] == "cert regenerate" and not j["ok"] and "no node cucm-sub9" in j["error"]["message"] and j["node"] is None and j["serial"] is None and j["nodes"] == []'
expect_rc 2 "cert regenerate --json without --yes" "$CTL" cert regenerate --json \
	--node cucm-pub --type Tomcat $NET
jcheck "... one object: bad usage naming --yes" \
	'j["result"] == "bad_usage" and "--yes" in j["error"]["message"]'
expect_rc 1 "cert upload --json without a pending request" "$CTL" cert upload --json \
	--node cucm-pub --type CallManager --cert "$DIR/nodes/cucm-pub/CallManager.pem" $NET
jcheck "... one object: not ok, the reason" \
	'j["operation"] == "cert upload" and not j["ok"] and j["error"]["message"] and j["new_sha1"] is None'
expect_rc 2 "cert without a sub-command" "$CTL" cert
expect_rc 2 "cert with an unknown sub-command" "$CTL" cert frobnicate
snapshot >"$WORK/after"
# The refused logins are not audited, and nothing else is.
cmp -s "$WORK/before" "$WORK/after" && pass "the refusals changed nothing" ||
	{ fail "a refusal changed something"; diff "$WORK/before" "$WORK/after" | head; }

# Host side: every type, the same checks of the node.
s0=$(serial cucm-sub1 IPsec)
expect_rc 0 "ctlpublisherd regenerate --cert IPsec" "$PUBD" regenerate "$DIR" \
	--node cucm-sub1 --cert ipsec
[ "$(serial cucm-sub1 IPsec)" != "$s0" ] && pass "... new serial" || fail "... serial kept"
expect_rc 0 "ctlpublisherd regenerate --cert Tomcat-ECDSA --key ec384" "$PUBD" \
	regenerate "$DIR" --node cucm-pub --cert Tomcat-ECDSA --key ec384
expect_in "$WORK/out" "EC P-384" "... EC P-384"
snapshot >"$WORK/before"
expect_rc 2 "ctlpublisherd regenerate --cert CAPF on a subscriber" "$PUBD" regenerate \
	"$DIR" --node cucm-sub1 --cert CAPF
expect_in "$WORK/err" "cucm-sub1 has no CAPF" "... says why"
expect_rc 2 "ctlpublisherd regenerate --cert client" "$PUBD" regenerate "$DIR" \
	--node cucm-pub --cert client
expect_rc 2 "ctlpublisherd regenerate: a 3072-bit ITLRecovery key" "$PUBD" \
	regenerate "$DIR" --node cucm-pub --cert ITLRecovery --key rsa3072
expect_in "$WORK/err" "ITLRecovery key signs" "... says why"
snapshot >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" && pass "... and changed nothing" ||
	fail "a host-side refusal changed something"

finish
