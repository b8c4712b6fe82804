#!/bin/bash
# CA-signed identity certificates against a running two-node cluster:
# cert csr makes a request from a key that stays on the publisher, a
# test CA (root, then intermediate, uploaded as trust) signs it, cert
# upload puts it in place; the ITL and TVS follow.  Each bad upload
# says why and changes nothing.
#   test_cert_csr.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/cert_lib.sh"

make_cluster 2
BASE=${SERVER#*:}
TVS_PUB=$SUBNET.2:$((BASE + 1))
CA=$WORK/ca
mkdir -p "$CA"

# A root, the intermediate that signs, and another intermediate that is
# never uploaded (the gap).
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$CA/ca.ext"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$CA/root.key" -out "$CA/root.pem" \
	-subj "/O=Lab/CN=Lab Root CA" -days 3650 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	2>/dev/null || { echo "root CA"; exit 1; }
for i in int other; do
	openssl req -newkey rsa:2048 -nodes -keyout "$CA/$i.key" -out "$CA/$i.csr" \
		-subj "/O=Lab/CN=Lab ${i^} CA" 2>/dev/null &&
	openssl x509 -req -in "$CA/$i.csr" -CA "$CA/root.pem" -CAkey "$CA/root.key" \
		-set_serial "0x$(openssl rand -hex 8)" -days 1825 -extfile "$CA/ca.ext" \
		-out "$CA/$i.pem" 2>/dev/null || { echo "intermediate $i"; exit 1; }
done
sign() {        # CSR OUT [ISSUER]: the CA signs, copying the names
	openssl x509 -req -in "$1" -CA "$CA/${3:-int}.pem" -CAkey "$CA/${3:-int}.key" \
		-set_serial "0x$(openssl rand -hex 8)" -days 365 -copy_extensions copy \
		-out "$2" 2>/dev/null
}
sign_expired() { # CSR OUT: valid in 2020 only
	local db=$CA/db
	mkdir -p "$db"
	: >"$db/index.txt"
	cat >"$db/ca.cnf" <<CNF
[ca]
default_ca = lab
[lab]
database = $db/index.txt
new_certs_dir = $db
serial = $db/serial
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
CNF
	openssl rand -hex 8 >"$db/serial"
	openssl ca -batch -config "$db/ca.cnf" -cert "$CA/int.pem" -keyfile "$CA/int.key" \
		-startdate 20200101000000Z -enddate 20201231000000Z -notext \
		-in "$1" -out "$2" 2>/dev/null
}
sans() { openssl req -in "$1" -noout -text | grep -A1 "Subject Alternative Name" | tail -1; }
certlist() {    # cert list --json without what counts down
	"$CTL" cert list $NET --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("node_certificates", "trust_certificates"):
    for c in d.get(k, []):
        c.pop("days_left", None)
json.dump(d, sys.stdout, sort_keys=True)'
}
state() { snapshot; certlist; ls "$DIR"/nodes/*/; }

# The request: a PEM CSR, the node's subject and names, a key kept on
# the publisher and nowhere else.
expect_rc 0 "csr CallManager of cucm-pub" "$CTL" cert csr --node cucm-pub \
	--type CallManager -o "$WORK/cm.csr" $NET
openssl req -in "$WORK/cm.csr" -noout -verify 2>/dev/null &&
	pass "... a CSR whose signature verifies" || fail "... not a valid CSR"
[ "$(stat -c %a "$WORK/cm.csr")" = 644 ] && pass "... written 0644" || fail "... mode"
openssl req -in "$WORK/cm.csr" -noout -subject | grep -q "CN *= *cucm-pub" &&
	pass "... the node's subject" || fail "... subject"
s=$(sans "$WORK/cm.csr")
case $s in *DNS:cucm-pub*"IP Address:$SUBNET.2"*) case $s in *cucm-sub1*) fail "... single-server SAN names sub1";;
	*) pass "... SAN: this node's name and address";; esac;; *) fail "... SAN: $s";; esac
[ "$(stat -c %a "$DIR/nodes/cucm-pub/CallManager.csr.key")" = 600 ] &&
	pass "... the pending key on the publisher, 0600" || fail "... pending key"
grep -q "PRIVATE KEY" "$WORK/cm.csr" "$WORK/out" && fail "... a key left the publisher" ||
	pass "... no key in the answer"
# -o never writes over a file.
echo keep >"$WORK/taken"
expect_rc 2 "csr -o an existing file: refused" "$CTL" cert csr --node cucm-pub \
	--type CallManager -o "$WORK/taken" $NET
expect_in "$WORK/err" "exists" "... says why"
[ "$(cat "$WORK/taken")" = keep ] && pass "... the file untouched" || fail "... file overwritten"
# Multi-server: every node's names.
expect_rc 0 "csr --multi-san Tomcat of cucm-sub1" "$CTL" cert csr --node cucm-sub1 \
	--type Tomcat --multi-san -o "$WORK/tc.csr" --json $NET
s=$(sans "$WORK/tc.csr")
case $s in *DNS:cucm-pub*DNS:cucm-sub1*"IP Address:$SUBNET.2"*"IP Address:$SUBNET.3"*)
	pass "... SAN: every node";; *) fail "... SAN: $s";; esac
grep -q '"multi_san": *true' "$WORK/out" && pass "... --json says multi_san" || fail "... json"
# A new request replaces the pending one.
k0=$(sha1sum <"$DIR/nodes/cucm-pub/CallManager.csr.key")
expect_rc 0 "a second csr" "$CTL" cert csr --node cucm-pub --type CallManager \
	-o "$WORK/cm2.csr" $NET
[ "$(sha1sum <"$DIR/nodes/cucm-pub/CallManager.csr.key")" != "$k0" ] &&
	pass "... replaces the pending key" || fail "... pending key kept"
# What a request is refused for.
csr_refuse() {  # DESCRIPTION REGEX ARGS...
	local what=$1 re=$2
	shift 2
	expect_rc 1 "csr refused: $what" "$CTL" cert csr -o "$WORK/never.csr" "$@" $NET
	expect_in "$WORK/err" "$re" "... says why"
	[ ! -e "$WORK/never.csr" ] && pass "... no file" || fail "... a file written"
}
csr_refuse "ITLRecovery" "ITLRecovery certificate cannot be signed" --node cucm-pub --type ITLRecovery
csr_refuse "CAPF on a subscriber" "cucm-sub1 has no CAPF" --node cucm-sub1 --type CAPF
csr_refuse "unknown type" "unknown certificate type Foo" --node cucm-pub --type Foo
csr_refuse "unknown node" "no node cucm-sub9" --node cucm-sub9 --type CallManager

sign "$WORK/cm2.csr" "$WORK/cm.pem" || fail "signing"
sign "$WORK/cm2.csr" "$WORK/gap.pem" other || fail "signing (other)"
sign "$WORK/cm.csr" "$WORK/oldkey.pem" || fail "signing (old request)"
sign_expired "$WORK/cm2.csr" "$WORK/expired.pem" || fail "signing (expired)"
echo "not a certificate" >"$WORK/junk.pem"

# The intermediate alone: the root is the missing link.
expect_rc 0 "trust upload the intermediate" "$CTL" trust upload --purpose CallManager-trust \
	"$CA/int.pem" $NET
state >"$WORK/before"
up_refuse() {   # DESCRIPTION REGEX ARGS...
	local what=$1 re=$2
	shift 2
	expect_rc 1 "upload refused: $what" "$CTL" cert upload "$@" $NET
	expect_in "$WORK/err" "$re" "... says why"
}
up_refuse "root missing" "\"CN=Lab Root CA,O=Lab\", the issuer of \"CN=Lab Int CA,O=Lab\", is not in CallManager-trust" \
	--node cucm-pub --type CallManager --cert "$WORK/cm.pem"
state >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" && pass "... nothing changed" ||
	{ fail "... state changed"; diff "$WORK/before" "$WORK/after" | head; }

expect_rc 0 "trust upload the root" "$CTL" trust upload --purpose CallManager-trust \
	"$CA/root.pem" $NET
state >"$WORK/before"
up_refuse "a chain with a gap" "\"CN=Lab Other CA,O=Lab\", the issuer of \"[^\"]*CN=cucm-pub\", is not in CallManager-trust" \
	--node cucm-pub --type CallManager --cert "$WORK/gap.pem"
up_refuse "the key of an older request" "not the key of the pending request" \
	--node cucm-pub --type CallManager --cert "$WORK/oldkey.pem"
up_refuse "an expired certificate" "is expired" \
	--node cucm-pub --type CallManager --cert "$WORK/expired.pem"
up_refuse "no pending request" "no pending request for the CallManager-ECDSA certificate of cucm-pub" \
	--node cucm-pub --type CallManager-ECDSA --cert "$WORK/cm.pem"
up_refuse "unknown type" "unknown certificate type Foo" \
	--node cucm-pub --type Foo --cert "$WORK/cm.pem"
up_refuse "unknown node" "no node cucm-sub9" \
	--node cucm-sub9 --type CallManager --cert "$WORK/cm.pem"
up_refuse "CAPF on a subscriber" "cucm-sub1 has no CAPF" \
	--node cucm-sub1 --type CAPF --cert "$WORK/cm.pem"
up_refuse "ITLRecovery" "ITLRecovery certificate cannot be signed" \
	--node cucm-pub --type ITLRecovery --cert "$WORK/cm.pem"
up_refuse "ITLRecovery on a subscriber" "ITLRecovery certificate cannot be signed" \
	--node cucm-sub1 --type ITLRecovery --cert "$WORK/cm.pem"
expect_rc 2 "upload refused: not a certificate" "$CTL" cert upload --node cucm-pub \
	--type CallManager --cert "$WORK/junk.pem" $NET
expect_in "$WORK/err" "not a certificate" "... says why"
state >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" && pass "bad uploads changed nothing" ||
	{ fail "bad uploads changed something"; diff "$WORK/before" "$WORK/after" | head; }

# The signed certificate goes in.
old=$(fp "$DIR/nodes/cucm-pub/CallManager.pem")
new=$(fp "$WORK/cm.pem")
i0=$(itl_sums)
expect_rc 0 "upload the CA-signed CallManager" "$CTL" cert upload --node cucm-pub \
	--type CallManager --cert "$WORK/cm.pem" --json $NET
cp "$WORK/out" "$WORK/up.json"
python3 - "$WORK/up.json" "$old" "$new" "$(itl_sums)" "$i0" <<'PY' &&
import json, sys
j, old, new, sums, before = json.load(open(sys.argv[1])), *sys.argv[2:]
sums, before = sums.split(), before.split()
ok = j["old_sha1"] == old and j["new_sha1"] == new and j["itl_rebuilt"]
ok = ok and all(s == j["itl_sha1"] for s in sums) and sums != before
ok = ok and len(j["nodes"]) == 2 and all(n["passed"] for n in j["nodes"])
sys.exit(0 if ok else 1)
PY
	pass "... answer: new SHA1, ITL rebuilt on every node" ||
	{ fail "... answer"; cat "$WORK/up.json"; }
[ "$(fp "$DIR/nodes/cucm-pub/CallManager.pem")" = "$new" ] &&
	pass "... the node's certificate" || fail "... certificate not replaced"
[ ! -e "$DIR/nodes/cucm-pub/CallManager.csr.key" ] && pass "... no longer pending" ||
	fail "... pending key left"
[ "$(openssl pkey -in "$DIR/nodes/cucm-pub/CallManager.key" -pubout 2>/dev/null | sha1sum)" = \
  "$(openssl x509 -in "$WORK/cm.pem" -noout -pubkey | sha1sum)" ] &&
	pass "... the pending key is the node's key" || fail "... key"
serial=$(openssl x509 -in "$WORK/cm.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
certlist >"$WORK/list.json"
python3 - "$WORK/list.json" "$serial" <<'PY' &&
import json, sys
d, serial = json.load(open(sys.argv[1])), sys.argv[2].lstrip("0")
c = [c for c in d["node_certificates"] if c["node"] == "cucm-pub" and c["type"] == "CallManager"][0]
sys.exit(0 if not c["self_signed"] and c["serial"].lstrip("0") == serial else 1)
PY
	pass "... cert list: CA-signed, the new serial" ||
	{ fail "... cert list"; grep -o '"node": "cucm-pub", "type": "CallManager"[^}]*' "$WORK/list.json"; }
"$CTL" cert list $NET | grep -A1 "^cucm-pub *CallManager " | grep -q "CA-signed" &&
	pass "... cert list text: CA-signed" || fail "... cert list text"
for n in $NODES; do
	"$CTL" show --json "$DIR/nodes/$n/tftp/ITLFile.tlv" >"$WORK/itl.json" 2>&1
	grep -q "\"cert_sha1\": *\"$new\"" "$WORK/itl.json" &&
		pass "... $n's ITL holds the new certificate" || fail "... $n's ITL"
done
tvs_valid "$WORK/cm.pem" CCM+TFTP && pass "... TVS vouches for it as CCM+TFTP" || fail "... TVS"
"$CTL" audit $NET --limit 100 --json >"$WORK/audit.json" 2>&1
python3 - "$WORK/audit.json" "$old" "$new" <<'PY' &&
import json, sys
a, old, new = json.load(open(sys.argv[1]))["entries"], sys.argv[2], sys.argv[3]
sys.exit(0 if any(e["operation"] == "cert-upload" and e["old_sha1"] == old and
                  e["new_sha1"] == new and e["message"] == "cucm-pub CallManager"
                  for e in a) else 1)
PY
	pass "... audited cert-upload" || fail "... audit"
expect_rc 0 "... health: no finding" "$CTL" health $NET --json
expect_rc 1 "the same upload again: no pending request" "$CTL" cert upload --node cucm-pub \
	--type CallManager --cert "$WORK/cm.pem" $NET
expect_in "$WORK/err" "no pending request" "... says why"

# Other types check their own store: TVS goes through CallManager-trust
# (and into the ITL), IPsec through IPsec-trust, which the CA is not in
# until its certificates are uploaded there too.
other() {       # NODE TYPE ITL-CHANGES
	local n=$1 t=$2 changes=$3 i0 new
	expect_rc 0 "csr $t of $n" "$CTL" cert csr --node "$n" --type "$t" \
		-o "$WORK/$n-$t.csr" $NET
	sign "$WORK/$n-$t.csr" "$WORK/$n-$t.pem" || fail "signing $t"
	new=$(fp "$WORK/$n-$t.pem")
	i0=$(itl_sums)
	expect_rc 0 "upload the CA-signed $t of $n" "$CTL" cert upload --node "$n" \
		--type "$t" --cert "$WORK/$n-$t.pem" $NET
	[ "$(fp "$DIR/nodes/$n/$(file_of "$t").pem")" = "$new" ] &&
		pass "... in place" || fail "... not in place"
	if [ "$changes" = yes ]; then
		[ "$(itl_sums)" != "$i0" ] && "$CTL" show --json \
			"$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" | grep -q "\"cert_sha1\": *\"$new\"" &&
			pass "... the ITL holds it" || fail "... ITL"
	else
		[ "$(itl_sums)" = "$i0" ] && pass "... the ITL unchanged" || fail "... ITL changed"
	fi
}
other cucm-sub1 TVS yes
expect_rc 0 "csr IPsec of cucm-sub1" "$CTL" cert csr --node cucm-sub1 --type IPsec \
	-o "$WORK/ipsec.csr" $NET
sign "$WORK/ipsec.csr" "$WORK/ipsec.pem" || fail "signing IPsec"
expect_rc 1 "IPsec refused while IPsec-trust lacks the CA" "$CTL" cert upload --node cucm-sub1 \
	--type IPsec --cert "$WORK/ipsec.pem" $NET
expect_in "$WORK/err" "\"CN=Lab Int CA,O=Lab\", the issuer of .* is not in IPsec-trust" "... names IPsec-trust"
for f in root int; do
	expect_rc 0 "trust upload $f to IPsec-trust" "$CTL" trust upload --purpose IPsec-trust \
		"$CA/$f.pem" $NET
done
other cucm-sub1 IPsec no

finish
