#!/bin/bash
# ctlclient health on a live two-node cluster, for the findings that
# test_cert_health.sh does not cause: an ITLRecovery key shorter than a
# CallManager key, the publisher's IPsec certificate missing from
# IPsec-trust, a TVS presenting a certificate the ITL does not carry, a
# mixed-mode cluster serving no CTL, and an ITL phones refuse for its
# size.  Each is made the way it happens on a real cluster (a
# regeneration with a longer key, a store edited behind the cluster's
# back, a key file restored from an old backup, a deleted file).
#   test_health_findings.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"
need_tftpd

make_cluster 2
PUB=$DIR/nodes/cucm-pub SUB=$DIR/nodes/cucm-sub1

# health --json, then whether FINDING (a check name) is reported for NODE.
health() { "$CTL" health $NET --json --days 5 >"$WORK/h.json" 2>"$WORK/err"; echo $?; }
has() {         # CHECK NODE
	python3 - "$WORK/h.json" "$1" "$2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if any(f["check"] == sys.argv[2] and f["node"] == sys.argv[3]
                  for f in j["findings"]) else 1)
PY
}
# The publisher pushes a rebuilt ITL within seconds: wait until every
# node serves the publisher's.
itl_settled() {
	local i
	for i in $(seq 1 50); do
		cmp -s "$PUB/tftp/ITLFile.tlv" "$SUB/tftp/ITLFile.tlv" && return 0
		sleep 0.2
	done
	return 1
}

# A CallManager key longer than the ITLRecovery key.
expect_rc 0 "regenerate cucm-sub1's CallManager with RSA 4096" \
	"$PUBD" regenerate "$DIR" --node cucm-sub1 --cert CallManager --key rsa4096
itl_settled || fail "the subscriber never served the rebuilt ITL"
[ "$(health)" -eq 2 ] && pass "health: exit 2" || fail "health did not exit 2"
has itlrecovery-key cucm-pub && pass "the itlrecovery-key finding on the publisher" ||
	{ fail "no itlrecovery-key finding"; cat "$WORK/h.json"; }
grep -q "node cucm-sub1's CallManager key is RSA 4096" "$WORK/h.json" &&
	pass "... it names the longer key and its node" || fail "... the longer key is not named"
expect_rc 0 "regenerate the ITLRecovery certificate with RSA 4096" \
	"$PUBD" regenerate "$DIR" --node cucm-pub --cert ITLRecovery --key rsa4096
itl_settled || fail "the subscriber never served the rebuilt ITL"
[ "$(health)" -eq 0 ] && pass "health: healthy again once the keys match" ||
	{ fail "still unhealthy"; cat "$WORK/h.json"; }

# The publisher's IPsec certificate gone from IPsec-trust (its row
# deleted from the state behind the cluster's back).
ipsec=$(openssl x509 -in "$PUB/ipsec.pem" -outform DER | sha1sum | cut -c1-40)
python3 - "$DIR/state.db" "$ipsec" <<'PY' || fail "cannot edit the state"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
n = db.execute("DELETE FROM trust WHERE purpose = 'IPsec-trust' AND lower(sha1) = ?",
               (sys.argv[2],)).rowcount
db.commit()
sys.exit(0 if n == 1 else 1)
PY
[ "$(health)" -eq 2 ] && pass "health: exit 2" || fail "health did not exit 2"
has ipsec-trust cucm-sub1 && pass "the ipsec-trust finding names the subscriber" ||
	{ fail "no ipsec-trust finding"; cat "$WORK/h.json"; }
grep -q "lacks the publisher's IPsec certificate" "$WORK/h.json" &&
	pass "... and says what is missing" || fail "... the text"
expect_rc 0 "upload the publisher's IPsec certificate again" \
	"$CTL" trust upload $NET --purpose IPsec-trust "$PUB/ipsec.pem"
[ "$(health)" -eq 0 ] && pass "health: healthy again" ||
	{ fail "still unhealthy"; cat "$WORK/h.json"; }

# The subscriber's TVS key file replaced by an old one: TVS takes it up
# and presents a certificate the ITL does not carry.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/old.key" -out "$WORK/old.pem" \
	-subj "/CN=cucm-sub1-TVS-old" -days 30 2>/dev/null || fail "openssl req"
cat "$WORK/old.key" "$WORK/old.pem" >"$SUB/TVS.key.new" && mv "$SUB/TVS.key.new" "$SUB/TVS.key"
for _ in $(seq 1 60); do
	grep -q "the TVS certificate changed" "$SUB/node.log" && break
	sleep 0.25
done
[ "$(health)" -eq 2 ] && pass "health: exit 2" || fail "health did not exit 2"
has tvs-certificate cucm-sub1 && pass "the tvs-certificate finding names the node" ||
	{ fail "no tvs-certificate finding"; cat "$WORK/h.json"; }
has tvs-certificate cucm-pub && fail "the publisher's TVS is reported too" ||
	pass "... and only that node"

# Mixed mode with no CTL served.
expect_rc 0 "tokenless set-mixed-mode" "$CTL" tokenless set-mixed-mode --yes $NET
rm -f "$PUB/tftp/CTLFile.tlv"
health >/dev/null
has no-ctl cucm-pub && pass "the no-ctl finding" ||
	{ fail "no no-ctl finding"; cat "$WORK/h.json"; }

# An ITL above 64 KB on a node whose process is stopped (so that the
# publisher cannot bring it back in line).
pid=$(cat "$SUB/node.pid")
kill "$pid" 2>/dev/null
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
head -c 70000 /dev/zero >>"$SUB/tftp/ITLFile.tlv"
health >/dev/null
has itl-size cucm-sub1 && pass "the itl-size finding names the node" ||
	{ fail "no itl-size finding"; cat "$WORK/h.json"; }
grep -q "bytes, above the 65536 bytes" "$WORK/h.json" &&
	pass "... and gives the size" || fail "... the size"

finish
