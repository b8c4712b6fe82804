#!/bin/bash
# The Trust Verification Service of every node (docs/tvs.md), against a
# real 2-node cluster: what it vouches for and why, the CTL cache rule,
# hostile clients, TLS versions, a TVS certificate regenerated while
# running, a restart keeping the CTL cache.
#   test_tvs_server.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"

tvs_cluster 2
SUB="$SUBNET.3 $((BASE + 11))"
N=$DIR/nodes
LOG=$N/cucm-pub/node.log
SUBLOG=$N/cucm-sub1/node.log
C=$WORK/certs
mkdir -p "$C"

tvs_up $PUB
tvs_up $SUB

# ask WHERE CERT... : the answers, one per line
ask() { local h=$1 p=$2; shift 2; $TVSC "$h" "$p" verify "$@" 2>&1; }

# expect_answer "WHERE" CERT WANT DESCRIPTION: waits up to 8 s for WANT
# (the caches are checked about once a second)
expect_answer() {
	local got i
	for i in $(seq 40); do
		got=$(ask $1 "$2")
		[ "$got" = "$3" ] && break
		sleep 0.2
	done
	if [ "$got" = "$3" ]; then pass "$4"; else fail "$4: got '$got', expected '$3'"; fi
}

newcert() {     # NAME CN: a self-signed RSA certificate and key
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$2/O=Elsewhere" \
		-keyout "$C/$1.key" -out "$C/$1.pem" 2>/dev/null
	cat "$C/$1.key" "$C/$1.pem" >"$C/$1.signer.pem"
}
sha1_of() { openssl x509 -in "$1" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d : | tr A-F a-f; }

echo "# the database cache: the cluster's own certificates"
expect_answer "$PUB" $N/cucm-pub/CallManager.pem "valid CCM+TFTP ttl 3600" "publisher's CallManager: CCM+TFTP"
expect_answer "$SUB" $N/cucm-pub/CallManager.pem "valid CCM+TFTP ttl 3600" "a subscriber's TVS vouches for it too"
expect_answer "$PUB" $N/cucm-sub1/TVS.pem "valid TVS ttl 3600" "subscriber's TVS certificate: TVS"
expect_answer "$PUB" $N/cucm-pub/CAPF.pem "valid CAPF ttl 3600" "CAPF: CAPF"
expect_answer "$SUB" $N/cucm-pub/ITLRecovery.pem "valid SAST ttl 3600" "ITLRecovery: SAST"
expect_answer "$PUB" $N/cucm-sub1/CallManager-ECDSA.pem "valid CCM ttl 3600" "CallManager-ECDSA, in CallManager-trust: CCM"
got=$(ask $PUB $N/cucm-pub/CallManager.pem $DIR/cluster-ca.pem $N/cucm-sub1/TVS.pem | tr '\n' '|')
[ "$got" = "valid CCM+TFTP ttl 3600|invalid|valid TVS ttl 3600|" ] &&
	pass "three requests on one connection, answered in order" || fail "pipelined: $got"
got=$($TVSC $PUB query $N/cucm-pub/CallManager.pem)
[ "$got" = "valid CCM+TFTP ttl 3600" ] && pass "a query request gets a query response" || fail "query: $got"
expect_in "$LOG" "TVS 127\.0\.0\.1:[0-9]+: CP-8865-SEP001122AABBCC verify subject \"CN=cucm-pub;OU=Open CTL Lab;[^\"]*\" issuer \"CN=cucm-pub;[^\"]*\" serial [0-9A-F]{32} sha1 $(sha1_of $N/cucm-pub/CallManager.pem): valid: CallManager of cucm-pub, roles CCM\+TFTP" \
	"log line: device, peer, subject, issuer, serial, SHA1, verdict and where"

echo "# unknown, trusted by upload, forged"
newcert stranger "Stranger"
expect_answer "$PUB" $C/stranger.pem "invalid" "an unknown certificate: invalid"
expect_in "$LOG" "sha1 $(sha1_of $C/stranger.pem): invalid: not in the database nor the CTL" "logged: not in the database nor the CTL"
expect_rc 0 "trust upload to Phone-SAST-trust" $CTL trust upload --purpose Phone-SAST-trust $NET $C/stranger.pem
expect_answer "$SUB" $C/stranger.pem "valid SAST ttl 3600" "after the upload: valid, SAST (seen by every node)"
expect_in "$SUBLOG" "sha1 $(sha1_of $C/stranger.pem): valid: Phone-SAST-trust, roles SAST" "logged: valid from Phone-SAST-trust"
# A phone reset right after an upload must not meet the old stores:
# asked at once, with no retry, on both nodes, five times over.
late=0
for i in 1 2 3 4 5; do
	newcert "fresh$i" "Fresh $i"
	$CTL trust upload --purpose Phone-SAST-trust $NET $C/fresh$i.pem >/dev/null 2>&1 || late=$((late + 100))
	for node in "$PUB" "$SUB"; do
		[ "$(ask $node $C/fresh$i.pem)" = "valid SAST ttl 3600" ] || late=$((late + 1))
	done
done
[ "$late" -eq 0 ] && pass "asked the moment an upload returns, every node answers from the new stores" ||
	fail "asked the moment an upload returns: $late answers from the old stores (or failed uploads x100)"
expect_rc 0 "trust upload of the same certificate to CAPF-trust" $CTL trust upload --purpose CAPF-trust $NET $C/stranger.pem
expect_answer "$PUB" $C/stranger.pem "valid SAST,CAPF ttl 3600" "a certificate in two stores: the union of roles"
# same issuer and serial as the publisher's CallManager, another key
openssl genrsa -out "$C/forged.key" 2048 2>/dev/null
openssl x509 -in $N/cucm-pub/CallManager.pem -signkey "$C/forged.key" -out "$C/forged.pem" 2>/dev/null
[ "$(openssl x509 -in $C/forged.pem -noout -serial -issuer)" = "$(openssl x509 -in $N/cucm-pub/CallManager.pem -noout -serial -issuer)" ] ||
	fail "the forged certificate does not share issuer and serial"
expect_answer "$PUB" $C/forged.pem "invalid" "forged: same issuer and serial, another key: invalid"
expect_in "$LOG" "sha1 $(sha1_of $C/forged.pem): invalid: same issuer and serial as CallManager of cucm-pub but a different certificate" \
	"logged as a different certificate under a known issuer and serial"

echo "# the CTL cache"
expect_rc 0 "tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $NET
for i in $(seq 40); do grep -q "TVS cache: took CTLFile.tlv" "$SUBLOG" && break; sleep 0.2; done
expect_in "$SUBLOG" "TVS cache: took CTLFile.tlv \(sha1 $(node_sha1 cucm-sub1), 5 records, signed by CN=cucm-pub;[^)]*\): first CTL, trusted on first use" \
	"the first CTL is taken on first use"
newcert ctlonly "CTL Only TFTP"
expect_answer "$PUB" $C/ctlonly.pem "invalid" "a certificate in no CTL yet: invalid"
# a CTL the publisher's CallManager key signs, with one more record
expect_rc 0 "build a CTL signed by the publisher with a CTL-only record" \
	$CTL build -o $WORK/ctl2.tlv --signer $N/cucm-pub/CallManager.key \
	--entry role=CCM+TFTP,cert=$N/cucm-pub/CallManager.pem,dns=cucm-pub,ip=127.0.0.2 \
	--entry role=CAPF,cert=$N/cucm-pub/CAPF.pem,dns=cucm-pub,ip=127.0.0.2 \
	--entry role=CCM+TFTP,cert=$N/cucm-sub1/CallManager.pem,dns=cucm-sub1,ip=127.0.0.3 \
	--entry role=TFTP,cert=$C/ctlonly.pem,dns=tftp-only
expect_rc 0 "upload it" $CTL upload --force $NET $WORK/ctl2.tlv
expect_answer "$SUB" $C/ctlonly.pem "valid TFTP ttl 3600" "a CTL-only certificate: valid, with its CTL role"
expect_in "$SUBLOG" "sha1 $(sha1_of $C/ctlonly.pem): valid: CTL, roles TFTP" "logged: valid from the CTL"
expect_in "$SUBLOG" "took CTLFile.tlv .*: its signer is in the database" "taken: its signer is in the database"
cmp -s $N/cucm-sub1/tvs-ctl-cache.tlv $N/cucm-sub1/tftp/CTLFile.tlv &&
	pass "the CTL cache is kept in nodes/NAME/tvs-ctl-cache.tlv" || fail "tvs-ctl-cache.tlv differs from CTLFile.tlv"

# an eToken-signed CTL (a migration to tokens) before the eToken is in
# Phone-SAST-trust: phones asking TVS about the eToken must hear invalid
newcert etoken "SAST-ADN0054f5ae"
newcert ctlonly2 "Second CTL Only"
expect_rc 0 "build a CTL signed by an unknown eToken" \
	$CTL build -o $WORK/ctl3.tlv --signer $C/etoken.signer.pem \
	--entry role=CCM+TFTP,cert=$N/cucm-pub/CallManager.pem,dns=cucm-pub,ip=127.0.0.2 \
	--entry role=TFTP,cert=$C/ctlonly2.pem,dns=tftp-two
expect_rc 0 "upload it with --force" $CTL upload --force $NET $WORK/ctl3.tlv
[ "$(node_sha1 cucm-sub1)" = "$(sha1sum <$WORK/ctl3.tlv | cut -d' ' -f1)" ] &&
	pass "the node serves it over TFTP" || fail "the node does not hold the eToken CTL"
for i in $(seq 40); do grep -q "is not taken: its signer CN=SAST-ADN0054f5ae" "$SUBLOG" && break; sleep 0.2; done
expect_in "$SUBLOG" "TVS cache: CTLFile.tlv \(sha1 [0-9a-f]{40}\) is not taken: its signer CN=SAST-ADN0054f5ae;O=Elsewhere is neither in the database nor a SAST of the CTL cached before" \
	"the CTL of an unknown signer is not taken, and the log says why"
expect_answer "$SUB" $C/etoken.pem "invalid" "TVS does not vouch for its signer"
expect_answer "$SUB" $C/ctlonly2.pem "invalid" "nor for its other records"
expect_answer "$SUB" $C/ctlonly.pem "valid TFTP ttl 3600" "the previous CTL cache stays"

echo "# a restart keeps the CTL cache"
expect_rc 0 "stop" $PUBD stop $DIR
expect_rc 0 "start" $PUBD start $DIR
expect_answer "$SUB" $C/ctlonly.pem "valid TFTP ttl 3600" "after a restart: the kept CTL cache still answers"
expect_answer "$SUB" $C/etoken.pem "invalid" "after a restart: the unknown signer is still refused (not first use)"
expect_in "$SUBLOG" "TVS cache: kept CTL cache [0-9a-f]{40}" "logged: the kept CTL cache"

echo "# the eToken uploaded to Phone-SAST-trust: now the CTL is taken"
expect_rc 0 "trust upload of the eToken" $CTL trust upload --purpose Phone-SAST-trust $NET $C/etoken.pem
expect_answer "$SUB" $C/ctlonly2.pem "valid TFTP ttl 3600" "the eToken CTL is taken once its signer is trusted"
expect_answer "$SUB" $C/etoken.pem "valid SAST ttl 3600" "the eToken: valid, SAST"
expect_answer "$SUB" $C/ctlonly.pem "invalid" "the records of the CTL replaced: invalid"

echo "# non-secure: the CTL cache is cleared; the next CTL is first use"
expect_rc 0 "delete-ctl" $CTL delete-ctl --yes $NET
expect_answer "$SUB" $C/ctlonly2.pem "invalid" "CTLFile.tlv deleted: the CTL cache is cleared"
[ ! -e $N/cucm-sub1/tvs-ctl-cache.tlv ] && pass "tvs-ctl-cache.tlv removed" || fail "tvs-ctl-cache.tlv left"
newcert rogue "Rogue"
expect_rc 0 "build a CTL signed by an unknown key" $CTL build -o $WORK/ctl4.tlv --signer $C/rogue.signer.pem \
	--entry role=TFTP,cert=$C/ctlonly.pem,dns=tftp-only
expect_rc 0 "upload it to the cluster without a CTL" $CTL upload --force --base-none $NET $WORK/ctl4.tlv
expect_answer "$SUB" $C/rogue.pem "valid SAST ttl 3600" "with no CTL before, the first CTL is trusted on first use (as phones do)"

echo "# hostile clients; good clients served meanwhile and afterwards"
CM=$N/cucm-pub/CallManager.pem
$TVSC $PUB silent >$WORK/silent.out 2>&1 &
p1=$!
$TVSC $PUB trickle $CM >$WORK/trickle.out 2>&1 &
p2=$!
$TVSC $PUB truncated $CM >$WORK/truncated.out 2>&1 &
p3=$!
sleep 1
got=$(ask $PUB $CM)
# served while the slow ones still hang on: none of them was closed yet
# (an order, not a time, so that a loaded machine does not fail it)
[ "$got" = "valid CCM+TFTP ttl 3600" ] && ! grep -q "closed: no TLS handshake within\|closed: no whole request within" "$LOG" &&
	pass "a good client is served while three slow clients hang on" || fail "good client meanwhile: $got"
for c in badproto badversion badcommand oversize unknown notder twocerts plaintext; do
	got=$($TVSC $PUB $c $CM 2>&1)
	[ "$got" = closed ] && pass "$c: closed without an answer" || fail "$c: $got"
	got=$(ask $PUB $CM)
	[ "$got" = "valid CCM+TFTP ttl 3600" ] && pass "$c: a good client is served afterwards" || fail "after $c: $got"
done
wait $p1 $p2 $p3
grep -q "^closed after 1[0-2] s" $WORK/silent.out && pass "silent client closed after the 10 s timeout" || fail "silent: $(cat $WORK/silent.out)"
grep -q "^closed" $WORK/trickle.out && pass "a client trickling bytes is closed by the request deadline" || fail "trickle: $(cat $WORK/trickle.out)"
grep -q "^closed" $WORK/truncated.out && pass "a truncated request is closed" || fail "truncated: $(cat $WORK/truncated.out)"
expect_in "$LOG" "closed: bad header: not a TVS message: protocol id 88, expected 87" "log: wrong protocol id"
expect_in "$LOG" "closed: bad header: TVS version 2 is not supported" "log: wrong version"
expect_in "$LOG" "closed: TVS command 2 is not a request" "log: a response sent as a request"
expect_in "$LOG" "closed: the header announces 20000 bytes of elements, at most 16384 are accepted; the body is not read" "log: oversized header length"
expect_in "$LOG" "closed: bad request: TVS request has an unknown element, tag 42" "log: unknown element"
expect_in "$LOG" "closed: bad request from CP-8865-SEP001122AABBCC: TVS CERTIFICATE is not a DER X.509 certificate" "log: not DER"
expect_in "$LOG" "closed: bad request: TVS request has two CERTIFICATE elements" "log: two certificates"
expect_in "$LOG" "closed: TLS handshake failed: .*wrong version number" "log: plaintext instead of TLS"
expect_in "$LOG" "closed: no TLS handshake within 10 s" "log: silent until the timeout"
expect_in "$LOG" "closed: no whole request within 10 s \([0-9]+ bytes\)" "log: a request never finished"

echo "# the connection limit"
got=$($TVSC $PUB flood 1034)
[ "$got" = "10 closed at once" ] && pass "1024 connections at once; the 10 over the limit are closed at once" || fail "flood: $got"
expect_in "$LOG" "refused: 1024 connections are served already" "log: refused over the limit"
sleep 1
expect_answer "$PUB" $CM "valid CCM+TFTP ttl 3600" "served again after the flood"

echo "# TLS versions"
got=$($TVSC $PUB handshake --tls1)
case $got in refused*) pass "TLS 1.0 refused by default";; *) fail "TLS 1.0: $got";; esac
expect_in "$LOG" "closed: TLS handshake failed: .*unsupported protocol" "log: TLS 1.0 refused"
got=$($TVSC $PUB handshake)
case $got in "ok TLSv1.3"|"ok TLSv1.2") pass "TLS 1.2+ served";; *) fail "TLS 1.2+: $got";; esac

echo "# the TVS certificate regenerated while running"
old=$(sha1_of $N/cucm-pub/TVS.pem)
[ "$($TVSC $PUB servercert)" = "$old" ] && pass "TVS presents the node's TVS certificate" || fail "server certificate"
rm -f $WORK/flag
$TVSC $PUB hold $CM $WORK/flag >$WORK/hold.out 2>&1 &
ph=$!
# regenerate only once that connection has its TLS session
for i in $(seq 100); do [ -s $WORK/hold.out ] && break; sleep 0.1; done
expect_rc 0 "regenerate cucm-pub's TVS certificate" $PUBD regenerate $DIR --node cucm-pub --cert TVS
new=$(sha1_of $N/cucm-pub/TVS.pem)
for i in $(seq 40); do [ "$($TVSC $PUB servercert)" = "$new" ] && break; sleep 0.2; done
[ "$new" != "$old" ] && [ "$($TVSC $PUB servercert)" = "$new" ] &&
	pass "new connections get the new certificate without a restart" || fail "still the old certificate"
touch $WORK/flag
wait $ph
[ "$(sed -n 1p $WORK/hold.out)" = "$old" ] && [ "$(sed -n 2p $WORK/hold.out)" = "valid CCM+TFTP ttl 3600" ] &&
	pass "a connection made before keeps its certificate and is answered" || fail "old connection: $(cat $WORK/hold.out)"
expect_in "$LOG" "TVS: the TVS certificate changed \(sha1 $new\)" "log: the certificate changed"
expect_answer "$SUB" $N/cucm-pub/TVS.pem "valid TVS ttl 3600" "the new TVS certificate is vouched for"

# nodes built with sanitizers report at exit, into their logs
no_sanitizer_reports() {
	if grep -l "Sanitizer\|runtime error:" "$DIR"/nodes/*/node.log >/dev/null 2>&1; then
		fail "sanitizer reports in the node logs:"
		grep -h -A12 "Sanitizer\|runtime error:" "$DIR"/nodes/*/node.log | head -40
	else
		pass "no sanitizer report in the node logs"
	fi
}

echo "# --tvs-tls 1.0"
$PUBD stop "$DIR" >/dev/null 2>&1
no_sanitizer_reports
DIR=$WORK/cluster10
make_cluster 1 --tvs-tls 1.0
BASE=${SERVER#*:}
tvs_up $SUBNET.2 $((BASE + 1))
got=$($TVSC $SUBNET.2 $((BASE + 1)) handshake --tls1)
[ "$got" = "ok TLSv1" ] && pass "TLS 1.0 served with --tvs-tls 1.0" || fail "TLS 1.0 with the option: $got"
got=$($TVSC $SUBNET.2 $((BASE + 1)) verify $DIR/nodes/cucm-pub/CallManager.pem --tls1)
[ "$got" = "valid CCM+TFTP ttl 3600" ] && pass "a TLS 1.0 phone is answered" || fail "TLS 1.0 answer: $got"
expect_in "$DIR/nodes/cucm-pub/node.log" "TVS listening on ${SUBNET//./\\.}\.2:$((BASE + 1)) \(TLS 1\.0 and later" "log: TLS 1.0 and later"
$PUBD stop "$DIR" >/dev/null 2>&1
no_sanitizer_reports

finish
