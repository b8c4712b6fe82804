#!/bin/sh
# ctlclient build with a token's key: a CTL signed by token 1 that names
# token 2 as a second SAST verifies with show; one build costs exactly one
# C_Login and one C_Sign; a token that is pulled out or a wrong PIN leaves
# no output file.  Run through with_softhsm.sh.
#   test_build.sh CTLCLIENT MOCK_MODULE
set -eu

ctl=$1
mock=$2
d=$TOK_TEST_DIR
softhsm=/usr/lib/softhsm/libsofthsm2.so
spy=/usr/lib/x86_64-linux-gnu/pkcs11-spy.so
. "$(dirname "$0")/lib.sh"

s1="pkcs11:token=SAST1;pin-source=file:$d/SAST1.pin"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=cucm-pub/O=Lab" \
	-keyout "$d/pub.key" -out "$d/pub.pem" 2>/dev/null

build() {   # OUT MODULE [more options]
	out=$1 module=$2
	shift 2
	"$ctl" build -o "$out" --module "$module" --signer "$s1" \
		--entry "role=SAST,cert=pkcs11:token=SAST2" \
		--entry "role=CCM+TFTP,cert=$d/pub.pem,dns=cucm-pub,ip=127.0.0.2" \
		--entry "role=CAPF,cert=$d/pub.pem,dns=cucm-pub" "$@"
}

expect_rc 0 build "$d/CTLFile.tlv" "$softhsm"
ok "build signed by SAST1 naming SAST2"
expect_rc 0 "$ctl" show --json "$d/CTLFile.tlv"
python3 - "$d/out" <<'PY' || fail "show --json of the token CTL"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["signature_valid"] is True
sast = [r for r in j["records"] if r["role"] == "SAST"]
assert len(sast) == 2, sast
signer = [r for r in sast if r["signer"]]
assert len(signer) == 1 and "SAST-ADN0054f509" in signer[0]["subject"], signer
other = [r for r in sast if not r["signer"]][0]
assert "SAST-ADN0054f510" in other["subject"]
assert other["dns_name"] == "" and not other["has_signature_field"]
assert j["signature_bits"] == 1024
PY
ok "show verifies it: SAST1 signed, SAST2 is the second SAST"
expect_rc 0 "$ctl" show "$d/CTLFile.tlv"
grep -q "^This etoken was not used to sign the CTL file.$" "$d/out" || fail "no 'not used' note"

# Signing with the 2048-bit token and SHA-256.
expect_rc 0 "$ctl" build -o "$d/ctl2.tlv" --module "$softhsm" \
	--signer "pkcs11:token=SAST2;pin-source=file:$d/SAST2.pin" \
	--entry "role=SAST,cert=pkcs11:token=SAST1" --digest sha256
expect_rc 0 "$ctl" show "$d/ctl2.tlv"
ok "SAST2 (RSA 2048) signs with SHA-256"
expect_rc 0 "$ctl" verify "$d/CTLFile.tlv" --installed "$d/ctl2.tlv"
ok "a phone holding the SAST2-signed CTL accepts the SAST1-signed one"

# One build, one signing token: one C_Login, one C_Sign.
if [ -r "$spy" ]; then
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	PKCS11SPY=$softhsm PKCS11SPY_OUTPUT=$d/spy.log \
		build "$d/spy.tlv" "$spy" >/dev/null
	logins=$(grep -c '^[0-9]*: C_Login$' "$d/spy.log" || true)
	signs=$(grep -c '^[0-9]*: C_Sign$' "$d/spy.log" || true)
	[ "$logins" -eq 1 ] || fail "C_Login called $logins times"
	[ "$signs" -eq 1 ] || fail "C_Sign called $signs times"
	ok "pkcs11-spy: building one CTL costs 1 C_Login and 1 C_Sign"
else
	fail "$spy missing (package opensc-pkcs11)"
fi

# A wrong PIN: refused, not retried, no file.
printf '9999\n' > "$d/wrong.pin"
chmod 600 "$d/wrong.pin"
expect_rc 1 "$ctl" build -o "$d/wrong.tlv" --module "$softhsm" \
	--signer "pkcs11:token=SAST1;pin-source=file:$d/wrong.pin"
grep -qi "PIN" "$d/err" || fail "wrong PIN message: $(cat "$d/err")"
[ ! -e "$d/wrong.tlv" ] || fail "a file was written after a wrong PIN"
ok "wrong PIN: clean failure, no file ($(cat "$d/err"))"

# A PIN on the command line is refused.
expect_rc 1 "$ctl" build -o "$d/pv.tlv" --module "$softhsm" \
	--signer "pkcs11:token=SAST1;pin-value=1234"
grep -q "1234" "$d/err" && fail "the PIN was echoed"
[ ! -e "$d/pv.tlv" ] || fail "a file was written"
ok "pin-value refused"

# No such token.
expect_rc 1 "$ctl" build -o "$d/none.tlv" --module "$softhsm" \
	--signer "pkcs11:token=NOPE;pin-source=file:$d/SAST1.pin"
[ ! -e "$d/none.tlv" ] || fail "a file was written"
ok "missing token: $(cat "$d/err")"
# Faults SoftHSM cannot make, through the mock module: the token pulled
# out in the middle of C_Sign, a locked token, the final PIN try.  Each
# fails cleanly and leaves the existing output file untouched.
cp "$d/CTLFile.tlv" "$d/keep.tlv"
before=$(sha1sum < "$d/keep.tlv")
for fault in sign-removed locked final-try init-fail; do
	rc=0
	MOCK_P11_FAULT=$fault build "$d/keep.tlv" "$mock" >"$d/out" 2>"$d/err" \
		</dev/null || rc=$?
	[ "$rc" -eq 1 ] || { cat "$d/err"; fail "$fault: exit $rc, want 1"; }
	# One error line (warnings about the token's state may precede it).
	[ "$(grep -vc '^ctlclient: warning:' "$d/err")" -eq 1 ] ||
		{ cat "$d/err"; fail "$fault: not one error line"; }
	[ "$before" = "$(sha1sum < "$d/keep.tlv")" ] || fail "$fault: output changed"
	ls "$d" | grep -q 'keep\.tlv\.' && fail "$fault: temporary file left"
	ok "$fault: $(tail -n 1 "$d/err")"
done
MOCK_P11_FAULT=sign-removed build "$d/gone.tlv" "$mock" >/dev/null 2>&1 </dev/null && fail "sign-removed succeeded"
[ ! -e "$d/gone.tlv" ] || fail "sign-removed: a file appeared"
ok "token removed mid-signature: no output file appears"
echo PASS
