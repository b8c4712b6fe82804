#!/bin/bash
# rehearse, rehearse --snapshot and tvs-query against a cluster reached
# only through its TFTP and TVS ports (--tftp, --tvs): never through the
# publisher's port 2444, which the node logs prove (no login while they
# run).  The cluster is set up through 2444 first, as an administrator
# would; it is stopped at the end, pass or fail.
#   test_rehearse_direct.sh CTLCLIENT CTLPUBLISHERD
# Exits 77 (skipped) without the TFTP server.
CTL=$1 PUBD=$2
. "$(dirname "$0")/../cluster/lib.sh"

need_tftpd
make_cluster 2 --tvs-tls 1.0
base=${SERVER##*:}
# TFTP on port 69 of each node's address: T1 leaves the default port out.
T1=$SUBNET.2 T2=$SUBNET.3:69
V1=$SUBNET.2:$((base + 1)) V2=$SUBNET.3:$((base + 11))
DEAD=127.0.0.1:$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MODELS=8845:40,7975:30,7960:30

logins() { cat "$DIR"/nodes/*/node.log | grep -c "login as"; }
# direct WANT DESCRIPTION ARGS...: ctlclient ARGS with a publisher that
# would fail, and no login on any node meanwhile.
direct() {
	local want=$1 what=$2 before
	shift 2
	before=$(logins)
	expect_rc "$want" "$what" env CTLCLIENT_SERVER=$DEAD $CTL "$@"
	[ "$(logins)" = "$before" ] && pass "$what: no login on port 2444" ||
		fail "$what: the client logged in to the publisher"
}
rj() {   # PYTHON-CONDITION DESCRIPTION on rehearse --json in $WORK/out
	if python3 - "$WORK/out" "$1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
m = {x["model"]: x for x in j["models"]}
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
	then pass "$2"; else fail "$2"; head -c 1500 "$WORK/out"; fi
}

# --- usage ---
expect_rc 2 "--tftp with a bad item" $CTL rehearse --tftp 127.0.0.1:0
expect_in "$WORK/err" "--tftp 127.0.0.1:0: the port must be" "names the item"
expect_rc 2 "--non-secure without --tftp" $CTL rehearse --non-secure --server $SERVER
expect_rc 2 "tvs-query without a way to check TVS" $CTL tvs-query --tvs $V1 x.pem
expect_in "$WORK/err" "--tvs-ca FILE, or the ITL phones hold, --itl FILE or --tftp" "says what to pass"

# --- a non-secure cluster: snapshot and steady state ---
direct 0 "snapshot through TFTP alone" rehearse --tftp $T1,$T2 --snapshot "$WORK/s0"
[ ! -e "$WORK/s0/CTLFile.tlv" ] && cmp -s "$WORK/s0/ITLFile.tlv" "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" &&
	pass "snapshot: no CTL, the publisher's ITL" || fail "snapshot content"
direct 0 "steady state through TFTP and TVS alone" rehearse --tftp $T1,$T2 \
	--tvs $V1,$V2 --json --phones 60 --models $MODELS --concurrency 8 --timeout-ms 5000 --non-secure
rj 'j["nodes"] == 2 and j["phones"] == 60 and j["errors"] == 0 and j["totals"]["rejected"] == 0 and j["tftp_downloads"] >= 60' \
	"60 phones on 2 TFTP servers take the ITL"
expect_rc 0 "the same with the connection options before the command" \
	$CTL --server $DEAD rehearse --tftp $T1 --phones 10 --timeout-ms 5000
expect_in "$WORK/out" "phones on 1 node" "one TFTP server, one node"

# --- tokenless mixed mode, then a regenerated CallManager certificate:
# phones with TVS accept the new CTL through TVS, pinned by their ITL ---
expect_rc 0 "tokenless set-mixed-mode (through the publisher)" $CTL tokenless set-mixed-mode --yes $NET
direct 0 "snapshot before regenerating" rehearse --tftp $T1 --snapshot "$WORK/s1"
[ -s "$WORK/s1/CTLFile.tlv" ] && pass "the snapshot holds the CTL" || fail "no CTL in the snapshot"
expect_rc 0 "regenerate cucm-pub's CallManager certificate" $PUBD regenerate "$DIR" --node cucm-pub
expect_rc 0 "migrate regenerate (through the publisher)" $CTL migrate regenerate --yes $NET
CM=$DIR/nodes/cucm-pub/CallManager.pem
# The publisher reloads TVS in the background: wait until it vouches.
for _ in $(seq 75); do
	$CTL tvs-query --tvs $V1 --tvs-ca "$DIR/nodes/cucm-pub/TVS.pem" --timeout-ms 2000 "$CM" \
		>/dev/null 2>&1 && break
	sleep 0.2
done
direct 0 "tvs-query pinned by the ITL TFTP serves" tvs-query --tvs $V1 --tftp $T1 --timeout-ms 5000 "$CM"
expect_in "$WORK/out" "VALID: roles .*CCM\+TFTP" "the new CallManager certificate is valid"
direct 0 "tvs-query pinned by an ITL file, the first TVS down" \
	tvs-query --json --tvs $DEAD,$V2 --itl "$WORK/s1/ITLFile.tlv" --timeout-ms 5000 "$CM"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["valid"] and j["checked_by"] == "itl" and j["tvs"] == sys.argv[2], j' \
	"$WORK/out" "$V2" && pass "the second TVS answered, checked by the ITL" || fail "tvs-query --json"
expect_rc 2 "tvs-query --itl with a CTL" $CTL tvs-query --tvs $V1 --itl "$WORK/s1/CTLFile.tlv" "$CM"
expect_in "$WORK/err" "not an ITL" "says it is not an ITL"
direct 1 "tvs-query --tftp where no TFTP serves an ITL" tvs-query --tvs $V1 --tftp $DEAD --timeout-ms 1000 "$CM"
expect_in "$WORK/err" "give --tvs-ca FILE or --itl FILE instead" "says what to pass"

direct 0 "rehearsal through TFTP and TVS alone" rehearse --tftp $T1,$T2 --tvs $V1,$V2 \
	--installed "$WORK/s1" --json --phones 100 --models $MODELS --concurrency 8 --timeout-ms 5000
rj 'm["8845"]["ctl"]["via_tvs"] == 40 and m["7975"]["ctl"]["via_tvs"] == 30 and j["tvs_phones_rejecting"] == 0 and j["warnings"] == 30' \
	"TVS phones take the new CTL via TVS; 7960 warns"
# Nothing listens for TVS where --tvs says: the phones with TVS cannot
# ask, and the rehearsal fails.
direct 1 "a TVS list where no TVS listens" rehearse --tftp $T1 --tvs $DEAD \
	--installed "$WORK/s1" --json --phones 10 --models 8845:1 --timeout-ms 2000
rj 'j["tvs_phones_rejecting"] == 10 or j["errors"] == 10' "the phones with TVS do not take it"

finish
