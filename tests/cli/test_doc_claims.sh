#!/bin/bash
# What docs/ctl-modes.md and docs/migrations.md promise about `update`,
# checked on a live 3-node cluster with two SoftHSM eTokens:
#  - update keeps each record's certificate: after a node's certificate
#    is regenerated, update does not pick up the new one, and
#    `migrate regenerate --token` does;
#  - update signs only over the cluster's CTL: after `migrate
#    to-tokenless` the tokens are no SAST of it, so update --token is
#    refused before the PIN is asked, and nothing changes.
#   test_doc_claims.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/../cluster/lib.sh"
make_tokens && make_cluster 3

# cert_of NODE: the SHA1 of NODE's CallManager certificate now.
cert_of() {
	openssl x509 -in "$DIR/nodes/$1/CallManager.pem" -noout -fingerprint -sha1 |
		cut -d= -f2 | tr -d : | tr A-F a-f
}
# ctl_names NODE SHA1: the CTL on the publisher holds NODE's record with
# that certificate.
ctl_names() {
	"$CTL" show --json "$DIR/nodes/cucm-pub/tftp/CTLFile.tlv" 2>/dev/null |
		python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if any(r["dns_name"]==sys.argv[1] and r["cert_sha1"]==sys.argv[2] for r in j["records"]) else 1)' "$1" "$2"
}

expect_rc 0 "set-mixed-mode with SAST1 and SAST2" "$CTL" set-mixed-mode --token "$T1" --token "$T2" --yes $NET
old=$(cert_of cucm-sub1)
ctl_names cucm-sub1 "$old" && pass "the token CTL names cucm-sub1's certificate" || fail "cucm-sub1 not in the CTL"

expect_rc 0 "regenerate cucm-sub1's CallManager certificate" "$PUBD" regenerate "$DIR" --node cucm-sub1
new=$(cert_of cucm-sub1)
[ "$new" != "$old" ] && pass "a new certificate" || fail "the certificate did not change"

expect_rc 0 "update --token after the regeneration" "$CTL" update --token "$T1" --yes $NET
ctl_names cucm-sub1 "$old" && pass "update keeps the record's old certificate" || fail "update changed cucm-sub1's certificate"
ctl_names cucm-sub1 "$new" && fail "update picked up the regenerated certificate" || pass "update does not pick up the regenerated certificate"

expect_rc 0 "migrate regenerate --token" "$CTL" migrate regenerate --token "$T1" --yes $NET
ctl_names cucm-sub1 "$new" && pass "migrate regenerate puts the new certificate in the CTL" || fail "migrate regenerate did not refresh the record"

expect_rc 0 "migrate to-tokenless" "$CTL" migrate to-tokenless --yes $NET
before=$(node_sha1 cucm-pub)
expect_rc 1 "update --token after to-tokenless is refused" "$CTL" update --token "$T1" --yes $NET
expect_in "$WORK/err" "The Security Token you have inserted does not exist in the CTL File" "the refusal names the cause"
[ "$(node_sha1 cucm-pub)" = "$before" ] && pass "the tokenless CTL is unchanged" || fail "the CTL changed"
expect_rc 0 "migrate to-tokens goes back to the tokens" "$CTL" migrate to-tokens --token "$T1" --token "$T2" --yes $NET
expect_rc 0 "update --token is accepted again" "$CTL" update --token "$T2" --yes $NET

finish
