#!/bin/bash
# ctlclient cert regenerate against a running two-node cluster: each
# type of each node gets a new serial, the trust stores and the ITL
# follow (every node serves the rebuilt ITL), the audit log records it,
# TVS vouches for the new ECDSA certificates.  The refusals are
# test_cert_refusals.sh.
#   test_cert_regenerate.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/cert_lib.sh"

make_cluster 2
BASE=${SERVER#*:}
TVS_PUB=$SUBNET.2:$((BASE + 1))

# The types per node.
for n in $NODES; do
	for t in CallManager CallManager-ECDSA Tomcat Tomcat-ECDSA IPsec TVS; do
		[ -f "$DIR/nodes/$n/$(file_of $t).pem" ] || fail "$n has no $t"
	done
done
[ -f "$DIR/nodes/cucm-pub/CAPF.pem" ] && [ -f "$DIR/nodes/cucm-pub/ITLRecovery.pem" ] &&
	[ ! -e "$DIR/nodes/cucm-sub1/CAPF.pem" ] && [ ! -e "$DIR/nodes/cucm-sub1/ITLRecovery.pem" ] &&
	pass "CAPF and ITLRecovery on the publisher only" || fail "CAPF and ITLRecovery placement"
openssl x509 -in "$DIR/nodes/cucm-sub1/CallManager-ECDSA.pem" -noout -text |
	grep -q "NIST CURVE: P-256" && pass "CallManager-ECDSA is EC P-256" ||
	fail "CallManager-ECDSA key"

# TVS vouches for the ECDSA certificates through their trust stores.
tvs_valid "$DIR/nodes/cucm-sub1/CallManager-ECDSA.pem" CCM &&
	pass "TVS: CallManager-ECDSA trusted as CCM" || fail "TVS CallManager-ECDSA"
tvs_valid "$DIR/nodes/cucm-pub/Tomcat-ECDSA.pem" APP-SERVER &&
	pass "TVS: Tomcat-ECDSA trusted as APP-SERVER" || fail "TVS Tomcat-ECDSA"

# Each type of each node.
regen() {       # NODE TYPE ITL-CHANGES [KEY [TYPE AS TYPED]]
	local n=$1 t=$2 changes=$3 key=${4:-} typed=${5:-$2} s0 i0 old new
	s0=$(serial "$n" "$t")
	i0=$(itl_sums)
	old=$(fp "$DIR/nodes/$n/$(file_of "$t").pem")
	expect_rc 0 "regenerate $n $t${key:+ --key $key}" "$CTL" cert regenerate \
		--node "$n" --type "$typed" ${key:+--key "$key"} --yes --json $NET
	cp "$WORK/out" "$WORK/regen.json"
	[ "$(serial "$n" "$t")" != "$s0" ] && pass "... new serial" || fail "... serial kept"
	new=$(fp "$DIR/nodes/$n/$(file_of "$t").pem")
	python3 - "$WORK/regen.json" "$old" "$new" "$changes" "$(itl_sums)" "$i0" "$key" <<'PY' &&
import json, sys
j, old, new, changes, sums, before, key = json.load(open(sys.argv[1])), *sys.argv[2:]
sums, before = sums.split(), before.split()
ok = j["old_sha1"] == old and j["new_sha1"] == new
ok = ok and j["itl_rebuilt"] == (changes == "yes")
if changes == "yes":
    # every node serves the rebuilt ITL, and it is a new one
    ok = ok and all(s == j["itl_sha1"] for s in sums) and sums != before
    ok = ok and len(j["nodes"]) == 2 and all(n["passed"] for n in j["nodes"])
else:
    ok = ok and sums == before
if key == "ec384":
    ok = ok and j["key"] == "EC P-384"
sys.exit(0 if ok else 1)
PY
	pass "... answer, ITL (changed: $changes) on every node" ||
		{ fail "... answer or ITL"; cat "$WORK/regen.json"; }
	echo "$n|$t|$old|$new" >>"$WORK/regens"
}
for t in CallManager TVS ITLRecovery CAPF; do regen cucm-pub "$t" yes; done
for t in CallManager-ECDSA Tomcat Tomcat-ECDSA; do regen cucm-pub "$t" no; done
regen cucm-pub IPsec no rsa2048
regen cucm-sub1 TVS yes
regen cucm-sub1 CallManager-ECDSA no ec384 callmanager-ecdsa
# The audit log and the trust stores after all of them.
"$CTL" audit $NET --limit 1000 --json >"$WORK/audit.json" 2>&1
"$CTL" trust list $NET --json >"$WORK/trust.json" 2>&1
python3 - "$WORK/regens" "$WORK/audit.json" "$WORK/trust.json" <<'PY' &&
import json, sys
audit = json.load(open(sys.argv[2]))["entries"]
certs = json.load(open(sys.argv[3]))["certificates"]
have = {(c["purpose"], c["sha1"]) for c in certs}
stores = {"CallManager-ECDSA": "CallManager-trust", "Tomcat-ECDSA": "tomcat-trust"}
ok = True
for line in open(sys.argv[1]):
    n, t, old, new = line.strip().split("|")
    if not any(e["operation"] == "cert-regenerate" and e["old_sha1"] == old and
               e["new_sha1"] == new and e["message"] == f"{n} {t}" for e in audit):
        print("not audited:", n, t); ok = False
    if any(c["sha1"] == old for c in certs):
        print("old certificate still trusted:", n, t); ok = False
    if t in stores and (stores[t], new) not in have:
        print("new certificate not in", stores[t], n, t); ok = False
sys.exit(0 if ok else 1)
PY
	pass "each regeneration audited, the trust stores hold the new certificates only" ||
	fail "audit or trust stores"
tvs_valid "$DIR/nodes/cucm-sub1/CallManager-ECDSA.pem" CCM &&
	pass "TVS: the regenerated P-384 CallManager-ECDSA trusted" || fail "TVS after regenerate"

finish
