#!/bin/bash
# ctl reset localkey (CUCM's `utils ctl reset localkey`), rehearsed on a
# running 2-node cluster: refused on a non-secure cluster (no CTL) with
# nothing changed; on a token-based mixed-mode cluster the CTL keeps its
# records and is re-signed by the publisher's CallManager key, and phones
# holding the token CTL take it through TVS (CallManager is no SAST of
# their CTL); on a tokenless cluster they take it directly.
#   test_ctl_reset.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/recovery_lib.sh"

MODELS=8845:10,7975:5,7960:5

state() {       # what a refusal must leave alone
	for n in cucm-pub cucm-sub1; do
		node_sha1 $n
		itl_sha1 $n
	done
	python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT security_mode, ctl_mode FROM settings").fetchone())' "$DIR/state.db"
}

make_cluster 2 --tvs-tls 1.0
make_tokens

before=$(state)
expect_rc 1 "ctl reset localkey on a non-secure cluster: refused" $CTL ctl reset localkey --yes $NET
expect_in "$WORK/err" "no CTL" "it says there is no CTL"
[ "$(state)" = "$before" ] && pass "nothing changed" || fail "the state changed"

expect_rc 0 "set-mixed-mode with the eTokens" $CTL set-mixed-mode --token "$T1" --token "$T2" --yes $NET
wait_for 15 sh -c "[ -f '$DIR/nodes/cucm-sub1/tftp/CTLFile.tlv' ]"
expect_rc 0 "snapshot: phones hold the token CTL" $CTL rehearse $NET --snapshot "$WORK/s0"
$CTL show --json "$WORK/s0/CTLFile.tlv" >"$WORK/old.json"

expect_rc 0 "ctl reset localkey" $CTL ctl reset localkey --yes --json $NET
sha=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ctl_sha1"])' "$WORK/out")
holds() { [ "$(node_sha1 cucm-pub)" = "$sha" ] && [ "$(node_sha1 cucm-sub1)" = "$sha" ]; }
wait_for 10 holds && pass "every node holds the reset CTL" || fail "reset CTL not spread"
expect_rc 0 "show the reset CTL" $CTL show --json "$DIR/nodes/cucm-sub1/tftp/CTLFile.tlv"
python3 - "$WORK/out" "$WORK/old.json" "$DIR/nodes/cucm-pub/CallManager.pem" <<'PY' &&
import json, subprocess, sys
new, old = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
fp = subprocess.run(["openssl", "x509", "-in", sys.argv[3], "-noout", "-fingerprint", "-sha1"],
                    capture_output=True, text=True, check=True).stdout.split("=")[1].strip().replace(":", "").lower()
assert new["signature_valid"]
r = new["records"]
assert r[0]["role"] == "SAST" and r[0]["signer"] and r[0]["cert_sha1"] == fp, r[0]
assert [(x["role"], x["cert_sha1"]) for x in r[1:]] == [(x["role"], x["cert_sha1"]) for x in old["records"]]
PY
	pass "the same records, signed by the publisher's CallManager (a SAST record first)" ||
	fail "reset CTL records"
expect_rc 0 "status --json" $CTL status --json $NET
expect_in "$WORK/out" '"ctl_mode": *"tokenless"' "the cluster is now tokenless"
rehearse 0 "phones holding the token CTL (a 7960 only warns)" "$WORK/s0" \
	'm["8845"]["ctl"]["via_tvs"] == 10 and m["7975"]["ctl"]["via_tvs"] == 5 and m["7960"]["ctl"]["rejected"] == 5 and m["7960"]["ctl"]["reasons"] == {"unknown-signer-no-tvs": 5}'

expect_rc 0 "snapshot: phones hold the tokenless CTL" $CTL rehearse $NET --snapshot "$WORK/s1"
expect_rc 0 "ctl reset localkey again" $CTL ctl reset localkey --yes $NET
rehearse 0 "phones holding a tokenless CTL" "$WORK/s1" \
	'all(m[x]["ctl"]["direct"] == m[x]["phones"] for x in ("8845", "7975", "7960"))'
expect_rc 0 "audit" $CTL audit --json $NET
expect_in "$WORK/out" "ctl-reset-localkey" "the audit log records the reset"
expect_rc 0 "ctl --help" $CTL ctl --help
expect_rc 2 "ctl reset with another key" $CTL ctl reset remotekey --yes $NET
finish
