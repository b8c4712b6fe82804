#!/bin/bash
# The ITL as CUCM 8.x to 11.5 signs it (init --itl-signer CallManager) on
# 2 running nodes: the CallManager certificate is the signing SAST and
# ITLRecovery a second SAST; the certificate regeneration guide's warning (CallManager and TVS
# regenerated together strand the phones); and nodes started without
# their TFTP server program (dnsmasq).
#   test_callmanager.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"

same_itl() { [ "$(itl_sha1 cucm-pub)" = "$(itl_sha1 cucm-sub1)" ]; }

make_cluster 2 --itl-signer CallManager
BASE=${SERVER##*:}
same_itl && pass "both nodes hold the same ITL" || fail "the nodes' ITLs differ"
expect_rc 0 "show --json" $CTL show --json "$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv"
check_itl "$WORK/out" "CN=cucm-pub;" SAST:cucm-pub:CallManager SAST:cucm-pub:ITLRecovery \
	CCM+TFTP:cucm-pub:CallManager CAPF:cucm-pub:CAPF TVS:cucm-pub:TVS \
	CCM+TFTP:cucm-sub1:CallManager TVS:cucm-sub1:TVS &&
	pass "ITL: CallManager signs as SAST, ITLRecovery a second SAST, then CCM+TFTP, CAPF, TVS" || fail "ITL records"
expect_rc 0 "show as text" $CTL show "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv"
expect_in "$WORK/out" "^This etoken was used to sign the ITL file.$" "the CallManager SAST signed"
expect_in "$WORK/out" "^This etoken was not used to sign the ITL file.$" "the ITLRecovery SAST did not"
expect_in "$WORK/out" "^The ITL file was verified successfully.$" "verdict"

# The certificate regeneration guide: with the ITL signed by CallManager, regenerating CallManager
# and TVS together leaves phones with an ITL whose signer they do not
# know, and TVS, whose certificate changed too, cannot vouch for it.
cp "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" "$WORK/itl.old"
expect_rc 0 "regenerate CallManager" $PUBD regenerate "$DIR" --node cucm-pub --cert CallManager
expect_rc 0 "regenerate TVS" $PUBD regenerate "$DIR" --node cucm-pub --cert TVS
wait_for 15 same_itl && ! cmp -s "$WORK/itl.old" "$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv" &&
	pass "the rebuilt ITL reaches cucm-sub1" || fail "not redistributed"
expect_rc 1 "a phone holding the old ITL rejects the new one" \
	$CTL verify "$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv" --installed "$WORK/itl.old"
expect_rc 0 "over TFTP too" curl -s --max-time 10 -o "$WORK/itl.tftp" "tftp://$SUBNET.3/ITLFile.tlv"
cmp -s "$WORK/itl.tftp" "$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv" && pass "TFTP serves the rebuilt ITL" || fail "TFTP content"

# Without dnsmasq the nodes still start, and start says what to install.
expect_rc 0 "stop" $PUBD stop "$DIR"
CTLPUBLISHERD_DNSMASQ=/nonexistent/dnsmasq expect_rc 0 "start without dnsmasq" $PUBD start "$DIR"
expect_in "$WORK/err" "apt-get install dnsmasq-base" "start says to install dnsmasq-base"
[ ! -e "$DIR/nodes/cucm-pub/tftp.pid" ] && pass "no TFTP server was started" || fail "tftp.pid written"
expect_rc 0 "the nodes serve all the same" $CTL status $NET
expect_rc 0 "start again, with dnsmasq" $PUBD start "$DIR"
expect_in "$WORK/out" "started the TFTP server of cucm-pub" "start adds the missing TFTP servers to running nodes"
expect_in "$WORK/out" "cucm-pub is running already" "and leaves the nodes alone"
finish
