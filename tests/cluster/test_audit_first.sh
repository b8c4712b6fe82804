#!/bin/bash
# Record first, then write: the publisher is killed (kill -9) at random
# moments of 20 `tokenless update`s, half of the time the instant its own
# CTLFile.tlv changes.  After each restart and catch-up, every SHA1 any
# node serves, and the one status calls current, is named by the audit
# log.
#   test_audit_first.sh CTLCLIENT CTLPUBLISHERD [ROUNDS [RANDOM-START]]
CTL=$1 PUBD=$2 ROUNDS=${3:-20} START=${4:-4242}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# Reproducible: the same delays for the same start value.
RANDOM=$START
echo "# delays drawn by bash \$RANDOM starting from $START"

make_cluster 3
expect_rc 0 "tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $NET
NODES="cucm-pub cucm-sub1 cucm-sub2"
PUB_CTL=$DIR/nodes/cucm-pub/tftp/CTLFile.tlv

# Kills PID the moment FILE is replaced (or after 3 s).
kill_on_change() {
	python3 - "$1" "$2" <<'PY'
import os, signal, sys, time
path, pid = sys.argv[1], int(sys.argv[2])
def ident():
    try:
        st = os.stat(path)
        return (st.st_ino, st.st_mtime_ns)
    except OSError:
        return None
first, end = ident(), time.monotonic() + 3
while ident() == first and time.monotonic() < end:
    pass
os.kill(pid, signal.SIGKILL)
PY
}

settled() {     # within 6 s the subscribers hold the publisher's file
	local i want
	for i in $(seq 1 60); do
		want=$(node_sha1 cucm-pub)
		[ "$(node_sha1 cucm-sub1)" = "$want" ] &&
			[ "$(node_sha1 cucm-sub2)" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

# Bounded in time as well as in count (a slow build, sanitizers).
t0=$(date +%s)
for k in $(seq 1 "$ROUNDS"); do
	if [ $(( $(date +%s) - t0 )) -ge 90 ]; then
		echo "# stopped after $((k - 1)) rounds: 90 s spent"
		break
	fi
	pid=$(cat "$DIR/nodes/cucm-pub/node.pid")
	$CTL tokenless update --yes $NET >"$WORK/up.out" 2>&1 &
	up=$!
	BG_PIDS="$BG_PIDS $up"
	if [ $((k % 2)) -eq 0 ]; then
		how="when its CTLFile.tlv changed"
		kill_on_change "$PUB_CTL" "$pid"
	else
		delay=0.$((RANDOM % 4))$((RANDOM % 10))
		how="after ${delay}s"
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null
	fi
	wait $up
	"$PUBD" start "$DIR" >/dev/null 2>&1 || fail "round $k: restart"
	# The catch-up (every 2 s) brings a subscriber the push missed in line.
	settled || fail "round $k: the nodes did not settle"
	$CTL audit --json $NET >"$WORK/audit.json" 2>"$WORK/err" || fail "round $k: audit"
	$CTL status --json $NET >"$WORK/status.json" 2>"$WORK/err" || fail "round $k: status"
	served=""
	for n in $NODES; do served="$served $(node_sha1 "$n")"; done
	if msg=$(python3 - "$WORK/audit.json" "$WORK/status.json" $served <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))["entries"]
named = {e[k] for e in entries for k in ("old_sha1", "new_sha1") if e[k]}
status = json.load(open(sys.argv[2]))
bad = [s for s in sys.argv[3:] if s != "none" and s not in named]
if status["ctl_sha1"] and status["ctl_sha1"] not in named:
    bad.append("status: " + status["ctl_sha1"])
for n in status["nodes"]:
    if n["ctl_sha1"] and n["ctl_sha1"] not in named:
        bad.append(n["name"] + " in status: " + n["ctl_sha1"])
print(" ".join(bad))
sys.exit(1 if bad else 0)
PY
	); then
		pass "round $k: publisher killed $how: every CTL served is in the audit log"
	else
		fail "round $k: publisher killed $how: not in the audit log: $msg"
	fi
done
echo "# $ROUNDS rounds in $(( $(date +%s) - t0 )) s"

# A CTL put in the publisher's store by no recorded change (by hand):
# after a restart it is reported, recorded as found, and only then spread.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=by-hand \
	-keyout "$WORK/h.key" -out "$WORK/h.pem" 2>/dev/null
cat "$WORK/h.key" "$WORK/h.pem" > "$WORK/h.signer"
$CTL build -o "$WORK/h.tlv" --signer "$WORK/h.signer" \
	--entry "role=CCM+TFTP,cert=$WORK/h.pem,dns=x" >/dev/null
h_sha=$(sha1sum < "$WORK/h.tlv" | cut -d' ' -f1)
kill -9 "$(cat "$DIR/nodes/cucm-pub/node.pid")"
cp "$WORK/h.tlv" "$DIR/nodes/cucm-pub/tftp/.by-hand" &&
	mv "$DIR/nodes/cucm-pub/tftp/.by-hand" "$PUB_CTL"
"$PUBD" start "$DIR" >/dev/null 2>&1 || fail "restart after the file was put by hand"
if settled && [ "$(node_sha1 cucm-sub1)" = "$h_sha" ]; then
	pass "the file put by hand is spread"
else
	fail "the file put by hand: $(node_sha1 cucm-pub) $(node_sha1 cucm-sub1) $(node_sha1 cucm-sub2)"
fi
expect_in "$DIR/nodes/cucm-pub/node.log" "CTLFile.tlv SHA1 $h_sha is not in the state" "the unknown file is reported in the log"
$CTL audit --json --limit 10 $NET >"$WORK/audit.json" 2>"$WORK/err"
python3 - "$WORK/audit.json" "$h_sha" <<'PY' && pass "it is recorded as found before it is spread" || fail "no ctl-found entry: $(cat "$WORK/audit.json")"
import json, sys
e = json.load(open(sys.argv[1]))["entries"]
assert any(x["operation"] == "ctl-found" and x["new_sha1"] == sys.argv[2] and
           x["user"] == "ctlpublisherd" for x in e), e
PY
finish
