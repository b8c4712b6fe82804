#!/bin/bash
# What a TVS connection carries besides the handshake and the answers
# (docs/tvs.md, "TLS"): no session ticket, in TLS 1.3 or 1.2, and no
# session to resume, so every phone gets a full handshake and the server
# spends nothing on sessions nobody resumes.
#   test_tvs_conn.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"

tvs_cluster 1
CM=$DIR/nodes/cucm-pub/CallManager.pem
tvs_up $PUB

got=$($TVSC $PUB tickets $CM 2>&1)
echo "$got" | sed 's/^/    | /'
grep -qx "TLSv1.3: valid CCM+TFTP ttl 3600, 0 tickets, resumed no" <<<"$got" &&
	pass "TLS 1.3: answered, no session ticket, no resumption" ||
	fail "TLS 1.3: $(grep TLSv1.3 <<<"$got")"
grep -qx "TLSv1.2: valid CCM+TFTP ttl 3600, 0 tickets, resumed no" <<<"$got" &&
	pass "TLS 1.2: answered, no session ticket, no resumption" ||
	fail "TLS 1.2: $(grep TLSv1.2 <<<"$got")"

finish
