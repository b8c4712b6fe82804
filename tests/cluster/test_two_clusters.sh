#!/bin/bash
# Two clusters side by side on one machine, on the SAME ports: the
# default one (cucm-*, on $SUBNET) and one made with --prefix lab-b
# --subnet $SUBNET2.  Each answers on its own addresses with its own
# names (status, TVS, TFTP), and each stops without touching the other.
#   test_two_clusters.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"

B=$WORK/lab-b
base=$(free_base 2 "$SUBNET" "$SUBNET2")
[ -n "$base" ] || { echo "no free base port on $SUBNET and $SUBNET2"; exit 1; }
start_cluster "$DIR" 2 "$base"
start_cluster "$B" 2 "$base" --prefix lab-b --subnet "$SUBNET2"
pass "both clusters started on base port $base"

netA="--server $SUBNET.2:$base --user admin --password-file $DIR/admin.password --cafile $DIR/trust.pem"
netB="--server $SUBNET2.2:$base --user admin --password-file $B/admin.password --cafile $B/trust.pem"

# status: each publisher names its own nodes and addresses.
expect_rc 0 "status of lab-b" $CTL status $netB --json
cp "$WORK/out" "$WORK/statusB.json"
if python3 - "$WORK/statusB.json" "$base" "$SUBNET2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
base = int(sys.argv[2])
net = sys.argv[3]
want = [("lab-b-pub", f"{net}.2", base, True),
        ("lab-b-sub1", f"{net}.3", base + 10, False)]
got = [(n["name"], n["ip"], n["port"], n["publisher"]) for n in j["nodes"]]
ok = got == want and all(n["reachable"] for n in j["nodes"]) and \
    j["nodes"][1]["tvs"] == f"{net}.3:{base + 11}" and \
    j["nodes"][1]["tftp"] == f"{net}.3:69"
sys.exit(0 if ok else 1)
PY
then pass "lab-b's status: lab-b-pub and lab-b-sub1 on $SUBNET2.x, both reachable"
else fail "lab-b's status"; sed 's/^/    | /' "$WORK/statusB.json" | head -20; fi
expect_rc 0 "status of the default cluster" $CTL status $netA
expect_in "$WORK/out" "^cucm-sub1 +${SUBNET//./\\.}\.3 +$((base + 10)) +Subscriber +yes" "the default cluster still has cucm-sub1 on $SUBNET.3"
expect_rc 0 "status of lab-b as text" $CTL status $netB
expect_in "$WORK/out" "^lab-b-sub1 +${SUBNET2//./\\.}\.3 +$((base + 10)) +Subscriber +yes" "lab-b-sub1 on $SUBNET2.3 in the table"
# lab-b's TLS certificate does not name $SUBNET.2: a client that trusts
# lab-b's CA and dials the default cluster is refused.
expect_rc 1 "lab-b's CA does not vouch for the default cluster" \
	$CTL status --server "$SUBNET.2:$base" --user admin \
	--password-file "$B/admin.password" --cafile "$B/trust.pem"

# TVS and TFTP answer on every node of both clusters, each with its own
# certificate and its own ITL.
for spec in "$DIR cucm $SUBNET" "$B lab-b $SUBNET2"; do
	set -- $spec
	for i in 0 1; do
		name=$2-pub
		[ "$i" -gt 0 ] && name=$2-sub$i
		ip=$3.$((2 + i))
		expect_rc 0 "TVS of $name ($ip) answers with its own certificate" \
			$CTL tvs-query --tvs "$ip:$((base + 10 * i + 1))" \
			--tvs-ca "$1/nodes/$name/TVS.pem" --timeout-ms 3000 \
			"$1/nodes/$2-pub/CallManager.pem"
		if curl -s --max-time 5 -o "$WORK/itl-$name" \
			"tftp://$ip/ITLFile.tlv" &&
			cmp -s "$WORK/itl-$name" "$1/nodes/$name/tftp/ITLFile.tlv"; then
			pass "TFTP of $name ($ip) serves its cluster's ITL"
		else
			fail "TFTP of $name ($ip) does not serve its ITL"
		fi
	done
done
expect_rc 0 "show lab-b's ITL" $CTL show "$WORK/itl-lab-b-sub1"
expect_in "$WORK/out" "lab-b-sub1" "lab-b's ITL names lab-b-sub1"
if grep -q "cucm-" "$WORK/out"; then fail "lab-b's ITL names a cucm node"; else
	pass "lab-b's ITL names no cucm node"; fi

# Stopping one leaves the other running; then both are stopped.
expect_rc 0 "stop lab-b" "$PUBD" stop "$B"
expect_rc 1 "lab-b no longer answers" $CTL status $netB --timeout 3
expect_rc 0 "the default cluster still answers" $CTL status $netA
expect_rc 0 "stop the default cluster" "$PUBD" stop "$DIR"
left=$(ls "$DIR"/nodes/*/node.pid "$B"/nodes/*/node.pid 2>/dev/null | while read -r f; do
	kill -0 "$(cat "$f")" 2>/dev/null && echo "$f"; done)
[ -z "$left" ] && pass "no node process is left" || fail "still running: $left"

finish
