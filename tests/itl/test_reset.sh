#!/bin/bash
# Recovering phones that lost trust in the ITL, rehearsed on a running
# 2-node cluster: the ITLRecovery and TVS certificates are regenerated
# while the phones are off, so neither their ITL nor TVS vouches for the
# new ITL.  itl reset localkey (then done), and itl reset remotekey with a
# backup taken before the regeneration (then done), each rehearsed before
# and after.  Bad input: wrong PKCS12 password, a PKCS12 without a key,
# not a PKCS12, short backup passwords, 1024-bit ITLRecovery keys; each
# refused with nothing changed.
#   test_reset.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/recovery_lib.sh"

MODELS=8845:10,7975:10

all_hold() {    # SHA1: both nodes hold that ITL
	[ "$(itl_sha1 cucm-pub)" = "$1" ] && [ "$(itl_sha1 cucm-sub1)" = "$1" ]
}
settled() {     # both nodes hold the same ITL
	[ "$(itl_sha1 cucm-pub)" = "$(itl_sha1 cucm-sub1)" ]
}
# tvs_ready: each node's TVS presents its present certificate (a node
# reloads TVS within a second or two of a regeneration).
tvs_ready() {
	local i name
	for i in 0 1; do
		name=cucm-pub
		[ $i = 1 ] && name=cucm-sub1
		$CTL tvs-query --tvs "$SUBNET.$((2 + i)):$((BASE + 10 * i + 1))" \
			--tvs-ca "$DIR/nodes/$name/TVS.pem" --timeout-ms 2000 \
			"$DIR/nodes/cucm-pub/CallManager.pem" >/dev/null 2>&1 || return 1
	done
}

# The state that must not move on a refusal: the ITL on every node, the
# reset settings.
state() {
	{
		itl_sha1 cucm-pub
		itl_sha1 cucm-sub1
		python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT itl_reset, itl_reset_sha1 FROM settings").fetchone())' "$DIR/state.db"
	} 2>&1
}

# refused DESCRIPTION REGEX COMMAND...: exit 1 naming REGEX, state
# unchanged; refused2 the same with exit 2 (bad usage).
refused() { refused_rc 1 "$@"; }
refused2() { refused_rc 2 "$@"; }
refused_rc() {
	local want=$1 what=$2 re=$3 before
	shift 3
	before=$(state)
	expect_rc "$want" "$what: refused" "$@"
	expect_in "$WORK/err" "$re" "$what: says why"
	[ "$(state)" = "$before" ] && pass "$what: nothing changed" ||
		fail "$what: the state changed"
}

make_cluster 2 --tvs-tls 1.0
BASE=${SERVER##*:}
printf 'correct horse battery\n' >"$WORK/p12pw"
printf 'wrong horse battery\n' >"$WORK/badpw"
printf 'short\n' >"$WORK/shortpw"
chmod 600 "$WORK/p12pw" "$WORK/badpw" "$WORK/shortpw"

# --- localkey ---
expect_rc 0 "snapshot: the phones hold the ITL" $CTL rehearse $NET --snapshot "$WORK/s0"
for c in "cucm-pub ITLRecovery" "cucm-pub TVS" "cucm-sub1 TVS"; do
	set -- $c
	expect_rc 0 "regenerate $2 of $1 while the phones are off" \
		$PUBD regenerate "$DIR" --node "$1" --cert "$2"
done
wait_for 15 settled && wait_for 15 tvs_ready &&
	[ "$(itl_sha1 cucm-pub)" != "$(sha1sum <"$WORK/s0/ITLFile.tlv" | cut -d' ' -f1)" ] &&
	pass "the new ITL is on both nodes, TVS reloaded" || fail "the new ITL did not spread"
rehearse 1 "before the reset" "$WORK/s0" \
	'all(m[x]["itl"]["rejected"] == 10 and m[x]["itl"]["reasons"] == {"tvs-tls": 10} for x in ("8845", "7975"))'

expect_rc 0 "itl reset localkey" $CTL itl reset localkey --yes --json $NET
reset=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["itl_sha1"])' "$WORK/out")
all_hold "$reset" && pass "every node serves the reset ITL when the command returns" ||
	fail "reset ITL: $(itl_sha1 cucm-pub) $(itl_sha1 cucm-sub1), want $reset"
expect_rc 0 "show the reset ITL" $CTL show --json "$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv"
check_itl "$WORK/out" --ips "CN=cucm-pub;" SAST:cucm-pub:CallManager SAST:cucm-pub:ITLRecovery \
	CCM+TFTP:cucm-pub:CallManager CAPF:cucm-pub:CAPF TVS:cucm-pub:TVS \
	CCM+TFTP:cucm-sub1:CallManager TVS:cucm-sub1:TVS &&
	pass "the reset ITL: signed by CallManager, the new ITLRecovery and TVS certificates" ||
	fail "reset ITL records"
sleep 3
all_hold "$reset" && pass "the catch-up keeps the reset ITL (it does not rebuild the normal one)" ||
	fail "the catch-up replaced the reset ITL"
rehearse 0 "after itl reset localkey" "$WORK/s0" \
	'all(m[x]["itl"]["direct"] == 10 for x in ("8845", "7975"))'
expect_rc 0 "snapshot: the phones hold the reset ITL" $CTL rehearse $NET --snapshot "$WORK/s1"
expect_rc 2 "remotekey without --p12: bad usage" $CTL itl reset remotekey --yes $NET
expect_rc 0 "itl reset done" $CTL itl reset done --yes $NET
expect_in "$WORK/out" "normal ITL" "done: says the normal ITL is back"
normal=$(itl_sha1 cucm-pub)
[ "$normal" != "$reset" ] && all_hold "$normal" && pass "every node serves the normal ITL again" ||
	fail "after done: $(itl_sha1 cucm-pub) $(itl_sha1 cucm-sub1)"
rehearse 0 "after itl reset done" "$WORK/s1" \
	'all(m[x]["itl"]["direct"] == 10 for x in ("8845", "7975"))'
refused "itl reset done with no reset active" "no ITL reset is active" \
	$CTL itl reset done --yes $NET

# --- the backup ---
refused2 "backup-recovery with a short password" "shorter than 8" \
	$CTL itl backup-recovery -o "$WORK/short.p12" --p12-password-file "$WORK/shortpw" $NET
[ ! -e "$WORK/short.p12" ] && pass "no backup written" || fail "a backup with a short password"
expect_rc 0 "itl backup-recovery" $CTL itl backup-recovery -o "$WORK/rec.p12" \
	--p12-password-file "$WORK/p12pw" --json $NET
[ "$(stat -c %a "$WORK/rec.p12")" = 600 ] && pass "the backup is mode 0600" || fail "backup mode"
pw=$(head -n1 "$WORK/p12pw")
openssl pkcs12 -in "$WORK/rec.p12" -info -noout -passin "pass:$pw" >"$WORK/p12info" 2>&1
expect_in "$WORK/p12info" "PBES2, PBKDF2, AES-256-CBC" "the backup: AES-256-CBC with PBKDF2"
openssl pkcs12 -in "$WORK/rec.p12" -nokeys -passin "pass:$pw" 2>/dev/null |
	openssl x509 -noout -fingerprint -sha1 | tr -d : | tr 'A-F' 'a-f' >"$WORK/fp"
cmp -s <(openssl x509 -in "$DIR/nodes/cucm-pub/ITLRecovery.pem" -noout -fingerprint -sha1 | tr -d : | tr 'A-F' 'a-f') "$WORK/fp" &&
	pass "the backup holds the publisher's ITLRecovery certificate" || fail "backup certificate"
csha=$(cut -d= -f2 "$WORK/fp")
expect_rc 2 "backup-recovery never overwrites" $CTL itl backup-recovery -o "$WORK/rec.p12" \
	--p12-password-file "$WORK/p12pw" $NET
expect_rc 0 "audit" $CTL audit --json $NET
expect_in "$WORK/out" "itl-backup-recovery" "the audit log records the backup"
grep -q "$csha" "$WORK/out" && pass "the audit entry names the certificate SHA1" || fail "audit: no $csha"

# --- remotekey ---
expect_rc 0 "snapshot: the phones hold the normal ITL" $CTL rehearse $NET --snapshot "$WORK/s2"
for c in "cucm-pub ITLRecovery" "cucm-pub CallManager" "cucm-pub TVS" "cucm-sub1 TVS"; do
	set -- $c
	expect_rc 0 "regenerate $2 of $1 while the phones are off" \
		$PUBD regenerate "$DIR" --node "$1" --cert "$2"
done
wait_for 15 settled && wait_for 15 tvs_ready && pass "the new ITL is on both nodes, TVS reloaded" ||
	fail "the new ITL did not spread"
rehearse 1 "before the remotekey reset" "$WORK/s2" \
	'all(m[x]["itl"]["rejected"] == 10 for x in ("8845", "7975"))'

head -c 3000 /dev/urandom >"$WORK/junk.p12"
openssl pkcs12 -export -nokeys -in "$DIR/nodes/cucm-pub/CallManager.pem" \
	-out "$WORK/nokey.p12" -passout "pass:$pw" 2>/dev/null
openssl req -x509 -newkey rsa:1024 -nodes -keyout "$WORK/k1024.key" -out "$WORK/c1024.pem" \
	-subj "/CN=ITLRECOVERY_cucm-pub" -days 30 2>/dev/null
openssl pkcs12 -export -inkey "$WORK/k1024.key" -in "$WORK/c1024.pem" \
	-out "$WORK/k1024.p12" -passout "pass:$pw" 2>/dev/null
refused "remotekey with a wrong password" "wrong password" \
	$CTL itl reset remotekey --p12 "$WORK/rec.p12" --p12-password-file "$WORK/badpw" --yes $NET
refused "remotekey with a PKCS12 without a key" "no private key" \
	$CTL itl reset remotekey --p12 "$WORK/nokey.p12" --p12-password-file "$WORK/p12pw" --yes $NET
openssl pkcs12 -export -nocerts -inkey "$WORK/k1024.key" \
	-out "$WORK/nocert.p12" -passout "pass:$pw" 2>/dev/null
refused "remotekey with a PKCS12 without a certificate" "no certificate" \
	$CTL itl reset remotekey --p12 "$WORK/nocert.p12" --p12-password-file "$WORK/p12pw" --yes $NET
refused "remotekey with a file that is not PKCS12" "not a PKCS12" \
	$CTL itl reset remotekey --p12 "$WORK/junk.p12" --p12-password-file "$WORK/p12pw" --yes $NET
refused "remotekey with a 1024-bit ITLRecovery" "ITLRecovery key is 1024-bit and the CallManager certificates are 2048-bit" \
	$CTL itl reset remotekey --p12 "$WORK/k1024.p12" --p12-password-file "$WORK/p12pw" --yes $NET

expect_rc 0 "itl reset remotekey with the backup" $CTL itl reset remotekey --p12 "$WORK/rec.p12" \
	--p12-password-file "$WORK/p12pw" --yes $NET
reset=$(itl_sha1 cucm-pub)
all_hold "$reset" && pass "every node serves the remotekey reset ITL" || fail "remotekey ITL not spread"
expect_rc 0 "show it" $CTL show --json "$DIR/nodes/cucm-pub/tftp/ITLFile.tlv"
python3 - "$WORK/out" "$csha" <<'PY' && pass "signed by the backed-up ITLRecovery, the new one as a second SAST" || fail "remotekey ITL records"
import json, sys
j = json.load(open(sys.argv[1]))
r = j["records"]
assert r[0]["role"] == "SAST" and r[0]["signer"] and r[0]["cert_sha1"] == sys.argv[2], r[0]
assert r[1]["role"] == "SAST" and r[1]["cert_sha1"] != sys.argv[2]
assert [x["role"] for x in r[2:]] == ["CCM+TFTP", "CAPF", "TVS", "CCM+TFTP", "TVS"]
PY
rehearse 0 "after itl reset remotekey" "$WORK/s2" \
	'all(m[x]["itl"]["direct"] == 10 for x in ("8845", "7975"))'
expect_rc 0 "snapshot: the phones hold the remotekey reset ITL" $CTL rehearse $NET --snapshot "$WORK/s3"
expect_rc 0 "itl reset done" $CTL itl reset done --yes $NET
wait_for 5 sh -c "[ \"\$(sha1sum <'$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv' | cut -d' ' -f1)\" != $reset ]" &&
	pass "the normal ITL is back" || fail "the reset ITL stayed"
rehearse 0 "after done: the normal ITL, signed by the new ITLRecovery" "$WORK/s3" \
	'all(m[x]["itl"]["direct"] == 10 for x in ("8845", "7975"))'

# --- localkey with a 1024-bit ITLRecovery on the publisher ---
old=$(itl_sha1 cucm-pub)
cp "$DIR/nodes/cucm-pub/ITLRecovery.key" "$WORK/itlr.key"
cp "$DIR/nodes/cucm-pub/ITLRecovery.pem" "$WORK/itlr.pem"
cp "$WORK/k1024.key" "$DIR/nodes/cucm-pub/ITLRecovery.key"
cp "$WORK/c1024.pem" "$DIR/nodes/cucm-pub/ITLRecovery.pem"
rebuilt() { [ "$(itl_sha1 cucm-pub)" != "$old" ] && settled; }
wait_for 15 rebuilt && pass "the normal ITL now carries the 1024-bit ITLRecovery" ||
	fail "the ITL was not rebuilt for the 1024-bit ITLRecovery"
refused "localkey with a 1024-bit ITLRecovery" "ITLRecovery key is 1024-bit and the CallManager certificates are 2048-bit: regenerate the ITLRecovery certificate" \
	$CTL itl reset localkey --yes $NET

expect_rc 0 "itl --help" $CTL itl --help
expect_in "$WORK/out" "TFTP service restart ends the" "help: the TFTP restart ends the reset"
expect_in "$WORK/out" "1024-bit" "help: the 1024-bit limit"
expect_rc 2 "itl reset with an unknown action" $CTL itl reset sideways --yes $NET

# A subscriber whose node process is down: the reset is made, the answer
# names the node that does not serve it, and the exit status says so.
old=$(itl_sha1 cucm-pub)
cp "$WORK/itlr.key" "$DIR/nodes/cucm-pub/ITLRecovery.key"
cp "$WORK/itlr.pem" "$DIR/nodes/cucm-pub/ITLRecovery.pem"
wait_for 15 rebuilt || fail "the ITL was not rebuilt for the 2048-bit ITLRecovery"
pid=$(cat "$DIR/nodes/cucm-sub1/node.pid")
kill "$pid" 2>/dev/null
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
expect_rc 1 "itl reset localkey with a node down" $CTL itl reset localkey --yes --json $NET
python3 - "$WORK/out" <<'PY' && pass "... the answer names the node down" || { fail "... the node down"; cat "$WORK/out"; }
import json, sys
j = json.load(open(sys.argv[1]))
n = {x["name"]: x["passed"] for x in j["nodes"]}
sys.exit(0 if n == {"cucm-pub": True, "cucm-sub1": False} and j["result"] == "refused"
         and "do not serve the new ITL yet" in j["error"]["message"] else 1)
PY
finish
