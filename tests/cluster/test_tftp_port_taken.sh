#!/bin/bash
# `ctlpublisherd start` when a node's TFTP port (UDP 69 on its address)
# is held by another program: it names the address and says what to do,
# exits 1 and starts nothing, not even the nodes whose port is free.
# Run by a user who may not bind port 69, start says to run it as root
# or to give dnsmasq CAP_NET_BIND_SERVICE, and leaves nothing running.
# Once the port is free, start as root works.  A cluster whose state
# still holds another TFTP port (made before TFTP moved to port 69) is
# refused with what to do.
#   test_tftp_port_taken.sh CTLCLIENT CTLPUBLISHERD
# Exits 77 (skipped) when dnsmasq is missing.
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

need_tftpd

base=$(free_base 2)
expect_rc 0 "init a 2-node cluster on $SUBNET" \
	"$PUBD" init "$DIR" --nodes 2 --port "$base" --subnet "$SUBNET"

# Another program holds cucm-sub1's TFTP port.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 69))
open(sys.argv[2], "w").close()
time.sleep(60)' "$SUBNET.3" "$WORK/held" &
holder=$!
BG_PIDS="$BG_PIDS $holder"
for _ in $(seq 50); do [ -e "$WORK/held" ] && break; sleep 0.1; done

expect_rc 1 "start fails while $SUBNET.3:69/udp is taken" "$PUBD" start "$DIR"
expect_in "$WORK/err" "cannot start the TFTP server of node cucm-sub1: TFTP port ${SUBNET//./\\.}\.3:69/udp is in use by another program" \
	"the error names the node, the address and the port"
expect_in "$WORK/err" "ss -ulpn 'sport = :69'" "... says how to find the program"
expect_in "$WORK/err" "init --subnet" "... and how to move the cluster away"
if ls "$DIR"/nodes/*/node.pid "$DIR"/nodes/*/tftp.pid >/dev/null 2>&1 ||
	curl -s --max-time 2 -o /dev/null "tftp://$SUBNET.2/ITLFile.tlv" ||
	python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.5)' \
		"$SUBNET.2" "$base" 2>/dev/null; then
	fail "start left something running or a pid file behind"
else
	pass "start started nothing, not even cucm-pub whose port is free"
fi

kill "$holder"
wait "$holder" 2>/dev/null

nothing_left() {   # no node, no TFTP server, no pid file of this cluster
	! pgrep -f "$DIR/nodes/" >/dev/null &&
		! ls "$DIR"/nodes/*/node.pid "$DIR"/nodes/*/tftp.pid >/dev/null 2>&1
}
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$WORK"
	chown -R nobody "$DIR"
	expect_rc 1 "start as nobody fails: port 69 needs a privilege" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$PUBD" start "$DIR"
	expect_in "$WORK/err" "TFTP server of node cucm-(pub|sub1) exited while starting .*Permission denied" \
		"the error names the node and dnsmasq's reason"
	expect_in "$WORK/err" "run \`ctlpublisherd start\` as root, or \`setcap cap_net_bind_service=\+ep [^\`]*dnsmasq\`" \
		"... and says to run start as root or give dnsmasq the capability"
	nothing_left && pass "start as nobody left nothing running and no pid file" ||
		fail "start as nobody left: $(pgrep -af "$DIR/nodes/"; ls "$DIR"/nodes/*/*.pid 2>&1)"
	chown -R root "$DIR"
else
	echo "# not root, or no setpriv: the unprivileged start is not checked"
fi
# DIR relative: dnsmasq runs from "/", so start hands it absolute paths.
expect_rc 0 "start once the port is free (DIR given relative)" \
	sh -c 'cd "$1" && exec "$2" start "$3"' sh "$(dirname "$DIR")" "$PUBD" "$(basename "$DIR")"
curl -s --max-time 5 -o "$WORK/itl" "tftp://$SUBNET.3/ITLFile.tlv" &&
	cmp -s "$WORK/itl" "$DIR/nodes/cucm-sub1/tftp/ITLFile.tlv" &&
	pass "cucm-sub1 serves its ITL on $SUBNET.3:69" || fail "no TFTP on $SUBNET.3 after start"
expect_rc 0 "stop" "$PUBD" stop "$DIR"

python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE nodes SET port_tftp = port_ctl + 3 WHERE name = ?", ("cucm-sub1",))
db.commit()' "$DIR/state.db"
expect_rc 1 "start refuses a TFTP port other than 69" "$PUBD" start "$DIR"
expect_in "$WORK/err" "node cucm-sub1: its TFTP port is $((base + 13)) in .*serves port 69 only: make the cluster again with \`ctlpublisherd init\`" \
	"... naming the node, the port, and what to do"
nothing_left && pass "... and starts nothing" || fail "a node started with the wrong TFTP port"
finish
