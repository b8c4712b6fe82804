#!/bin/bash
# cert list, trust list --expired/--expiring, the rules of trust delete
# and ctlclient health, on a real two-node cluster: certificates
# already expired or ending soon in the trust stores, a system
# certificate the cluster refuses to delete, a broken chain, and a node
# serving another ITL.
#   test_cert_health.sh CTLCLIENT CTLPUBLISHERD MKDATEDCERT
CTL=$1 PUBD=$2 MK=$3
. "$(dirname "$0")/lib.sh"
need_tftpd

make_cluster 2
C="$WORK/certs"
mkdir -p "$C"
"$MK" "$C/old.pem" "$C/old.key" "Old Web CA" -400 -10 &&
"$MK" "$C/soon.pem" "$C/soon.key" "Soon Peer" -10 10 &&
"$MK" "$C/ca.pem" "$C/ca.key" "Lab Root CA" -10 1000 &&
"$MK" "$C/leaf.pem" "$C/leaf.key" "Lab Leaf" -1 500 "$C/ca.key" ||
	{ echo "cannot make the test certificates"; exit 1; }
sha_of() { openssl x509 -in "$1" -outform DER | sha1sum | cut -c1-40; }

# A fresh cluster is healthy.
expect_rc 0 "a fresh cluster is healthy" $CTL health $NET
# 14 node certificates (8 types on the publisher, 6 on the subscriber)
# and 6 in the trust stores (each node's -ECDSA ones and IPsec).
expect_in "$WORK/out" "Checked 2 nodes and 20 certificates: healthy" \
	"health counts every node and certificate"
expect_rc 0 "health --json on a fresh cluster" $CTL health $NET --json
expect_in "$WORK/out" '"status": "ok"' "health --json says ok"

# cert list: every node's own certificates, every type.
expect_rc 0 "cert list --json" $CTL cert list $NET --json
n=$(grep -c '"node": "cucm-' "$WORK/out")
[ "$n" -eq 14 ] && pass "cert list has the publisher's 8 types and the subscriber's 6" ||
	fail "cert list has $n node certificates, not 14"
grep -q '"type": "client"' "$WORK/out" && fail "cert list shows the internal client certificate" ||
	pass "cert list leaves out the internal client certificate"
expect_in "$WORK/out" '"type": "ITLRecovery"' "cert list shows ITLRecovery"
expect_in "$WORK/out" '"key": "RSA 2048"' "cert list shows the key size"
expect_in "$WORK/out" '"key": "EC P-256"' "cert list shows EC keys by curve"
expect_in "$WORK/out" '"self_signed": false' "cert list tells CA-signed apart"
expect_in "$WORK/out" '"sha256": "[0-9a-f]{64}"' "cert list has SHA-256"
expect_rc 0 "cert list (text)" $CTL cert list $NET
expect_in "$WORK/out" "cucm-sub1 +TVS" "cert list text names node and type"

# An expired and an ending certificate in the stores.
expect_rc 0 "upload an expired certificate" \
	$CTL trust upload $NET --purpose tomcat-trust "$C/old.pem" --json
expect_in "$WORK/out" '"warnings": \[' "upload --json has warnings"
expect_in "$WORK/out" 'expired on' "uploading an expired certificate warns"
expect_rc 0 "upload a certificate ending in 10 days" \
	$CTL trust upload $NET --purpose CallManager-trust "$C/soon.pem"
expect_rc 0 "trust list --expired" $CTL trust list $NET --expired
expect_in "$WORK/out" "Old Web CA" "--expired lists the expired one"
grep -q "Soon Peer" "$WORK/out" && fail "--expired lists a valid one" ||
	pass "--expired leaves the valid one out"
expect_rc 0 "trust list --expiring 30 --json" \
	$CTL trust list $NET --expiring 30 --json
expect_in "$WORK/out" '"days_left": (9|10)' "--expiring gives the days left"
expect_in "$WORK/out" '"expired": true' "--expiring marks the expired one"
expect_rc 0 "trust list --expiring 5" $CTL trust list $NET --expiring 5
grep -q "Soon Peer" "$WORK/out" && fail "--expiring 5 lists one 9 days off" ||
	pass "--expiring 5 leaves out one 9 days off"
expect_rc 2 "--expired and --expiring together" \
	$CTL trust list $NET --expired --expiring 3
expect_rc 2 "--expiring 0 is refused" $CTL trust list $NET --expiring 0

expect_rc 2 "health: an expired trust certificate is a problem" \
	$CTL health $NET
expect_in "$WORK/out" "PROBLEM \[expired\]" "the expired finding"
expect_in "$WORK/out" "tomcat-trust certificate /CN=Old Web CA" \
	"the finding names the store and the certificate"
expect_in "$WORK/out" "to do: delete it" "the finding says what to do"

# Deleting it names the services to restart.
expect_rc 0 "delete the expired certificate" $CTL trust delete $NET \
	--purpose tomcat-trust "$(sha_of "$C/old.pem")" --json
expect_in "$WORK/out" '"result": "deleted"' "delete --json: result"
expect_in "$WORK/out" '"services": "Tomcat' "delete names tomcat-trust's services"
expect_in "$WORK/out" '"serial": "[0-9a-f]+"' "delete --json: serial"

expect_rc 1 "health: a certificate ending within 30 days is a warning" \
	$CTL health $NET --json
expect_in "$WORK/out" '"check": "expiring"' "the expiring finding"
expect_in "$WORK/out" '"status": "warning"' "health --json says warning"
expect_rc 0 "health --days 5 leaves it out" $CTL health $NET --days 5
expect_rc 2 "health --days 0 is refused" $CTL health $NET --days 0

# A broken chain: the deleted CA issued a certificate still in a store.
expect_rc 0 "upload a CA" $CTL trust upload $NET --purpose tomcat-trust "$C/ca.pem"
expect_rc 0 "upload a certificate it issued" \
	$CTL trust upload $NET --purpose CAPF-trust "$C/leaf.pem"
expect_rc 0 "delete the CA" $CTL trust delete $NET --purpose tomcat-trust \
	"$(sha_of "$C/ca.pem")"
expect_in "$WORK/out" "warning: CN=Lab Leaf in CAPF-trust was issued by this" \
	"delete warns of the certificate whose chain breaks"

# A system certificate: refused, and still there.
PUBCM=$DIR/nodes/cucm-pub/CallManager.pem
expect_rc 0 "the publisher's CallManager into CallManager-trust" \
	$CTL trust upload $NET --purpose CallManager-trust "$PUBCM"
expect_rc 1 "deleting a system certificate is refused" \
	$CTL trust delete $NET --purpose CallManager-trust "$(sha_of "$PUBCM")" --json
expect_in "$WORK/out" '"result": "refused"' "the refusal as JSON"
expect_in "$WORK/err" "node cucm-pub's own CallManager certificate" \
	"the refusal names the node and the certificate"
expect_rc 0 "trust list CallManager-trust" \
	$CTL trust list $NET --purpose CallManager-trust
expect_in "$WORK/out" "$(sha_of "$PUBCM")" "the refused certificate is still there"

# A node serving another ITL: its node process stopped (so that the
# publisher cannot bring it back in line), its TFTP file changed.
pid=$(cat "$DIR/nodes/cucm-sub1/node.pid")
kill "$pid" 2>/dev/null
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
printf 'x' >>"$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv"
expect_rc 2 "health: a node serving another ITL is a problem" \
	$CTL health $NET --json --days 5
expect_in "$WORK/out" '"check": "files-differ"' "the files-differ finding"
expect_in "$WORK/out" '"node": "cucm-sub1"' "the finding names the node"
expect_in "$WORK/out" '"check": "tvs"' "the stopped node's TVS is reported"

finish
