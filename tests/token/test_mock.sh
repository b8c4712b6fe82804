#!/bin/sh
# What SoftHSM cannot do, through the mock module (mock_p11.c) in front of
# SoftHSM: a module whose C_Initialize fails, a token on its final PIN try,
# a locked token, a token that locks on a wrong PIN, a token pulled out
# mid-signature.  Each must end in one clean error.  Run through
# with_softhsm.sh.
#   test_mock.sh TOK_SIGN_TOOL MOCK_MODULE
set -eu

tool=$1
mock=$2
uri="pkcs11:token=SAST1;pin-source=file:$TOK_TEST_DIR/SAST1.pin"
out=$TOK_TEST_DIR/mock.out
fails=0

# expect FAULT EXIT TEXT [TOOL-OPTION]...
expect() {
	fault=$1 want_rc=$2 text=$3
	shift 3
	rc=0
	MOCK_P11_FAULT=$fault "$tool" -m "$mock" "$@" "$uri" >"$out" 2>&1 || rc=$?
	if [ "$rc" -ne "$want_rc" ] || ! grep -q -- "$text" "$out"; then
		echo "FAIL: $fault $*: exit $rc (want $want_rc), output:"
		cat "$out"
		echo "  (wanted text: $text)"
		fails=$((fails + 1))
	else
		echo "ok: $fault $*: $(tail -n 1 "$out")"
	fi
}

expect none 0 "signed 1 times"
expect init-fail 1 "\[-30\] .*C_Initialize failed (CKR_GENERAL_ERROR)"
expect final-try 1 "\[-34\] token SAST1 .*allows one more PIN try only"
expect final-try 0 "WARNING: token SAST1 .* allows ONE more PIN try" --allow-final-try
expect locked 1 "\[-33\] token SAST1 .*PIN is locked .*no login was tried"
expect lock-on-login 1 "\[-32\] token SAST1 .*PIN incorrect, and the token is now LOCKED"
expect sign-removed 1 "\[-31\] token SAST1 was removed while signing (CKR_DEVICE_REMOVED)"
[ "$fails" -eq 0 ] || exit 1
echo PASS
