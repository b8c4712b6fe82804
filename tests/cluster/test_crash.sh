#!/bin/bash
# kill -9 of the publisher or a subscriber at any moment of an upload:
# afterwards every node holds either the old or the new file, whole,
# status says which, and once the node is back every node is brought up
# to date.  A node that is down is marked stale.
#   test_crash.sh CTLCLIENT CTLPUBLISHERD [ROUNDS]
CTL=$1 PUBD=$2 ROUNDS=${3:-6}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

make_cluster 3
$CTL tokenless set-mixed-mode --yes $NET >/dev/null 2>&1 || { fail "set-mixed-mode"; finish; exit 1; }

# Versions to upload, each a valid CTL of its own signer.
for k in $(seq 1 "$ROUNDS"); do
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=v$k" \
		-keyout "$WORK/v$k.key" -out "$WORK/v$k.pem" 2>/dev/null
	cat "$WORK/v$k.key" "$WORK/v$k.pem" > "$WORK/v$k.signer"
	$CTL build -o "$WORK/v$k.tlv" --signer "$WORK/v$k.signer" \
		--entry "role=CCM+TFTP,cert=$WORK/v$k.pem,dns=x" >/dev/null
done

pid_of() { cat "$DIR/nodes/$1/node.pid"; }
whole() {   # every node's file is OLD or NEW and parses
	local n s ok=0
	for n in cucm-pub cucm-sub1 cucm-sub2; do
		s=$(node_sha1 "$n")
		if [ "$s" != "$1" ] && [ "$s" != "$2" ]; then
			echo "$n holds $s, neither old $1 nor new $2"; ok=1
		elif ! $CTL show "$DIR/nodes/$n/tftp/CTLFile.tlv" >/dev/null 2>&1; then
			echo "$n holds a file that does not verify"; ok=1
		fi
	done
	return $ok
}

converged() {   # within 15 s every node holds the publisher's file
	local i want
	for i in $(seq 1 150); do
		want=$(node_sha1 cucm-pub)
		[ "$(node_sha1 cucm-sub1)" = "$want" ] && [ "$(node_sha1 cucm-sub2)" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

for k in $(seq 1 "$ROUNDS"); do
	old=$(node_sha1 cucm-pub)
	new=$(sha1sum < "$WORK/v$k.tlv" | cut -d' ' -f1)
	victim=$([ $((k % 3)) -eq 0 ] && echo cucm-pub || echo "cucm-sub$(( (k % 2) + 1 ))")
	delay=0.$((RANDOM % 4))$((RANDOM % 10))
	$CTL upload --force "$WORK/v$k.tlv" --base-sha1 "$old" $NET >"$WORK/up.out" 2>&1 &
	up=$!
	BG_PIDS="$BG_PIDS $up"
	sleep "$delay"
	kill -9 "$(pid_of "$victim")"
	wait $up
	if msg=$(whole "$old" "$new"); then
		pass "round $k: $victim killed after ${delay}s: every node holds the old or the new CTL"
	else
		fail "round $k: $msg"
	fi
	if [ "$victim" != cucm-pub ]; then
		expect_rc 0 "round $k: status with $victim down" $CTL status --json $NET
		python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
n = {x["name"]: x for x in j["nodes"]}[sys.argv[2]]
assert not n["reachable"], n
' "$WORK/out" "$victim" && pass "round $k: status says $victim is unreachable" ||
			fail "round $k: status does not show $victim down"
	fi
	"$PUBD" start "$DIR" >/dev/null 2>&1 || fail "round $k: restart"
	if converged; then pass "round $k: every node brought up to date"; else
		fail "round $k: nodes differ: $(node_sha1 cucm-pub) $(node_sha1 cucm-sub1) $(node_sha1 cucm-sub2)"
	fi
	expect_rc 0 "round $k: status" $CTL status --json $NET
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
s = {x["ctl_sha1"] for x in j["nodes"]}
assert len(s) == 1 and j["ctl_sha1"] in s, j
' "$WORK/out" && pass "round $k: status shows one CTL on every node" || fail "round $k: status"
done
finish
