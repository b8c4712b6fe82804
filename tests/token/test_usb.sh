#!/bin/sh
# An eToken 5110 on USB (umockdev fixture) that no PKCS#11 module offers
# must be reported as such, with what to install.  Run through
# with_softhsm.sh (the SoftHSM tokens are not SafeNet tokens).
#   test_usb.sh CTLCLIENT FIXTURE
set -eu

ctl=$1
fixture=$2
. "$(dirname "$0")/lib.sh"
command -v umockdev-run >/dev/null || skip "umockdev-run missing (package umockdev)"
CTLCLIENT_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
export CTLCLIENT_PKCS11_MODULE
# umockdev preloads its library ahead of the sanitizer runtime (CTL_SANITIZE).
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
out=$TOK_TEST_DIR/usb.json

umockdev-run --device "$fixture" -- "$ctl" tokens --json >"$out"
python3 - "$out" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
(e,) = inv["usb"]["etokens"]
assert (e["vendor_id"], e["product_id"]) == ("0529", "0620"), e
assert e["name"] == "eToken 5100/5110", e
assert inv["usb"]["unserved"] == 1, inv["usb"]
want = ("an eToken 5100/5110 is plugged in but no PKCS#11 module offers it: "
        "install SafeNet Authentication Client or OpenSC >= 0.24")
assert want in inv["notes"], inv["notes"]
PY
umockdev-run --device "$fixture" -- "$ctl" tokens >"$out"
grep -q "^USB eToken: eToken 5100/5110 (0529:0620)" "$out"
grep -q "^Note: an eToken 5100/5110 is plugged in but no PKCS#11 module offers it" "$out"
echo PASS
