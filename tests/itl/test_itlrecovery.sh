#!/bin/bash
# The ITL of a CUCM 12+ cluster (signed by the publisher's ITLRecovery
# certificate) on 3 running nodes: its records, the same file on every
# node and over every node's TFTP server, regenerations that rebuild and
# redistribute it (also to a node that was down), what `show` and
# `status` say, and `stop` leaving no TFTP server behind.
#   test_itlrecovery.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"

node_ip() { echo "$SUBNET.$((2 + $1))"; }
tftp_port() { echo 69; }

all_hold() {    # SHA1: every node holds that ITL
	local n
	for n in cucm-pub cucm-sub1 cucm-sub2; do
		[ "$(itl_sha1 $n)" = "$1" ] || return 1
	done
}

make_cluster 3
BASE=${SERVER##*:}
pub=$(itl_sha1 cucm-pub)
[ "$pub" != none ] && all_hold "$pub" && pass "init put the same ITL on every node ($pub)" ||
	fail "nodes hold different ITLs"
[ "$(stat -c %a "$DIR/nodes/cucm-sub2/tftp/ITLFile.tlv")" = 644 ] &&
	pass "the ITL is world-readable (0644), as TFTP needs" || fail "ITL mode"

expect_rc 0 "show --json reads the ITL" $CTL show --json "$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv"
check_itl "$WORK/out" --ips "CN=ITLRECOVERY_cucm-pub;" SAST:cucm-pub:ITLRecovery \
	CCM+TFTP:cucm-pub:CallManager CAPF:cucm-pub:CAPF TVS:cucm-pub:TVS \
	CCM+TFTP:cucm-sub1:CallManager TVS:cucm-sub1:TVS CCM+TFTP:cucm-sub2:CallManager TVS:cucm-sub2:TVS &&
	pass "ITL: ITLRecovery as the signing SAST, CCM+TFTP and TVS of every node, CAPF" || fail "ITL records"

expect_rc 0 "show reads the ITL as text" $CTL show "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv"
expect_in "$WORK/out" "^The checksum value of the ITL file:" "show: checksum of the ITL file"
expect_in "$WORK/out" "^Length of ITL file: [0-9]+" "show: length of the ITL file"
expect_in "$WORK/out" "ITL Record #:8" "show: ITL Record #"
expect_in "$WORK/out" "^This etoken was used to sign the ITL file.$" "show: the signer note says ITL"
expect_in "$WORK/out" "^The ITL file was verified successfully.$" "show: the ITL verdict"
if grep -qE "CTL (file|File|Record)" "$WORK/out"; then fail "show of an ITL says CTL somewhere"; else pass "show of an ITL never says CTL"; fi

# TFTP: what a phone downloads is the file, byte for byte, on every node.
for i in 0 1 2; do
	n=$([ $i = 0 ] && echo cucm-pub || echo cucm-sub$i)
	if curl -s --max-time 10 -o "$WORK/tftp.$i" "tftp://$(node_ip $i):$(tftp_port $i)/ITLFile.tlv" &&
	    cmp -s "$WORK/tftp.$i" "$DIR/nodes/$n/tftp/ITLFile.tlv"; then
		pass "TFTP $(node_ip $i):$(tftp_port $i) serves $n's ITL byte for byte"
	else
		fail "TFTP download from $n"
	fi
done

expect_rc 0 "status --json" $CTL status --json $NET
python3 - "$WORK/out" "$BASE" "$SUBNET" <<'PY' && pass "status: each node's tvs and tftp as host:port" || fail "status endpoints"
import json, sys
j, base = json.load(open(sys.argv[1])), int(sys.argv[2])
for i, n in enumerate(j["nodes"]):
    ip = f"{sys.argv[3]}.{2 + i}"
    assert n["ip"] == ip, n
    assert n["tvs"] == f"{ip}:{base + 10 * i + 1}", n
    assert n["tftp"] == f"{ip}:69", n
PY
expect_rc 0 "status as text" $CTL status $NET
expect_in "$WORK/out" "^Hostname +TVS +TFTP \(UDP\)$" "status: a TVS and TFTP table"
SUB1="${SUBNET//./\\.}\.3"
expect_in "$WORK/out" "^cucm-sub1 +$SUB1:$((BASE + 11)) +$SUB1:69$" "status: cucm-sub1's endpoints"
expect_in "$WORK/out" "^cucm-sub1 +$SUB1 +$((BASE + 10)) +Subscriber " "status: the node table keeps its columns"

# The CTL is world-readable too, and served over TFTP.
expect_rc 0 "tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $NET
[ "$(stat -c %a "$DIR/nodes/cucm-sub1/tftp/CTLFile.tlv")" = 644 ] &&
	[ "$(stat -c %a "$DIR/nodes/cucm-pub/tftp/CTLFile.tlv")" = 644 ] &&
	pass "CTLFile.tlv is written 0644" || fail "CTL mode"
curl -s --max-time 10 -o "$WORK/ctl.tftp" "tftp://$(node_ip 2):$(tftp_port 2)/CTLFile.tlv" &&
	cmp -s "$WORK/ctl.tftp" "$DIR/nodes/cucm-sub2/tftp/CTLFile.tlv" &&
	pass "TFTP serves the CTL too" || fail "TFTP CTL download"
[ "$(itl_sha1 cucm-pub)" = "$pub" ] && pass "a CTL change leaves the ITL alone" || fail "the ITL changed with the CTL"

# Regenerate TVS of cucm-sub1 while cucm-sub2 is down.
cp "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" "$WORK/itl.0"
kill "$(cat "$DIR/nodes/cucm-sub2/node.pid")"
wait_for 10 sh -c "! kill -0 $(cat "$DIR/nodes/cucm-sub2/node.pid") 2>/dev/null"
expect_rc 0 "regenerate cucm-sub1's TVS certificate" $PUBD regenerate "$DIR" --node cucm-sub1 --cert TVS
new=$(itl_sha1 cucm-pub)
[ "$new" != "$pub" ] && pass "the publisher's ITL is rebuilt at once" || fail "the ITL was not rebuilt"
holds() { [ "$(itl_sha1 "$1")" = "$2" ]; }
wait_for 15 holds cucm-sub1 "$new" && pass "cucm-sub1 gets the new ITL" || fail "cucm-sub1 still holds $(itl_sha1 cucm-sub1)"
[ "$(itl_sha1 cucm-sub2)" = "$pub" ] && pass "cucm-sub2, down, still holds the old one" || fail "cucm-sub2 changed while down"
expect_rc 0 "start again brings cucm-sub2 back" $PUBD start "$DIR"
wait_for 15 all_hold "$new" && pass "cucm-sub2 catches up after start" || fail "cucm-sub2 did not catch up"
expect_rc 0 "show the new ITL" $CTL show --json "$DIR/nodes/cucm-sub2/tftp/ITLFile.tlv"
python3 - "$WORK/out" "$DIR" <<'PY' && pass "the new ITL holds the new TVS certificate" || fail "new TVS record"
import json, subprocess, sys
j = json.load(open(sys.argv[1]))
out = subprocess.run(["openssl", "x509", "-in", sys.argv[2] + "/nodes/cucm-sub1/TVS.pem",
                      "-noout", "-fingerprint", "-sha1"], capture_output=True, text=True, check=True).stdout
assert j["records"][5]["role"] == "TVS" and j["records"][5]["dns_name"] == "cucm-sub1"
assert j["records"][5]["cert_sha1"] == out.strip().split("=")[1].replace(":", "").lower()
PY
curl -s --max-time 10 -o "$WORK/tftp.new" "tftp://$(node_ip 2):$(tftp_port 2)/ITLFile.tlv" &&
	cmp -s "$WORK/tftp.new" "$DIR/nodes/cucm-sub2/tftp/ITLFile.tlv" &&
	pass "cucm-sub2's TFTP serves the new ITL" || fail "TFTP after catch-up"
expect_rc 0 "a phone holding the old ITL accepts the new one (same ITLRecovery signer)" \
	$CTL verify "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" --installed "$WORK/itl.0"

# CallManager of the publisher, then `migrate regenerate`: the ITL is on
# every node when the command returns.
cp "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" "$WORK/itl.1"
expect_rc 0 "regenerate the publisher's CallManager certificate" $PUBD regenerate "$DIR" --node cucm-pub --cert CallManager
expect_rc 0 "migrate regenerate" $CTL migrate regenerate --yes --force $NET
cm=$(itl_sha1 cucm-pub)
[ "$cm" != "$new" ] && all_hold "$cm" && pass "after migrate regenerate every node holds the new ITL" ||
	fail "ITL after migrate regenerate: $(itl_sha1 cucm-pub) $(itl_sha1 cucm-sub1) $(itl_sha1 cucm-sub2)"
expect_rc 0 "still accepted by a phone holding the previous ITL" \
	$CTL verify "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" --installed "$WORK/itl.1"

# ITLRecovery itself: a new signer, unknown to the phones.
cp "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" "$WORK/itl.2"
expect_rc 0 "regenerate the ITLRecovery certificate" $PUBD regenerate "$DIR" --node cucm-pub --cert ITLRecovery
rec=$(itl_sha1 cucm-pub)
[ "$rec" != "$cm" ] && pass "the ITL is rebuilt for a new ITLRecovery" || fail "ITLRecovery: not rebuilt"
wait_for 15 all_hold "$rec" && pass "every node gets it" || fail "ITLRecovery ITL not distributed"
expect_rc 1 "a phone holding the previous ITL rejects one with a new ITLRecovery signer" \
	$CTL verify "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" --installed "$WORK/itl.2"
expect_rc 0 "subscriber IPsec regeneration" $PUBD regenerate "$DIR" --node cucm-sub1 --cert IPsec
[ "$(itl_sha1 cucm-pub)" = "$rec" ] && pass "a certificate the ITL does not hold leaves it alone" || fail "ITL changed for a subscriber's IPsec"
expect_rc 0 "audit" $CTL audit --json $NET
expect_in "$WORK/out" "itl-update" "ITL rebuilds are in the audit log"

# TFTP servers: a missing one is restarted by start; stop leaves none.
tpid=$(cat "$DIR/nodes/cucm-sub1/tftp.pid")
kill -- "-$tpid"
wait_for 10 sh -c "! kill -0 $tpid 2>/dev/null"
expect_rc 0 "start restarts the missing TFTP server" $PUBD start "$DIR"
expect_in "$WORK/out" "started the TFTP server of cucm-sub1" "start names the TFTP server it restarted"
curl -s --max-time 10 -o "$WORK/tftp.again" "tftp://$(node_ip 1):$(tftp_port 1)/ITLFile.tlv" &&
	cmp -s "$WORK/tftp.again" "$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv" &&
	pass "the restarted TFTP server serves the ITL" || fail "restarted TFTP"
expect_rc 0 "stop" $PUBD stop "$DIR"
expect_in "$WORK/out" "stopped the TFTP server of cucm-sub2" "stop names the TFTP servers"
# A function, not sh -c: pgrep would find the shell whose command line
# holds the pattern.
none_left() { ! pgrep -f "$DIR/nodes/" >/dev/null; }
if wait_for 5 none_left; then
	pass "stop leaves no TFTP server and no node behind"
else
	fail "left behind: $(pgrep -af "$DIR/nodes/")"
fi
[ ! -e "$DIR/nodes/cucm-pub/tftp.pid" ] && pass "stop removes tftp.pid" || fail "tftp.pid left"
finish
