#!/bin/sh
# OpenSC's pkcs11-spy between us and SoftHSM counts the PKCS#11 calls:
# one key opened and used once must cost exactly one C_Login and one
# C_Sign; opening the same token's key twice in one command must not log
# in twice.  Run through with_softhsm.sh.
#   test_spy.sh TOK_SIGN_TOOL
set -eu

tool=$1
spy=/usr/lib/x86_64-linux-gnu/pkcs11-spy.so
. "$(dirname "$0")/lib.sh"
[ -r "$spy" ] || skip "$spy missing (package opensc-pkcs11)"
uri="pkcs11:token=SAST2;pin-source=file:$TOK_TEST_DIR/SAST2.pin"
PKCS11SPY=/usr/lib/softhsm/libsofthsm2.so
export PKCS11SPY
# OpenSC 0.23's spy module leaks its own allocations; under CTL_SANITIZE
# that would fail this test for code not ours.  The same open/sign path
# runs leak-checked in test_tok_key and test_mock.sh.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS

count() { # LOG FUNCTION
	grep -c "^[0-9]*: $2\$" "$1" || true
}

check() { # NAME OPENS SIGNS WANT_LOGINS WANT_SIGNS
	log=$TOK_TEST_DIR/spy-$1.log
	PKCS11SPY_OUTPUT=$log "$tool" -m "$spy" -o "$2" -n "$3" "$uri"
	logins=$(count "$log" C_Login)
	signs=$(count "$log" C_Sign)
	echo "$1: C_Login $logins, C_Sign $signs"
	[ "$logins" -eq "$4" ] || { echo "FAIL: $1: C_Login $logins, want $4"; exit 1; }
	[ "$signs" -eq "$5" ] || { echo "FAIL: $1: C_Sign $signs, want $5"; exit 1; }
}

check once 1 1 1 1
check twice-opened 2 1 1 2
check three-signs 1 3 1 3
echo PASS
