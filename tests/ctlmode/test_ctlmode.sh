#!/bin/bash
# Token-based mixed mode on a 3-node cluster with SoftHSM eTokens:
# set-mixed-mode from non-secure, update signed by the spare token (add a
# TFTP record, delete it again), the refusals (a token not in the CTL, a
# wrong PIN, deleting the signer's record) that must change nothing, and
# set-non-secure.
#   test_ctlmode.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/../cluster/lib.sh"
TOKT=$(cd "$(dirname "$0")/../token" && pwd)
MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
[ -f "$MODULE" ] || { echo "SKIP: no SoftHSM module at $MODULE"; exit 77; }

TOK=$WORK/tok
sh "$TOKT/softhsm_setup.sh" "$TOK" >"$WORK/setup.log" 2>&1 ||
	{ cat "$WORK/setup.log"; echo "softhsm setup failed"; exit 1; }
export SOFTHSM2_CONF=$TOK/softhsm2.conf CTLCLIENT_PKCS11_MODULE=$MODULE

# A third token, SAST3, that no CTL names: as softhsm_setup.sh makes them.
softhsm2-util --init-token --free --label SAST3 --pin 5555 --so-pin 5678 \
	>/dev/null &&
pkcs11-tool --module "$MODULE" --token-label SAST3 --login --pin 5555 \
	--keypairgen --key-type rsa:2048 --id 03 --label SAST3-key \
	--usage-sign >/dev/null 2>&1 &&
PKCS11_MODULE_PATH=$MODULE openssl req -new -engine pkcs11 -keyform engine \
	-key "pkcs11:token=SAST3;object=SAST3-key;type=private;pin-value=5555" \
	-subj "/O=Cisco Systems/OU=IPCBU/CN=SAST-ADN0054f511" \
	-out "$TOK/SAST3.csr" 2>/dev/null &&
openssl x509 -req -in "$TOK/SAST3.csr" -CA "$TOK/ca.pem" -CAkey "$TOK/ca.key" \
	-set_serial 0x0303 -days 30 -out "$TOK/SAST3.der" -outform DER \
	2>/dev/null &&
pkcs11-tool --module "$MODULE" --token-label SAST3 --login --pin 5555 \
	--write-object "$TOK/SAST3.der" --type cert --id 03 \
	--label SAST3-cert >/dev/null 2>&1 ||
	{ echo "cannot make token SAST3"; exit 1; }
printf '5555\n' >"$TOK/SAST3.pin"
printf '0000\n' >"$TOK/wrong.pin"
chmod 600 "$TOK"/*.pin

# A TFTP server's certificate, for Add TFTP.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=Lab/CN=tftp-alt" \
	-keyout "$WORK/tftp.key" -out "$WORK/tftp.pem" 2>/dev/null ||
	{ echo "cannot make the TFTP certificate"; exit 1; }

T1="pkcs11:token=SAST1;pin-source=file:$TOK/SAST1.pin"
T2="pkcs11:token=SAST2;pin-source=file:$TOK/SAST2.pin"
T3="pkcs11:token=SAST3;pin-source=file:$TOK/SAST3.pin"
BAD1="pkcs11:token=SAST1;pin-source=file:$TOK/wrong.pin"

make_cluster 3

# The cluster as status sees it, and the CTL every node holds: one JSON
# line to compare before and after a refused command.
snapshot() {
	"$CTL" status --json $NET </dev/null 2>/dev/null | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(j["security_mode"], j["ctl_mode"], j["ctl_sha1"],
      [n["ctl_sha1"] for n in j["nodes"]])'
}

# check_ctl JSON SIGNER-CN EXPECTED-RECORDS: records as ROLE|DNS|CN, each
# part a regular expression.
check_ctl() {
	python3 - "$@" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
want = [r.split("|") for r in sys.argv[3:]]
got = [(r["role"], r["dns_name"], r["subject"].split(";")[0][3:])
       for r in j["records"]]
assert len(got) == len(want) and all(
    all(re.fullmatch(re.escape(w) if w != "CAPF-*" else "CAPF-[0-9a-f]+", g)
        for w, g in zip(ws, gs)) for ws, gs in zip(want, got)), got
signers = [r["subject"] for r in j["records"] if r["signer"]]
assert len(signers) == 1 and ("CN=" + sys.argv[2]) in signers[0], signers
assert j["signature_valid"], j
PY
}

same_everywhere() {   # DESCRIPTION
	local pub
	pub=$(node_sha1 cucm-pub)
	if [ "$pub" != none ] && [ "$(node_sha1 cucm-sub1)" = "$pub" ] &&
	    [ "$(node_sha1 cucm-sub2)" = "$pub" ]; then pass "$1 ($pub)"
	else fail "$1: nodes differ"; fi
}

# --- usage ---
for c in set-mixed-mode update set-non-secure; do
	expect_rc 0 "$c --help" $CTL $c --help
done
expect_rc 2 "set-mixed-mode with one token needs --single-token" \
	$CTL set-mixed-mode --token "$T1" --yes $NET
expect_in "$WORK/err" "spare" "says why two tokens"
expect_rc 2 "update takes one --token" \
	$CTL update --token "$T1" --token "$T2" --yes $NET
expect_rc 2 "update without --server" $CTL update --token "$T1" --yes
expect_rc 1 "update before any CTL" $CTL update --token "$T1" --yes $NET
expect_in "$WORK/err" "no CTL" "says the cluster has no CTL"

# --- non-secure -> mixed mode with two tokens ---
before=$(snapshot)
expect_rc 0 "set-mixed-mode with SAST1 and SAST2" \
	$CTL set-mixed-mode --token "$T1" --token "$T2" --yes $NET
cp "$WORK/out" "$WORK/mixed.out"
expect_in "$WORK/mixed.out" "first CTL|accept" "prints the preflight verdict"
expect_in "$WORK/mixed.out" "cucm-sub2 +CTLFile.tlv +Passed" "per-node Passed list"
expect_in "$WORK/mixed.out" "Cluster set to Mixed Mode" "result line"
expect_in "$WORK/mixed.out" "You must restart all the Cisco Unified Communications Manager and TFTP nodes" "restart note"
expect_in "$WORK/mixed.out" "^[0-9a-f]{32}\(MD5\)" "MD5 of the new file"
expect_in "$WORK/mixed.out" "^[0-9a-f]{40}\(SHA1\)" "SHA1 of the new file"
expect_rc 0 "status after set-mixed-mode" $CTL status --json $NET
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["security_mode"] == 1 and j["ctl_mode"] == "token", j
assert all(n["ctl_sha1"] == j["ctl_sha1"] for n in j["nodes"]), j
' "$WORK/out" && pass "security_mode 1, ctl_mode token, every node current" ||
	fail "status after set-mixed-mode"
same_everywhere "every node holds the same CTL"
expect_rc 0 "the token CTL verifies" $CTL show --json "$DIR/nodes/cucm-sub1/tftp/CTLFile.tlv"
check_ctl "$WORK/out" SAST-ADN0054f509 \
	"SAST||SAST-ADN0054f509" "SAST||SAST-ADN0054f510" \
	"CCM+TFTP|cucm-pub|cucm-pub" "CCM+TFTP|cucm-sub1|cucm-sub1" \
	"CCM+TFTP|cucm-sub2|cucm-sub2" "CAPF|cucm-pub|CAPF-*" \
	"SAST|cucm-pub|ITLRECOVERY_cucm-pub" 2>"$WORK/check.err" &&
	pass "both tokens, every node, CAPF, ITLRecovery; signed by SAST1" ||
	{ fail "CTL content after set-mixed-mode"; cat "$WORK/check.err"; }
expect_rc 1 "set-mixed-mode again is refused" \
	$CTL set-mixed-mode --token "$T1" --token "$T2" --yes $NET
expect_in "$WORK/err" "already in mixed mode" "says why"

# --- update by the spare, Add TFTP ---
expect_rc 0 "update signed by SAST2 adds a TFTP server" \
	$CTL update --token "$T2" --add "role=TFTP,cert=$WORK/tftp.pem,dns=tftp-alt,ip=10.0.0.9" --yes $NET
expect_in "$WORK/out" "CTL file Updated" "result line"
same_everywhere "every node holds the updated CTL"
expect_rc 0 "the updated CTL verifies" $CTL show --json "$DIR/nodes/cucm-pub/tftp/CTLFile.tlv"
check_ctl "$WORK/out" SAST-ADN0054f510 \
	"SAST||SAST-ADN0054f509" "SAST||SAST-ADN0054f510" \
	"CCM+TFTP|cucm-pub|cucm-pub" "CCM+TFTP|cucm-sub1|cucm-sub1" \
	"CCM+TFTP|cucm-sub2|cucm-sub2" "CAPF|cucm-pub|CAPF-*" \
	"SAST|cucm-pub|ITLRECOVERY_cucm-pub" "TFTP|tftp-alt|tftp-alt" \
	2>"$WORK/check.err" &&
	pass "same records plus TFTP tftp-alt; signed by SAST2" ||
	{ fail "CTL content after update"; cat "$WORK/check.err"; }

# --- refusals that change nothing ---
before=$(snapshot)
expect_rc 1 "update with a token not in the CTL (SAST3) is refused" \
	$CTL update --token "$T3" --yes $NET
expect_in "$WORK/err" "The Security Token you have inserted does not exist in the CTL File" "Cisco's message"
[ "$(snapshot)" = "$before" ] && pass "nothing changed (SAST3)" || fail "the cluster changed (SAST3)"

expect_rc 1 "update with a wrong PIN fails" \
	$CTL update --token "$BAD1" --add "role=FIREWALL,cert=$WORK/tftp.pem" --yes $NET
expect_in "$WORK/err" "PIN" "says the PIN was wrong"
[ "$(snapshot)" = "$before" ] && pass "nothing changed (wrong PIN)" || fail "the cluster changed (wrong PIN)"

expect_rc 1 "set-non-secure with a wrong PIN fails" \
	$CTL set-non-secure --token "$BAD1" --yes $NET
[ "$(snapshot)" = "$before" ] && pass "still mixed mode, same CTL (wrong PIN)" ||
	fail "the cluster changed (set-non-secure, wrong PIN)"

expect_rc 2 "deleting the signing token's record is refused" \
	$CTL update --token "$T1" --delete SAST-ADN0054f509 --yes $NET
expect_in "$WORK/err" "signing token" "says why"
expect_rc 2 "an ambiguous --delete is refused" \
	$CTL update --token "$T1" --delete SAST-ADN --yes $NET
expect_rc 2 "adding a record the CTL holds is refused" \
	$CTL update --token "$T1" --add "role=TFTP,cert=$WORK/tftp.pem" --yes $NET
[ "$(snapshot)" = "$before" ] && pass "nothing changed (refused edits)" || fail "the cluster changed (refused edits)"

# --- Delete Selected, by number (record 8 is the TFTP server) ---
expect_rc 0 "update signed by SAST1 deletes record 8" \
	$CTL update --token "$T1" --delete 8 --yes $NET
expect_rc 0 "show" $CTL show --json "$DIR/nodes/cucm-sub2/tftp/CTLFile.tlv"
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["records"]) == 7 and not any(r["role"] == "TFTP" for r in j["records"]), j
' "$WORK/out" && pass "the TFTP record is gone" || fail "CTL after --delete"

# --- back to non-secure ---
expect_rc 0 "set-non-secure signed by SAST1" $CTL set-non-secure --token "$T1" --yes $NET
expect_in "$WORK/out" "Cluster set to Non-Secure Mode" "result line"
expect_rc 0 "status after set-non-secure" $CTL status --json $NET
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["security_mode"] == 0, j
assert all(n["ctl_sha1"] == j["ctl_sha1"] for n in j["nodes"]), j
' "$WORK/out" && pass "security_mode 0, every node current" || fail "status after set-non-secure"
expect_rc 1 "set-non-secure again is refused" $CTL set-non-secure --token "$T1" --yes $NET

finish
