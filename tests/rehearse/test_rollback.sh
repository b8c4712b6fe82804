#!/bin/bash
# "Prepare Cluster for Rollback to pre-8.0" rehearsed on two live clusters
# side by side: A (cucm-*, $SUBNET.x) and B (lab-b-*, $SUBNET2.x), same
# ports.  A's phones take A's rollback ITL directly; holding it, they take
# B's ITL as their first; with A and B in mixed mode they still reject B's
# CTL (the documented limit: the CTL is not blanked, and the blank ITL
# names no TVS).  rollback-pre8 off restores the normal ITL on every node.
#   test_rollback.sh CTLCLIENT CTLPUBLISHERD
# Exits 77 (skipped) when dnsmasq is missing.
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

need_tftpd

B=$WORK/lab-b
base=$(free_base 2 "$SUBNET" "$SUBNET2")
[ -n "$base" ] || { echo "no free base port on $SUBNET and $SUBNET2"; exit 1; }
start_cluster "$DIR" 2 "$base" --tvs-tls 1.0
start_cluster "$B" 2 "$base" --tvs-tls 1.0 --prefix lab-b --subnet "$SUBNET2"
netA="--server $SUBNET.2:$base --user admin --password-file $DIR/admin.password --cafile $DIR/trust.pem"
netB="--server $SUBNET2.2:$base --user admin --password-file $B/admin.password --cafile $B/trust.pem"
TVSA=$SUBNET.2:$((base + 1))
MODELS=8845:1,7975:1

# rj FILE PYTHON-CONDITION DESCRIPTION: a condition on rehearse --json
# output; j is the object, m the models by name.
rj() {
	if python3 -c 'import json, sys
j = json.load(open(sys.argv[1])); m = {x["model"]: x for x in j["models"]}
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; then pass "$3"; else
		fail "$3"
		python3 -c "import json,sys; j=json.load(open(sys.argv[1])); [print(\"    |\", x[\"model\"], x[\"phones\"], k, {h: x[k][h] for h in (\"direct\", \"first\", \"via_ctl\", \"via_tvs\", \"kept\", \"rejected\") if x[k][h]}, x[k][\"reasons\"]) for x in j[\"models\"] for k in (\"ctl\", \"itl\")]" "$1" 2>/dev/null || head -c 1500 "$1"
	fi
}

rehearse() {   # WANT DESCRIPTION ARGS...: rehearse --json into $WORK/r.json
	local want=$1 what=$2
	shift 2
	expect_rc "$want" "$what" $CTL rehearse --json --models $MODELS \
		--phones 40 --concurrency 8 --timeout-ms 5000 "$@"
	cp "$WORK/out" "$WORK/r.json"
}

# status_rollback NET WANT: status --json says rollback_pre8 WANT.
status_rollback() {
	expect_rc 0 "status --json ($2)" $CTL status $1 --json
	if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["rollback_pre8"] is (sys.argv[2] == "true") else 1)' \
		"$WORK/out" "$2"; then pass "status --json: rollback_pre8 $2"
	else fail "status --json: rollback_pre8 is not $2"; fi
}

# itl_records NODE_IP TFTP_PORT WANT DESCRIPTION: the ITL that node's TFTP
# serves has WANT records, and is the publisher's.
itl_records() {
	local n
	if ! curl -s --max-time 5 -o "$WORK/itl" "tftp://$1:$2/ITLFile.tlv"; then
		fail "$4: no ITL over TFTP"; return
	fi
	$CTL show --json "$WORK/itl" >"$WORK/itl.json" 2>/dev/null
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["records"]))' "$WORK/itl.json" 2>/dev/null)
	if [ "$n" = "$3" ] && cmp -s "$WORK/itl" "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv"; then
		pass "$4"; else fail "$4: $n records"; fi
}

# --- A's phones hold A's normal ITL; nothing in rollback yet ---
status_rollback "$netA" false
expect_rc 0 "snapshot of A" $CTL rehearse $netA --snapshot "$WORK/s0"
rehearse 1 "before the rollback, A's phones reject B's ITL" $netB \
	--installed "$WORK/s0" --tvs $TVSA
rj "$WORK/r.json" 'm["8845"]["itl"]["rejected"] == 20 and m["7975"]["itl"]["rejected"] == 20' \
	"every phone rejects B's ITL: A's TVS does not know B's signer"

# --- rollback-pre8 on ---
expect_rc 2 "rollback-pre8 without on|off" $CTL rollback-pre8 $netA --yes
expect_rc 2 "rollback-pre8 maybe" $CTL rollback-pre8 maybe $netA --yes
expect_rc 1 "rollback-pre8 on without a terminal or --yes" $CTL rollback-pre8 on $netA
expect_in "$WORK/err" "--yes" "it names --yes"
expect_rc 0 "rollback-pre8 on" $CTL rollback-pre8 on $netA --yes --json
if python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["rollback_pre8"] is True and len(j["nodes"]) == 2 and all(n["passed"] for n in j["nodes"]) else 1)' "$WORK/out"
then pass "every node serves the rollback ITL at once"; else
	fail "rollback-pre8 on --json"; sed 's/^/    | /' "$WORK/out"; fi
status_rollback "$netA" true
status_rollback "$netB" false
expect_rc 0 "status (text) says it" $CTL status $netA
expect_in "$WORK/out" "Rollback to pre-8.0: on" "status shows the rollback"
expect_rc 0 "audit" $CTL audit $netA
expect_in "$WORK/out" "rollback-pre8" "the audit log records rollback-pre8"
itl_records $SUBNET.2 69 1 "cucm-pub serves the rollback ITL: one record"
itl_records $SUBNET.3 69 1 "cucm-sub1 serves the same rollback ITL"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["records"]; sys.exit(0 if [x["role"] for x in r] == ["SAST"] and r[0]["signer"] else 1)' \
	"$WORK/itl.json" && pass "its one record is the signer's SAST" ||
	fail "the rollback ITL holds more than the signer's SAST"

rehearse 0 "A's phones take the rollback ITL" $netA --installed "$WORK/s0"
rj "$WORK/r.json" 'm["8845"]["itl"]["direct"] == 20 and m["7975"]["itl"]["direct"] == 20 and j["totals"]["rejected"] == 0' \
	"every phone takes the rollback ITL directly"

# --- holding the rollback ITL, to B (non-secure to non-secure) ---
expect_rc 0 "snapshot of A in rollback" $CTL rehearse $netA --snapshot "$WORK/s1"
rehearse 0 "A's phones in rollback move to B" $netB --installed "$WORK/s1" --tvs $TVSA
rj "$WORK/r.json" 'm["8845"]["itl"]["first"] == 20 and m["7975"]["itl"]["first"] == 20 and j["totals"]["rejected"] == 0 and j["tvs_queries"] == 0' \
	"every phone takes B's ITL as its first, asking no TVS"

# --- A and B in mixed mode: the CTL is not blanked ---
expect_rc 0 "A: tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $netA
expect_rc 0 "B: tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $netB
itl_records $SUBNET.3 69 1 "A still serves the rollback ITL in mixed mode"
expect_rc 0 "snapshot of A, mixed, in rollback" $CTL rehearse $netA --snapshot "$WORK/s2"
[ -s "$WORK/s2/CTLFile.tlv" ] && pass "A's phones hold A's CTL" || fail "no CTL in the snapshot"
rehearse 1 "A's mixed-mode phones reject B's CTL" $netB --installed "$WORK/s2" --tvs $TVSA
rj "$WORK/r.json" 'm["8845"]["ctl"]["rejected"] == 20 and m["7975"]["ctl"]["rejected"] == 20 and m["8845"]["itl"]["first"] == 20' \
	"every phone rejects B's CTL, and still takes B's ITL as its first"
expect_in "$WORK/r.json" "no TVS certificate in the installed ITL" \
	"the report says why: no TVS in the blank ITL to ask about B's signer"

# --- rollback-pre8 off: the normal ITL again, on every node ---
expect_rc 0 "rollback-pre8 off" $CTL rollback-pre8 off $netA --yes
expect_in "$WORK/out" "rollback-pre8|Rollback to pre-8.0: False" "it says the rollback is off"
status_rollback "$netA" false
itl_records $SUBNET.2 69 6 "cucm-pub serves the normal ITL again"
itl_records $SUBNET.3 69 6 "cucm-sub1 serves the normal ITL again"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["records"]; sys.exit(0 if [x["role"] for x in r].count("TVS") == 2 else 1)' \
	"$WORK/itl.json" && pass "the normal ITL names both TVS" ||
	fail "the normal ITL lacks a TVS record"

finish
