#!/bin/bash
# Where a node listens.  The lab publisher on 127.0.0.2, whose
# certificate also names 127.0.0.1, answers there too (it used not to:
# ctlclient status --server 127.0.0.1:PORT was refused).  run --listen
# puts the CTL Provider and TVS on the addresses given, and a client
# that comes through an address the certificate does not name is told
# so.  run's refusals: bad addresses, --dir without a bundle.
#   test_listen.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/../cluster/lib.sh"

wait_status() {   # SERVER CADIR: until status answers (10 s at most)
	local i
	for i in $(seq 1 50); do
		"$CTL" status --server "$1" --user admin --password-file "$2/admin.password" \
			--cafile "$2/trust.pem" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
status() {   # SERVER CADIR
	"$CTL" status --server "$1" --user admin --password-file "$2/admin.password" \
		--cafile "$2/trust.pem"
}

# The lab default: publisher cucm-pub on 127.0.0.2.
base=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    b = random.randrange(20000, 60000, 10)
    socks = []
    try:
        for ip, p in (("127.0.0.1", b), ("127.0.0.2", b), ("127.0.7.2", b + 100),
                      ("127.0.0.1", b + 100)):
            for k in range(3):
                s = socket.socket(); s.bind((ip, p + k)); socks.append(s)
        print(b); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
)
expect_rc 0 "init a one-node lab cluster" "$PUBD" init "$DIR" --nodes 1 --port "$base"
openssl x509 -in "$DIR/nodes/cucm-pub/tomcat.pem" -noout -ext subjectAltName >"$WORK/san"
expect_in "$WORK/san" "IP Address:127\.0\.0\.1" "the certificate names 127.0.0.1"
"$PUBD" run "$DIR" --node cucm-pub >"$WORK/pub.log" 2>&1 &
BG_PIDS="$BG_PIDS $!"
wait_status "127.0.0.2:$base" "$DIR" && pass "status on 127.0.0.2" || fail "status on 127.0.0.2"
expect_rc 0 "status on 127.0.0.1, which the certificate names" status "127.0.0.1:$base" "$DIR"

# Refusals: nothing runs.
expect_rc 2 "--listen with a name" "$PUBD" run "$DIR" --node cucm-pub --listen localhost
expect_in "$WORK/err" "not a dotted IPv4 address" "says what an address is"
expect_rc 2 "--listen with an address twice" "$PUBD" run "$DIR" --node cucm-pub --listen 127.0.0.9,127.0.0.9
expect_rc 2 "--listen with five addresses" "$PUBD" run "$DIR" --node cucm-pub \
	--listen 127.0.0.5,127.0.0.6 --listen 127.0.0.7,127.0.0.8,127.0.0.9
expect_rc 2 "run --dir of a cluster directory" "$PUBD" run --dir "$DIR"
expect_in "$WORK/err" "unpacked bundle" "says what --dir wants"
expect_rc 2 "run --dir and DIR" "$PUBD" run --dir "$DIR" "$DIR"

# --listen: another cluster, its publisher on 127.0.7.2 and 127.0.0.1.
C2=$WORK/c2
EXTRA_DIRS="$C2"
b2=$((base + 100))
expect_rc 0 "init a second lab cluster" "$PUBD" init "$C2" --nodes 1 --port "$b2" --prefix lab --subnet 127.0.7
"$PUBD" run "$C2" --node lab-pub --listen 127.0.7.2,127.0.0.1 >"$WORK/c2.log" 2>&1 &
BG_PIDS="$BG_PIDS $!"
wait_status "127.0.7.2:$b2" "$C2" && pass "status on its own address" || fail "status on 127.0.7.2"
expect_rc 1 "status on 127.0.0.1, which its certificate does not name" status "127.0.0.1:$b2" "$C2"
expect_in "$WORK/err" "does not name 127\.0\.0\.1" "the client says why"
expect_in "$WORK/c2.log" "TVS listening on 127\.0\.0\.1:$((b2 + 1))" "TVS listens on 127.0.0.1 too"
finish
