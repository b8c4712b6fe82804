#!/bin/sh
# A reader and a card that come and go: a private pcscd with the vpcd
# virtual readers, and vicc as the card.  wait-token must return when the
# card appears, tokens must show it, and wait-token must time out when
# there is none.  Every process started here is stopped by PID.
#   test_pcsc.sh CTLCLIENT
set -eu

ctl=$1
. "$(dirname "$0")/lib.sh"
command -v pcscd >/dev/null || skip "pcscd missing (package pcscd)"
command -v vicc >/dev/null || skip "vicc missing (package vsmartcard-vpicc)"
[ -r /etc/reader.conf.d/vpcd ] || skip "vpcd missing (package vsmartcard-vpcd)"
vsc=/usr/lib/python3/site-packages/virtualsmartcard
[ -d "$vsc/virtualsmartcard" ] || skip "virtualsmartcard missing (python3-virtualsmartcard)"
[ -d /usr/lib/python3/dist-packages/Cryptodome ] ||
    skip "Cryptodome missing (python3-pycryptodome)"
if [ -S /run/pcscd/pcscd.comm ] && pgrep -x pcscd >/dev/null; then
	skip "a pcscd already runs; this test needs its own"
fi

t=$(mktemp -d "${TMPDIR:-/tmp}/ctl-pcsc.XXXXXX")
pcscd_pid= vicc_pid= wait_pid=
cleanup() {
	for p in $wait_pid $vicc_pid $pcscd_pid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$t"
}
trap cleanup EXIT INT TERM

# Only PC/SC is watched: no PKCS#11 module.
CTLCLIENT_PKCS11_MODULE=/nonexistent/none.so
export CTLCLIENT_PKCS11_MODULE
mkdir "$t/conf" "$t/py"
cp /etc/reader.conf.d/vpcd "$t/conf/"
# Debian installs Cryptodome where virtualsmartcard imports Crypto.
ln -s /usr/lib/python3/dist-packages/Cryptodome "$t/py/Crypto"

pcscd -f -c "$t/conf/vpcd" >"$t/pcscd.log" 2>&1 &
pcscd_pid=$!
i=0
until "$ctl" tokens --json 2>/dev/null | grep -q '"name": "Virtual PCD 00 00"'; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "pcscd did not come up: $(cat "$t/pcscd.log")"
	sleep 0.2
done

# No card yet: wait-token times out.
rc=0
"$ctl" wait-token --timeout 1 >"$t/out" 2>"$t/err" || rc=$?
[ $rc -eq 1 ] || fail "wait-token without a card exited $rc"
grep -q "^ctlclient: wait-token: no token or card appeared within 1 seconds" "$t/err" ||
    fail "timeout message: $(cat "$t/err")"

# The card appears while wait-token waits.
"$ctl" wait-token --timeout 30 >"$t/wait.out" 2>&1 &
wait_pid=$!
sleep 1
kill -0 "$wait_pid" 2>/dev/null || fail "wait-token returned with no card: $(cat "$t/wait.out")"
PYTHONPATH=$vsc:$t/py vicc -t iso7816 >"$t/vicc.log" 2>&1 &
vicc_pid=$!
rc=0
wait "$wait_pid" || rc=$?
wait_pid=
[ $rc -eq 0 ] || fail "wait-token exited $rc: $(cat "$t/wait.out") $(cat "$t/vicc.log")"
grep -q "^found a card in reader 'Virtual PCD 00 0[01]'" "$t/wait.out" ||
    fail "wait-token said: $(cat "$t/wait.out")"
"$ctl" tokens >"$t/out" 2>&1 || true
grep -q "^PC/SC reader Virtual PCD 00 0[01]: card present, ATR " "$t/out" ||
    fail "tokens does not show the card: $(cat "$t/out")"

# The card goes: the reader is empty again.
kill "$vicc_pid"
wait "$vicc_pid" 2>/dev/null || true
vicc_pid=
i=0
until "$ctl" tokens 2>/dev/null | grep -q "^PC/SC reader Virtual PCD 00 00: empty"; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "the card did not go away"
	sleep 0.2
done
echo PASS
