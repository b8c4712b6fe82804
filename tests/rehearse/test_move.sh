#!/bin/bash
# Moving phones from cluster A to cluster B (Cisco's bulk certificate
# management procedure), with two live clusters on this machine: the
# phones hold A's files, download B's from B's TFTP servers and ask A's
# TVS servers (a --tvs list) about B's signers.  Rehearsed and checked
# with move-check, which must agree:
#   b. non-secure A to non-secure B without the import: TVS phones reject
#   a. the same after the import: B's ITL via A's TVS
#   e. the TVS list: first one down, then all down
#   c. mixed-mode A to mixed-mode B: B's CTL via A's TVS, then B's ITL
#      via the new CTL (B's ITL signed by CallManager, which B's CTL
#      holds); and with B's ITL signed by ITLRecovery (CUCM 12 and later)
#   d. phones without TVS: delete the CTL by hand
#   test_move.sh CTLCLIENT CTLPUBLISHERD
# Exits 77 (skipped) when dnsmasq is missing.
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

need_tftpd

CLUSTERS=""
move_cleanup() {
	local c
	# In parallel: each stop waits for its nodes to go.
	for c in $CLUSTERS; do "$PUBD" stop "$WORK/$c" >/dev/null 2>&1 & done
	wait
	DIR=$WORK/${CLUSTERS%% *}   # lib.sh shows its node logs on failure
	cleanup
}
trap move_cleanup EXIT INT TERM

# new_cluster NAME [INIT OPTIONS...]: a 2-node cluster in $WORK/NAME,
# started; sets NAME_NET (connection options), NAME_TVS (its TVS servers,
# publisher first) and NAME_DIR.  Two clusters differ by their base port
# and by their subnet (each node serves TFTP on port 69 of its own
# address): a free one is picked per cluster.
new_cluster() {
	local name=$1 base net dir=$WORK/$1
	shift
	net=$(free_subnet "$SUBNET")
	base=$(free_base 2 "$net")
	"$PUBD" init "$dir" --nodes 2 --port "$base" --subnet "$net" --tvs-tls 1.0 "$@" \
		>"$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; echo "init $name failed"; exit 1; }
	CLUSTERS="$CLUSTERS $name"
	"$PUBD" start "$dir" >"$WORK/start.log" 2>&1 ||
		{ cat "$WORK/start.log"; echo "start $name failed"; exit 1; }
	eval "${name}_DIR=\$dir"
	eval "${name}_NET=\"--server $net.2:$base --user admin --password-file $dir/admin.password --cafile $dir/trust.pem\""
	eval "${name}_TVS=$net.2:$((base + 1)),$net.3:$((base + 11))"
}

# import_b_into_a A B: B's publisher CallManager and ITLRecovery
# certificates into A's Phone-SAST-trust and CallManager-trust.  This
# stands for the bulk certificate import (export, consolidate, import
# over SFTP), which leaves the same certificates in the same stores.
import_b_into_a() {
	local a=$1 b=$2 net dir p c
	eval "net=\$${a}_NET dir=\$${b}_DIR"
	for p in Phone-SAST-trust CallManager-trust; do
		for c in CallManager ITLRecovery; do
			expect_rc 0 "import $b's $c into $a's $p" $CTL trust upload \
				--purpose $p "$dir/nodes/cucm-pub/$c.pem" $net
		done
	done
}

# tvs_knows NET-TVS-LIST DIR CERT: wait (up to 15 s) until every TVS of
# the list vouches for CERT: TVS reloads the trust stores in the
# background.
tvs_knows() {
	local t n=0 name
	for t in ${1//,/ }; do
		name=cucm-pub
		[ $n -gt 0 ] && name=cucm-sub$n
		for _ in $(seq 75); do
			$CTL tvs-query --tvs "$t" --tvs-ca "$2/nodes/$name/TVS.pem" \
				--timeout-ms 2000 "$3" >/dev/null 2>&1 && break
			sleep 0.2
		done
		n=$((n + 1))
	done
}

MODELS=8845:40,7975:30,7960:30
PHONES=200   # 80 8845, 60 7975, 60 7960

# rj FILE PYTHON-CONDITION DESCRIPTION: a condition on a --json output;
# j is the object, m the rehearsal's models by name, c the move check's
# classes by "tvs/holds".
rj() {
	if python3 - "$1" "$2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
m = {x["model"]: x for x in j.get("models", [])}
c = {x["tvs"] + "/" + x["holds"]: x for x in j.get("classes", [])}
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
	then pass "$3"; else fail "$3"; head -c 3000 "$1" | sed 's/^/    | /'; echo; fi
}

# move RC DESCRIPTION A-SNAP ARGS...: rehearse the move to B with the
# phones holding A-SNAP, into $WORK/r.json.
move() {
	local want=$1 what=$2 snap=$3
	shift 3
	expect_rc "$want" "$what" $CTL rehearse $B_NET --json --installed "$snap" \
		--models $MODELS --phones $PHONES --concurrency 16 --timeout-ms 3000 "$@"
	cp "$WORK/out" "$WORK/r.json"
}

# check RC DESCRIPTION A-SNAP B-SNAP: move-check --json into $WORK/c.json.
check() {
	expect_rc "$1" "$2" $CTL move-check $A_NET --json --installed "$3" --move-to "$4"
	cp "$WORK/out" "$WORK/c.json"
}

new_cluster A
new_cluster B --itl-signer CallManager
expect_rc 0 "snapshot of A (non-secure)" $CTL rehearse $A_NET --snapshot "$WORK/a0"
expect_rc 0 "snapshot of B (non-secure)" $CTL rehearse $B_NET --snapshot "$WORK/b0"
[ ! -e "$WORK/a0/CTLFile.tlv" ] && [ -s "$WORK/a0/ITLFile.tlv" ] &&
	pass "A's phones hold an ITL and no CTL" || fail "snapshot of A"

# b. Without the import, A's TVS does not know B's signer.
move 1 "b. without the import: the move fails" "$WORK/a0" --tvs "$A_TVS"
rj "$WORK/r.json" 'm["8845"]["itl"]["reasons"] == {"tvs-invalid": 80} and m["7975"]["itl"]["reasons"] == {"tvs-invalid": 60} and j["errors"] == 0' \
	"b. 8845 and 7975 reject B's ITL: tvs-invalid"
rj "$WORK/r.json" 'j["tvs_phones_rejecting"] == 140 and m["7960"]["accepted"] == 60 and j["tvs_servers"][0]["invalid"] == 140 and j["tvs_servers"][1]["answered"] == 0' \
	"b. A's publisher TVS answers every phone; 7960 hold nothing to reject"
check 1 "b. move-check: the phones would reject" "$WORK/a0" "$WORK/b0"
rj "$WORK/c.json" 'c["tls1.2/ITL"]["itl"]["why"] == "tvs-invalid" and c["tls1.0/ITL"]["itl"]["why"] == "tvs-invalid" and c["none/nothing"]["accepted"] and j["verdict"] == "fail"' \
	"b. move-check agrees: tvs-invalid for both TVS families"
expect_rc 1 "b. move-check, text" $CTL move-check $A_NET --installed "$WORK/a0" --move-to "$WORK/b0"
expect_in "$WORK/out" "FAIL: 2 classes .*bulk" "b. move-check says to run the bulk import"

# a. With the import: every TVS phone takes B's ITL via A's TVS.
import_b_into_a A B
tvs_knows "$A_TVS" "$A_DIR" "$B_DIR/nodes/cucm-pub/CallManager.pem"
move 0 "a. with the import: the move passes" "$WORK/a0" --tvs "$A_TVS"
rj "$WORK/r.json" 'm["8845"]["itl"]["via_tvs"] == 80 and m["7975"]["itl"]["via_tvs"] == 60 and j["totals"]["rejected"] == 0 and j["errors"] == 0' \
	"a. 8845 and 7975 take B's ITL via TVS"
rj "$WORK/r.json" 'j["tvs_servers"][0]["valid"] == 140 and j["tvs_servers"][0]["failed"] == 0 and m["7960"]["ctl"]["kept"] == 60 and j["warnings"] == 0' \
	"a. A's publisher TVS vouches; 7960 keep no CTL"
check 0 "a. move-check: the phones would accept" "$WORK/a0" "$WORK/b0"
rj "$WORK/c.json" 'c["tls1.2/ITL"]["itl"]["how"] == "via-tvs" and c["tls1.0/ITL"]["itl"]["how"] == "via-tvs" and "-trust" in c["tls1.2/ITL"]["tvs_found"]' \
	"a. move-check agrees: via TVS, found in A's trust stores"

# e. The TVS list: the first down, the second A's; then all down.
python3 "$here/badtvs.py" down "$WORK/down1.port"
python3 "$here/badtvs.py" down "$WORK/down2.port"
DOWN1=127.0.0.1:$(cat "$WORK/down1.port") DOWN2=127.0.0.1:$(cat "$WORK/down2.port")
move 0 "e. first TVS down: the phones go on to A's" "$WORK/a0" --tvs "$DOWN1,${A_TVS%%,*}"
rj "$WORK/r.json" 'j["tvs_servers"][0]["failed"] == 140 and j["tvs_servers"][1]["valid"] == 140 and m["8845"]["itl"]["via_tvs"] == 80 and j["errors"] == 0' \
	"e. every TVS phone fails over to the second TVS"
t0=$(date +%s)
move 1 "e. all TVS down: the move fails" "$WORK/a0" --tvs "$DOWN1,$DOWN2"
t1=$(date +%s)
rj "$WORK/r.json" 'm["8845"]["itl"]["reasons"] == {"tvs-unreachable": 80} and m["7975"]["itl"]["reasons"] == {"tvs-unreachable": 60} and j["errors"] == 140 and "no TVS of the 2 tried" in m["8845"]["itl"]["examples"]["tvs-unreachable"]' \
	"e. all down: tvs-unreachable, each server named"
[ $((t1 - t0)) -le 20 ] && pass "e. all down: done in $((t1 - t0)) s" ||
	fail "e. all down took $((t1 - t0)) s"

# c. Both clusters to tokenless mixed mode (the import is in place).
expect_rc 0 "A: tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $A_NET
expect_rc 0 "B: tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $B_NET
expect_rc 0 "snapshot of A (mixed mode)" $CTL rehearse $A_NET --snapshot "$WORK/a1"
expect_rc 0 "snapshot of B (mixed mode)" $CTL rehearse $B_NET --snapshot "$WORK/b1"
move 0 "c. mixed to mixed with the import: the move passes" "$WORK/a1" --tvs "$A_TVS"
rj "$WORK/r.json" 'm["8845"]["ctl"]["via_tvs"] == 80 and m["7975"]["ctl"]["via_tvs"] == 60 and m["8845"]["itl"]["via_ctl"] == 80 and m["7975"]["itl"]["via_ctl"] == 60' \
	"c. B's CTL via A's TVS, then B's ITL via the new CTL"
rj "$WORK/r.json" 'j["tvs_queries"] == 140 and j["tvs_servers"][0]["valid"] == 140' \
	"c. one TVS question per phone: the ITL needs none"
# d. Phones without TVS cannot ask: they need a visit.
rj "$WORK/r.json" 'm["7960"]["ctl"]["reasons"] == {"unknown-signer-no-tvs": 60} and "delete the CTL" in m["7960"]["ctl"]["examples"]["unknown-signer-no-tvs"] and j["warnings"] == 60 and j["tvs_phones_rejecting"] == 0' \
	"d. 7960 reject B's CTL: delete the CTL by hand (warnings)"
check 0 "c. move-check: the phones would accept" "$WORK/a1" "$WORK/b1"
rj "$WORK/c.json" 'c["tls1.2/CTL+ITL"]["ctl"]["how"] == "via-tvs" and c["tls1.2/CTL+ITL"]["itl"]["how"] == "via-ctl" and c["tls1.0/CTL+ITL"]["itl"]["how"] == "via-ctl" and c["none/CTL"]["ctl"]["why"] == "unknown-signer-no-tvs" and j["warnings"] == 1' \
	"c/d. move-check agrees: via TVS then via the CTL; 7960 with a CTL need a visit"

# c, to a cluster whose ITL is signed by ITLRecovery (CUCM 12 and
# later): first without the import, then with it.
new_cluster C
expect_rc 0 "C: tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $C_NET
expect_rc 0 "snapshot of C (mixed mode)" $CTL rehearse $C_NET --snapshot "$WORK/c1"
B_NET=$C_NET move 1 "c. mixed to mixed without the import: the move fails" "$WORK/a1" --tvs "$A_TVS"
rj "$WORK/r.json" 'm["8845"]["ctl"]["reasons"] == {"tvs-invalid": 80} and m["8845"]["itl"]["reasons"] == {"tvs-invalid": 80} and m["7975"]["ctl"]["reasons"] == {"tvs-invalid": 60} and j["errors"] == 0' \
	"c. without the import: B's CTL and ITL rejected, tvs-invalid"
check 1 "c. move-check agrees: the phones would reject" "$WORK/a1" "$WORK/c1"
rj "$WORK/c.json" 'c["tls1.2/CTL+ITL"]["ctl"]["why"] == "tvs-invalid" and c["tls1.0/CTL+ITL"]["itl"]["why"] == "tvs-invalid"' \
	"c. move-check without the import: tvs-invalid"
import_b_into_a A C
tvs_knows "$A_TVS" "$A_DIR" "$C_DIR/nodes/cucm-pub/ITLRecovery.pem"
B_NET=$C_NET move 0 "c. to a cluster whose ITL is signed by ITLRecovery" "$WORK/a1" --tvs "$A_TVS"
rj "$WORK/r.json" 'm["8845"]["ctl"]["via_tvs"] == 80 and m["8845"]["itl"]["via_ctl"] + m["8845"]["itl"]["via_tvs"] == 80 and m["7975"]["accepted"] == 60' \
	"c. B's CTL via A's TVS, B's ITL through the new CTL or A's TVS"
check 0 "c. move-check agrees (ITLRecovery)" "$WORK/a1" "$WORK/c1"

# move-check refuses what is not a snapshot.
expect_rc 2 "move-check without --move-to" $CTL move-check $A_NET --installed "$WORK/a1"
mkdir "$WORK/bad" && echo junk >"$WORK/bad/ITLFile.tlv"
expect_rc 2 "move-check with a bad snapshot file" $CTL move-check $A_NET --installed "$WORK/a1" --move-to "$WORK/bad"
expect_rc 2 "rehearse with a bad --tvs list" $CTL rehearse $B_NET --tvs "$A_TVS,"
finish
