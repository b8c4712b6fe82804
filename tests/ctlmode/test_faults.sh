#!/bin/bash
# Token commands when something breaks: the signing token pulled out in
# the middle of its signature, a subscriber that is down, the publisher
# killed during an update.  Each ends
# with a clear message, and status reports the cluster truthfully: the
# CTL unchanged after the token fault; the node down named, marked stale,
# and brought up to date when it returns.
#   test_faults.sh CTLCLIENT CTLPUBLISHERD MOCK_MODULE
CTL=$1 PUBD=$2 MOCK=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

make_tokens

make_cluster 3
expect_rc 0 "set-mixed-mode" $CTL set-mixed-mode --token "$T1" --token "$T2" --yes $NET
before=$(node_sha1 cucm-pub)

# The token pulled out in the middle of C_Sign (the mock module in front
# of SoftHSM answers CKR_DEVICE_REMOVED).
MOCK_P11_FAULT=sign-removed expect_rc 1 "update with the token pulled out mid-signature" \
	$CTL update --module "$MOCK" --token "$T1" --add "role=TFTP,cert=$DIR/nodes/cucm-sub1/ipsec.pem,dns=tftp" --yes $NET
expect_in "$WORK/err" "removed while signing" "the message says the token was pulled out"
changed=""
for n in cucm-pub cucm-sub1 cucm-sub2; do
	[ "$(node_sha1 $n)" = "$before" ] || changed="$changed $n"
done
[ -z "$changed" ] && pass "no node changed" || fail "changed after the token fault:$changed"
expect_rc 0 "status after the token fault" $CTL status --json $NET
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["ctl_sha1"]==sys.argv[2] and j["ctl_mode"]=="token" and all(n["state"]=="current" for n in j["nodes"]), j' "$WORK/out" "$before" &&
	pass "status: the same CTL, every node current" || fail "status after the token fault"

# A subscriber down during an update.
kill -9 "$(cat "$DIR/nodes/cucm-sub2/node.pid")"
expect_rc 1 "update with cucm-sub2 down" $CTL update --token "$T2" \
	--add "role=TFTP,cert=$DIR/nodes/cucm-sub1/ipsec.pem,dns=tftp" --yes $NET
expect_in "$WORK/out" "^cucm-sub2 +CTLFile.tlv +Failed" "the per-node list names the node down"
expect_in "$WORK/out" "^cucm-sub1 +CTLFile.tlv +Passed" "the other nodes took it"
new=$(node_sha1 cucm-pub)
[ "$new" != "$before" ] && [ "$(node_sha1 cucm-sub1)" = "$new" ] && [ "$(node_sha1 cucm-sub2)" = "$before" ] &&
	pass "the node down still holds the old CTL, the others the new one" || fail "node contents"
expect_rc 0 "status with cucm-sub2 down" $CTL status --json $NET
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
n = {x["name"]: x for x in j["nodes"]}
assert not n["cucm-sub2"]["reachable"] and n["cucm-sub2"]["state"] == "stale", n["cucm-sub2"]
assert n["cucm-sub1"]["state"] == "current" and j["ctl_sha1"] == sys.argv[2], j
' "$WORK/out" "$new" && pass "status: cucm-sub2 unreachable and stale" || fail "status with a node down"
"$PUBD" start "$DIR" >/dev/null 2>&1 || fail "restart cucm-sub2"
for i in $(seq 1 150); do
	[ "$(node_sha1 cucm-sub2)" = "$new" ] && break
	sleep 0.1
done
[ "$(node_sha1 cucm-sub2)" = "$new" ] && pass "cucm-sub2 brought up to date when it returned" || fail "cucm-sub2 not caught up"
expect_rc 0 "status after the return" $CTL status --json $NET
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert all(n["state"]=="current" and n["ctl_sha1"]==j["ctl_sha1"] for n in j["nodes"]), j' "$WORK/out" &&
	pass "status: every node current" || fail "status after the return"

# The publisher killed while an update is under way.
old=$(node_sha1 cucm-pub)
$CTL update --token "$T1" --delete tftp --yes $NET >"$WORK/up.out" 2>&1 &
up=$!
BG_PIDS="$BG_PIDS $up"
sleep 0.$((RANDOM % 5))
kill -9 "$(cat "$DIR/nodes/cucm-pub/node.pid")"
wait $up
bad=""
for n in cucm-pub cucm-sub1 cucm-sub2; do
	s=$(node_sha1 $n)
	if [ "$s" != "$old" ] && ! $CTL show "$DIR/nodes/$n/tftp/CTLFile.tlv" >/dev/null 2>&1; then
		bad="$bad $n"
	fi
done
[ -z "$bad" ] && pass "publisher killed mid-update: every node holds a whole CTL, old or new" || fail "torn CTL on:$bad"
"$PUBD" start "$DIR" >/dev/null 2>&1 || fail "restart the publisher"
for i in $(seq 1 150); do
	p=$(node_sha1 cucm-pub)
	[ "$(node_sha1 cucm-sub1)" = "$p" ] && [ "$(node_sha1 cucm-sub2)" = "$p" ] && break
	sleep 0.1
done
expect_rc 0 "status after the publisher's return" $CTL status --json $NET
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert len({n["ctl_sha1"] for n in j["nodes"]})==1 and j["nodes"][0]["ctl_sha1"]==j["ctl_sha1"], j' "$WORK/out" &&
	pass "status: one CTL on every node, as the nodes report it" || fail "status after the publisher's return"
finish
