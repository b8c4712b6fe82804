#!/bin/bash
# Cisco's non-secure to mixed-mode (tokenless) path on a 3-node
# cluster: afterwards every node serves the same CTL, signed by the
# publisher's CallManager certificate, holding it as SAST and as CCM+TFTP,
# plus CAPF, every node's CCM+TFTP record and the publisher's ITLRecovery
# certificate as a second SAST (it signs the ITL).
#   test_tokenless.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"

make_cluster 3
expect_rc 0 "status of a new cluster" $CTL status --json $NET
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["security_mode"] == 0 and j["ctl_mode"] == "none", j
assert [n["name"] for n in j["nodes"]] == ["cucm-pub", "cucm-sub1", "cucm-sub2"]
assert all(n["reachable"] for n in j["nodes"]), j
assert [n["publisher"] for n in j["nodes"]] == [True, False, False]
' "$WORK/out" && pass "non-secure, no CTL, 3 nodes reachable" || fail "status content"

expect_rc 0 "tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $NET
expect_in "$WORK/out" "Restart the TFTP and Cisco CallManager services" "tells which services to restart"
pub=$(node_sha1 cucm-pub)
[ "$pub" != none ] && [ "$(node_sha1 cucm-sub1)" = "$pub" ] &&
	[ "$(node_sha1 cucm-sub2)" = "$pub" ] &&
	pass "every node holds the same CTL ($pub)" || fail "nodes differ"

expect_rc 0 "the CTL verifies" $CTL show --json "$DIR/nodes/cucm-sub2/tftp/CTLFile.tlv"
python3 - "$WORK/out" "$DIR" <<'PY' && pass "signed by the publisher's CallManager certificate; SAST, CCM+TFTP, CAPF, every node, ITLRecovery" || fail "CTL content"
import json, subprocess, sys
j = json.load(open(sys.argv[1]))
recs = [(r["role"], r["dns_name"]) for r in j["records"]]
assert recs == [("SAST", "cucm-pub"), ("CCM+TFTP", "cucm-pub"),
                ("CAPF", "cucm-pub"), ("CCM+TFTP", "cucm-sub1"),
                ("CCM+TFTP", "cucm-sub2"), ("SAST", "cucm-pub")], recs
assert j["records"][0]["signer"] and j["signature_valid"]
fp = subprocess.run(["openssl", "x509", "-in",
                     sys.argv[2] + "/nodes/cucm-pub/CallManager.pem",
                     "-noout", "-fingerprint", "-sha1"],
                    capture_output=True, text=True, check=True).stdout
fp = fp.strip().split("=")[1].replace(":", "").lower()
assert j["records"][0]["cert_sha1"] == fp == j["records"][1]["cert_sha1"]
rec = subprocess.run(["openssl", "x509", "-in",
                      sys.argv[2] + "/nodes/cucm-pub/ITLRecovery.pem",
                      "-noout", "-fingerprint", "-sha1"],
                     capture_output=True, text=True, check=True).stdout
rec = rec.strip().split("=")[1].replace(":", "").lower()
assert j["records"][5]["cert_sha1"] == rec and not j["records"][5]["signer"]
PY

expect_rc 0 "status after" $CTL status --json $NET
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["security_mode"] == 1 and j["ctl_mode"] == "tokenless", j
assert len({n["ctl_sha1"] for n in j["nodes"]}) == 1 and j["nodes"][0]["ctl_sha1"] == sys.argv[2]
assert all(n["state"] == "current" for n in j["nodes"])
' "$WORK/out" "$pub" && pass "status: mixed mode, tokenless, every node current" || fail "status after"

python3 - "$WORK/out" "$DIR" <<'PY' && pass "status carries each node's CallManager and TVS certificates, and the publisher's CAPF and ITLRecovery" || fail "status certificates"
import json, subprocess, sys
j = json.load(open(sys.argv[1]))
for n in j["nodes"]:
    got = {c["purpose"]: c["sha1"] for c in n["certificates"]}
    # CAPF and ITLRecovery are the publisher's only
    want = {"CallManager", "TVS"} | ({"CAPF", "ITLRecovery"} if n["publisher"] else set())
    assert set(got) == want, got
    for purpose, sha in got.items():
        fp = subprocess.run(["openssl", "x509", "-in",
                             f"{sys.argv[2]}/nodes/{n['name']}/{purpose}.pem",
                             "-noout", "-fingerprint", "-sha1"],
                            capture_output=True, text=True, check=True).stdout
        assert fp.strip().split("=")[1].replace(":", "").lower() == sha, purpose
PY
expect_rc 0 "fetch the CTL" $CTL fetch -o "$WORK/fetched.tlv" $NET
[ "$(sha1sum < "$WORK/fetched.tlv" | cut -d' ' -f1)" = "$pub" ] && pass "fetched = distributed" || fail "fetched differs"
expect_rc 0 "audit" $CTL audit --json $NET
expect_in "$WORK/out" "tokenless-set-mixed-mode" "the change is in the audit log"
finish
