#!/bin/bash
# Slow clients must not lock anyone out: while 200 silent, plain-TCP and
# trickling connections from five loopback addresses press on the
# publisher's CTL Provider port and a subscriber's distribution port,
# status, a re-signed CTL and its distribution to every node still work,
# and the server drops each slow connection at its deadline however the
# bytes trickle (docs/publisher.md, "Limits").
#   test_slow_clients.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")
HOLD=40

make_cluster 3
expect_rc 0 "tokenless set-mixed-mode before the attack" \
	$CTL tokenless set-mixed-mode --yes $NET
before=$(node_sha1 cucm-pub)
port=${SERVER##*:}
# Addresses the cluster does not use (its nodes are $SUBNET.2-4).
python3 "$HERE/slowclients.py" "$HOLD" "$WORK/slow.report" \
	127.0.0.50,127.0.0.51,127.0.0.52,127.0.0.53,127.0.0.54 \
	"$SUBNET.2:$port" "$SUBNET.3:$((port + 12))" &
SLOW=$!
BG_PIDS="$BG_PIDS $SLOW"
started=$(date +%s)

# status and a change once the slow clients are in, again after the
# first deadlines (a server that restarts its timer on every byte is
# still full then), status with each node current last.
check_round() {   # ROUND
	expect_rc 0 "round $1: status while slow clients are held" \
		$CTL status --json $NET
	expect_rc 0 "round $1: tokenless update while slow clients are held" \
		$CTL tokenless update --yes $NET
	expect_rc 0 "round $1: status after the update" $CTL status --json $NET
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["nodes"]) == 3, j
assert all(n["state"] == "current" for n in j["nodes"]), j["nodes"]
assert len({n["ctl_sha1"] for n in j["nodes"]}) == 1, j["nodes"]
' "$WORK/out" && pass "round $1: every node current" ||
		{ fail "round $1: not every node current"; sed 's/^/    | /' "$WORK/out" | head -20; }
}
sleep 4
check_round 1
sleep $((started + 22 - $(date +%s)))
check_round 2
after=$(node_sha1 cucm-pub)
[ "$after" != "$before" ] && [ "$(node_sha1 cucm-sub1)" = "$after" ] &&
	[ "$(node_sha1 cucm-sub2)" = "$after" ] &&
	pass "every node holds the re-signed CTL" || fail "nodes differ"

wait "$SLOW"
sed 's/^/    slow: /' "$WORK/slow.report"
# kind, connections made, longest held (s): every kind must have reached
# the server, and none may be held past its deadline (10 s for the
# handshake, and for a frame from its first byte) plus the client's own
# 3 s between bytes and some slack.
python3 - "$WORK/slow.report" <<'PY' && pass "slow connections closed at their deadline" || fail "slow connections held too long"
import sys
rows = {l.split()[0]: (int(l.split()[1]), float(l.split()[2]))
        for l in open(sys.argv[1])}
assert set(rows) == {"silent", "plain", "handshake", "trickle"}, rows
for kind, (made, held) in rows.items():
    assert made > 0, kind
    assert held <= 19.0, (kind, held)
PY
grep -hE "no TLS handshake within|not logged in within|frame not complete within" \
	"$DIR"/nodes/*/node.log >/dev/null &&
	pass "deadlines logged" || fail "no deadline in the logs"
finish
