#!/bin/bash
# Cisco's migrations on a live 3-node cluster with two SoftHSM eTokens:
# tokens -> tokenless -> tokens (the tokens' certificates uploaded as
# Phone-SAST-trust by the migration itself), a migration to tokens resumed
# after the tokenless CTL was already deleted, and a regenerated
# CallManager certificate in tokenless mode.  Each step's CTL is checked
# on every node, and status must tell the truth after each.
#   test_migrate.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

make_tokens

make_cluster 3

same_everywhere() {
	local p
	p=$(node_sha1 cucm-pub)
	[ "$p" != none ] && [ "$(node_sha1 cucm-sub1)" = "$p" ] && [ "$(node_sha1 cucm-sub2)" = "$p" ]
}

# signed_by CN: the CTL every node holds is signed by a certificate whose
# subject holds CN, and (for tokens) both tokens' SAST records are in it.
check_ctl() {   # DESCRIPTION SIGNER-CN TOKENS(yes|no)
	$CTL show --json "$DIR/nodes/cucm-sub2/tftp/CTLFile.tlv" >"$WORK/show.json" 2>/dev/null
	if same_everywhere && python3 - "$WORK/show.json" "$2" "$3" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["signature_valid"], "does not verify"
signer = [r for r in j["records"] if r["signer"]][0]
assert sys.argv[2] in signer["subject"], signer["subject"]
tokens = [r for r in j["records"] if r["role"] == "SAST" and r["dns_name"] == ""]
assert (len(tokens) == 2) == (sys.argv[3] == "yes"), tokens
PY
	then pass "$1"; else fail "$1"; fi
}

status_is() {   # DESCRIPTION SECURITY-MODE CTL-MODE
	$CTL status --json $NET >"$WORK/status.json" 2>/dev/null
	if python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["security_mode"] == int(sys.argv[2]) and j["ctl_mode"] == sys.argv[3], j
assert all(n["state"] == "current" and n["ctl_sha1"] == j["ctl_sha1"] for n in j["nodes"]), j
' "$WORK/status.json" "$2" "$3"; then pass "$1"; else fail "$1"; cat "$WORK/status.json"; fi
}

expect_rc 0 "set-mixed-mode with SAST1 and SAST2" $CTL set-mixed-mode --token "$T1" --token "$T2" --yes $NET
check_ctl "token CTL on every node, signed by SAST1" SAST-ADN0054f509 yes
status_is "status: mixed mode, token" 1 token

expect_rc 2 "migrate without a subcommand" $CTL migrate $NET
expect_rc 1 "migrate regenerate without a token in token mode is refused" $CTL migrate regenerate --yes $NET
expect_in "$WORK/err" "run ctlclient migrate regenerate --token URI" "regenerate says what to do instead"
expect_rc 1 "migrate regenerate --token with nothing regenerated" $CTL migrate regenerate --token "$T1" --yes $NET
expect_in "$WORK/err" "nothing to do" "nothing regenerated: nothing done"

# A regenerated certificate in token mode: the token signs the new CTL.
expect_rc 0 "ctlpublisherd regenerate cucm-sub1's CallManager certificate" $PUBD regenerate "$DIR" --node cucm-sub1
expect_rc 0 "migrate regenerate --token" $CTL migrate regenerate --token "$T1" --yes $NET
expect_in "$WORK/out" "cucm-sub1's CallManager certificate was regenerated" "the replaced record is named"
expect_in "$WORK/out" "phones without TVS \(7940/7960\): ACCEPT" "every phone accepts it: the token signs"
sub1_fp=$(openssl x509 -in "$DIR/nodes/cucm-sub1/CallManager.pem" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d : | tr A-F a-f)
check_ctl "the token CTL on every node, signed by SAST1" SAST-ADN0054f509 yes
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert any(r["dns_name"]=="cucm-sub1" and r["cert_sha1"]==sys.argv[2] for r in j["records"])' "$WORK/show.json" "$sub1_fp" &&
	pass "the CTL names cucm-sub1's new certificate" || fail "cucm-sub1's record not replaced"
status_is "status: mixed mode, token" 1 token

# From eTokens to tokenless.
expect_rc 0 "migrate to-tokenless" $CTL migrate to-tokenless --yes $NET
expect_in "$WORK/out" "phones with TVS: +ACCEPT: accepted via TVS: the signer CN=cucm-pub" "preflight: TVS vouches for the publisher"
expect_in "$WORK/err" "phones without TVS \(7940/7960\) will reject" "preflight warns for phones without TVS"
check_ctl "tokenless CTL on every node, signed by the publisher, no token records" cucm-pub no
status_is "status: mixed mode, tokenless" 1 tokenless
expect_rc 1 "migrate to-tokenless twice is refused" $CTL migrate to-tokenless --yes $NET

# From tokenless back to eTokens: the migration uploads Phone-SAST-trust.
expect_rc 0 "migrate to-tokens" $CTL migrate to-tokens --token "$T1" --token "$T2" --yes $NET
expect_in "$WORK/out" "Step 1 of 4" "step 1 reported"
expect_in "$WORK/out" "phones with TVS: +ACCEPT: accepted via TVS: the signer CN=SAST-ADN0054f509.* in Phone-SAST-trust" "preflight: TVS vouches through Phone-SAST-trust"
expect_in "$WORK/out" "Step 3 of 4: delete the tokenless CTL" "step 3: the tokenless CTL deleted"
expect_in "$WORK/out" "Step 4 of 4" "step 4 reported"
check_ctl "token CTL on every node again" SAST-ADN0054f509 yes
status_is "status: mixed mode, token" 1 token
expect_rc 0 "trust list" $CTL trust list --purpose Phone-SAST-trust --json $NET
[ "$(grep -c '"sha1"' "$WORK/out")" -ge 2 ] && pass "both tokens are in Phone-SAST-trust" || fail "Phone-SAST-trust"

# A migration to tokens stopped after the deletion, then run again.
expect_rc 0 "back to tokenless for the resume case" $CTL migrate to-tokenless --yes $NET
expect_rc 0 "the tokenless CTL deleted (as a run stopped after step 3 leaves it)" $CTL delete-ctl --yes $NET
status_is_deleted() {
	$CTL status --json $NET | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["security_mode"]==1 and j["ctl_mode"]=="none" and j["ctl_sha1"] is None'
}
status_is_deleted && pass "status names the half-way state: mixed mode, no CTL" || fail "half-way status"
expect_rc 0 "migrate to-tokens resumes" $CTL migrate to-tokens --token "$T1" --token "$T2" --yes $NET
expect_in "$WORK/out" "deleted by an earlier run" "the resume is reported"
expect_in "$WORK/out" "CN=SAST-ADN0054f509;OU=IPCBU;O=Cisco Systems: there already" "step 1 finds the tokens there already"
check_ctl "token CTL on every node after the resume" SAST-ADN0054f509 yes
status_is "status: mixed mode, token" 1 token

# Certificate regeneration in tokenless mode (Cisco's procedure).
expect_rc 0 "tokenless again" $CTL migrate to-tokenless --yes $NET
old=$(node_sha1 cucm-pub)
expect_rc 0 "ctlpublisherd regenerate the publisher's CallManager certificate" $PUBD regenerate "$DIR" --node cucm-pub
expect_rc 0 "migrate regenerate" $CTL migrate regenerate --yes $NET
expect_in "$WORK/out" "accepted via TVS: the signer CN=cucm-pub.* among the cluster's own certificates" "preflight: TVS vouches for the new certificate"
new_fp=$(openssl x509 -in "$DIR/nodes/cucm-pub/CallManager.pem" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d : | tr A-F a-f)
check_ctl "a new CTL on every node" cucm-pub no
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); s=[r for r in j["records"] if r["signer"]][0]; assert s["cert_sha1"]==sys.argv[2], s' "$WORK/show.json" "$new_fp" &&
	pass "signed by the regenerated certificate" || fail "not signed by the regenerated certificate"
[ "$(node_sha1 cucm-pub)" != "$old" ] && pass "the CTL changed" || fail "the CTL did not change"
status_is "status: mixed mode, tokenless" 1 tokenless
finish
