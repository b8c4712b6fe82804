#!/bin/bash
# Preflight on Cisco's cases, against a live cluster with two SoftHSM
# eTokens: the move from tokenless to tokens is refused until the tokens'
# certificates are in Phone-SAST-trust (Cisco's warning), then passes;
# an update signed by the spare token passes for every phone; the move
# back to tokenless passes through TVS only; an unknown signer is refused.
#   test_preflight.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

make_tokens

make_cluster 2
expect_rc 0 "tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $NET

tokens_ctl() {   # OUT SIGNING-TOKEN OTHER-TOKEN
	$CTL build -o "$1" \
		--signer "pkcs11:token=$2;pin-source=file:$WORK/tokens/$2.pin" \
		--entry "role=SAST,cert=pkcs11:token=$3" \
		--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-pub/CallManager.pem,dns=cucm-pub" \
		--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-sub1/CallManager.pem,dns=cucm-sub1" \
		--entry "role=CAPF,cert=$DIR/nodes/cucm-pub/CAPF.pem,dns=cucm-pub" >/dev/null
}
tokens_ctl "$WORK/t1.tlv" SAST1 SAST2

# The wrong order: the token CTL before Phone-SAST-trust holds the tokens.
expect_rc 1 "preflight: tokens without Phone-SAST-trust" $CTL preflight "$WORK/t1.tlv" $NET
expect_in "$WORK/out" "phones with TVS: +REJECT: TVS does not know the signer CN=SAST-ADN0054f509" "TVS phones would reject, and why"
expect_in "$WORK/out" "phones without TVS \(7940/7960\): REJECT" "phones without TVS would reject"

# Cisco's order: export, upload as Phone-SAST-trust, then the CTL.
for t in SAST1 SAST2; do
	$CTL export-cert --token "pkcs11:token=$t" -o "$WORK/$t.pem" >/dev/null
	expect_rc 0 "upload $t as Phone-SAST-trust" $CTL trust upload --purpose Phone-SAST-trust "$WORK/$t.pem" $NET
done
expect_rc 0 "preflight: tokens after Phone-SAST-trust" $CTL preflight "$WORK/t1.tlv" $NET
expect_in "$WORK/out" "phones with TVS: +ACCEPT: accepted via TVS: the signer CN=SAST-ADN0054f509.* is in Phone-SAST-trust" "TVS phones accept via Phone-SAST-trust"
expect_in "$WORK/out" "phones without TVS \(7940/7960\): REJECT" "phones without TVS still need a hand"
expect_rc 0 "upload the token CTL" $CTL upload "$WORK/t1.tlv" $NET

# Update CTL File with the spare token: a SAST of the CTL phones hold.
tokens_ctl "$WORK/t2.tlv" SAST2 SAST1
expect_rc 0 "preflight: update signed by the spare token" $CTL preflight "$WORK/t2.tlv" $NET
expect_in "$WORK/out" "phones without TVS \(7940/7960\): ACCEPT: signed by CN=SAST-ADN0054f510" "every phone accepts the spare token's update"

# Back to tokenless: signed with the publisher's CallManager key.
$CTL build -o "$WORK/tl.tlv" --signer "$DIR/nodes/cucm-pub/CallManager.key" \
	--entry "role=SAST,cert=$DIR/nodes/cucm-pub/CallManager.pem,dns=cucm-pub" \
	--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-pub/CallManager.pem,dns=cucm-pub" >/dev/null
expect_rc 0 "preflight: back to tokenless" $CTL preflight "$WORK/tl.tlv" $NET
expect_in "$WORK/out" "accepted via TVS: the signer CN=cucm-pub.* is (among the cluster's own certificates|in the CTL file on the server)" "TVS vouches for the publisher's CallManager certificate"

# A signer nobody in the cluster knows.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=intruder \
	-keyout "$WORK/i.key" -out "$WORK/i.pem" 2>/dev/null
cat "$WORK/i.key" "$WORK/i.pem" > "$WORK/i.signer"
$CTL build -o "$WORK/i.tlv" --signer "$WORK/i.signer" >/dev/null
expect_rc 1 "preflight: an unknown signer" $CTL preflight "$WORK/i.tlv" $NET
expect_in "$WORK/out" "REJECT: TVS does not know the signer CN=intruder" "an unknown signer is refused"
before=$(node_sha1 cucm-sub1)
expect_rc 1 "upload refuses what preflight rejects" $CTL upload "$WORK/i.tlv" $NET
expect_in "$WORK/err" "refusing to push a CTL that phones with TVS would reject" "upload says why"
[ "$(node_sha1 cucm-sub1)" = "$before" ] && [ "$(node_sha1 cucm-pub)" = "$before" ] &&
	pass "nothing was pushed" || fail "a refused upload changed a node"
finish
