#!/bin/bash
# Text from the network reaches node.log escaped: a LOGIN user name and
# the subject and issuer of a certificate sent to TVS, each holding a
# newline with a forged-looking line after it, a carriage return and an
# escape sequence.  node.log must gain no line that starts with the forged
# text, and the bytes must be there as \x0a, \x0d and \x1b.  A TVS device
# name holding them is refused without being logged.
#   test_log_injection.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

make_cluster 1
host=${SERVER%:*} port=${SERVER#*:}
LOG=$DIR/nodes/cucm-pub/node.log
TVSC="python3 $here/../tvs/tvsclient.py"
STAMP=2026-01-01T00:00:00.000Z

# forged_absent TAG: no line of node.log starts with the forged text.
forged_absent() {
	if grep -qa "^$STAMP FORGED-$1" "$LOG"; then
		fail "$1: node.log gained a forged line"
		grep -a -B1 "FORGED-$1" "$LOG" | sed 's/^/    | /' | head -4
	else
		pass "$1: no forged line in node.log"
	fi
}

# escaped_present TAG: the line that names the forged text shows the
# newline, carriage return and escape as \x0a, \x0d and \x1b.
escaped_present() {
	if grep -aqF "\\x0a$STAMP FORGED-$1\\x0d\\x1b[31m" "$LOG"; then
		pass "$1: the control bytes are logged as \\x0a, \\x0d, \\x1b"
	else
		fail "$1: the control bytes are not logged escaped"
		grep -a "FORGED-$1" "$LOG" | sed 's/^/    | /' | head -4
	fi
	if LC_ALL=C grep -aq $'[\r\x1b]' "$LOG"; then
		fail "$1: node.log holds a raw carriage return or escape"
	else
		pass "$1: node.log holds no raw carriage return or escape"
	fi
}

# LOGIN before any authentication: the user name is logged with the
# refusal.
python3 - "$host" "$port" "$DIR/trust.pem" "$STAMP" <<'PY' ||
import socket, ssl, struct, sys
host, port, cafile, stamp = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
user = ("x\n%s FORGED-login\r\x1b[31m" % stamp).encode()
payload = b"".join(struct.pack(">HI", t, len(v)) + v
                   for t, v in [(1, user), (2, b"not-the-password")])
ctx = ssl.create_default_context(cafile=cafile)
ctx.check_hostname = False
s = ctx.wrap_socket(socket.create_connection((host, port), timeout=10))
s.sendall(b"CTLP" + struct.pack(">BBHII", 1, 0x01, 0, 1, len(payload)) +
          payload)
head = s.recv(16)
sys.exit(0 if len(head) == 16 else 1)
PY
	fail "login: the server did not answer the LOGIN"
for i in $(seq 50); do grep -aq 'FORGED-login' "$LOG" && break; sleep 0.1; done
forged_absent login
escaped_present login

# TVS: the device name, and a certificate whose subject and issuer hold
# the same bytes.
TVS="$SUBNET.2 $((port + 1))"
for i in $(seq 50); do
	$TVSC $TVS handshake 2>/dev/null | grep -q '^ok' && break
	sleep 0.2
done
openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
	-subj "/CN=x"$'\n'"$STAMP FORGED-tvs-subject"$'\r\x1b'"[31m" \
	-keyout "$WORK/evil.key" -out "$WORK/evil.pem" 2>/dev/null ||
	{ echo "cannot make the certificate"; exit 1; }
$TVSC $TVS verify "$WORK/evil.pem" >"$WORK/tvs.out" 2>&1 ||
	fail "tvs: no answer: $(head -3 "$WORK/tvs.out")"
for i in $(seq 50); do grep -aq 'FORGED-tvs-subject' "$LOG" && break; sleep 0.1; done
forged_absent tvs-subject
escaped_present tvs-subject
# A device name that is not printable ASCII is refused, and not logged.
$TVSC $TVS verify "$WORK/evil.pem" \
	--device=$'x\n'"$STAMP FORGED-tvs-device"$'\r\x1b[31m' >/dev/null 2>&1
for i in $(seq 50); do grep -aq 'DEVICE_NAME holds' "$LOG" && break; sleep 0.1; done
forged_absent tvs-device
finish
