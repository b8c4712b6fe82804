#!/bin/sh
# ctlclient tokens / export-cert / wait-token against the two SoftHSM
# tokens.  Run through with_softhsm.sh.
#   test_cli.sh CTLCLIENT
set -eu

ctl=$1
d=$TOK_TEST_DIR
CTLCLIENT_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
export CTLCLIENT_PKCS11_MODULE
. "$(dirname "$0")/lib.sh"

# tokens --json parses and lists both tokens with their certificates.
expect_rc 0 "$ctl" tokens --json
python3 -m json.tool "$d/out" >/dev/null || fail "tokens --json does not parse"
python3 - "$d/out" <<'PY' || fail "tokens --json content"
import json, sys
inv = json.load(open(sys.argv[1]))
toks = {s["token"]["label"]: s["token"] for s in inv["slots"]
        if s["token"] and s["token"]["initialized"]}
assert set(toks) == {"SAST1", "SAST2"}, toks.keys()
for label, cn, bits in (("SAST1", "SAST-ADN0054f509", 1024),
                        ("SAST2", "SAST-ADN0054f510", 2048)):
    (c,) = toks[label]["certificates"]
    assert c["subject"].endswith("CN = " + cn), c
    assert c["issuer"] == "O = Cisco Systems, CN = Cisco Manufacturing CA", c
    assert c["key_bits"] == bits and c["key_type"] == "RSA", c
    assert c["private_key"] in ("present", "probable"), c
    assert len(c["sha1"]) == 40
assert isinstance(inv["pcsc"]["running"], bool)
assert isinstance(inv["usb"]["etokens"], list)
PY
expect_rc 0 "$ctl" tokens
grep -q "^  Token SAST1$" "$d/out" || fail "tokens text lacks SAST1"
grep -q "^  Token SAST2$" "$d/out" || fail "tokens text lacks SAST2"
expect_rc 0 "$ctl" tokens --help
grep -q "^usage: ctlclient tokens" "$d/out" || fail "tokens --help"
expect_rc 2 "$ctl" tokens --bogus
expect_rc 1 "$ctl" tokens --module /nonexistent/module.so
grep -q "^ctlclient: tokens: PKCS#11 module /nonexistent/module.so" "$d/err" ||
    fail "tokens with a missing module: $(cat "$d/err")"

# export-cert writes exactly the token's certificate, PEM and DER.
expect_rc 0 "$ctl" export-cert --token "pkcs11:token=SAST1" -o "$d/e1.pem"
openssl x509 -in "$d/SAST1.pem" -out "$d/want1.pem"
cmp "$d/e1.pem" "$d/want1.pem" || fail "exported PEM differs"
expect_rc 0 "$ctl" export-cert --token "pkcs11:token=SAST2;object=SAST2-cert" \
    -o "$d/e2.der" --der
cmp "$d/e2.der" "$d/SAST2.der" || fail "exported DER differs"
expect_rc 0 "$ctl" export-cert --token "pkcs11:serial=$(cat "$d/SAST2.serial")" -o -
openssl x509 -in "$d/SAST2.pem" -out "$d/want2.pem"
cmp "$d/out" "$d/want2.pem" || fail "export to stdout differs"
expect_rc 1 "$ctl" export-cert --token "pkcs11:token=NOPE" -o "$d/none.pem"
grep -q "^ctlclient: export-cert: no token matches pkcs11:token=NOPE" "$d/err" ||
    fail "export-cert of a missing token: $(cat "$d/err")"
[ ! -e "$d/none.pem" ] || fail "a failed export left a file"
expect_rc 1 "$ctl" export-cert --token "pkcs11:token=SAST1;pin-value=1234" -o "$d/x.pem"
grep -q "PINs never go on the command line" "$d/err" || fail "pin-value accepted"
if grep -q 1234 "$d/err"; then fail "the PIN was echoed"; fi
expect_rc 2 "$ctl" export-cert --token "pkcs11:token=SAST1"
expect_rc 0 "$ctl" export-cert --help

# wait-token: SoftHSM's tokens are always present.
expect_rc 0 "$ctl" wait-token --timeout 0
grep -q "^found token SAST" "$d/out" || fail "wait-token: $(cat "$d/out")"
expect_rc 2 "$ctl" wait-token --timeout soon
expect_rc 0 "$ctl" wait-token --help
echo PASS
