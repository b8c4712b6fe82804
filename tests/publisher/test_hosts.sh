#!/bin/bash
# A cluster on real hosts: three nodes from a cluster definition, each in
# a network namespace of its own (10.213.0.1-3, standard ports 2444,
# 2445, 2446, 69), run from its bundle unpacked in its own directory.  A
# tokenless CTL made through the publisher reaches both subscribers over
# mutual TLS and their TFTP servers (each node's own, `run --tftp`, on
# its own address), and status through the publisher shows every node
# current.  Stopping a node stops its TFTP server; a node whose TFTP
# server dies stops with an error, for systemd to restart it.  The namespaces, joined by a bridge in a
# fourth one where ctlclient runs, are the test's own: no packet leaves
# them.  Needs root (77 without it, or without network namespaces).
#   test_hosts.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/../cluster/lib.sh"

if [ "$(id -u)" -ne 0 ]; then echo "SKIP: network namespaces need root"; exit 77; fi
need_tftpd
TAG=ctlh$$
HUB=$TAG-hub
NAMES="pub sub1 sub2"
NSS=""
ip_of() { case $1 in pub) echo 10.213.0.1;; sub1) echo 10.213.0.2;; sub2) echo 10.213.0.3;; esac; }
host_cleanup() {
	local p ns
	for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
	for p in $BG_PIDS; do wait "$p" 2>/dev/null; done
	BG_PIDS=""
	for ns in $NSS; do ip netns del "$ns" 2>/dev/null; done
	cleanup
}
trap host_cleanup EXIT INT TERM

if ! ip netns add "$HUB" 2>/dev/null; then
	echo "SKIP: this machine does not allow network namespaces"; exit 77
fi
NSS=$HUB
ip -n "$HUB" link add br0 type bridge &&
	ip -n "$HUB" addr add 10.213.0.100/24 dev br0 &&
	ip -n "$HUB" link set br0 up && ip -n "$HUB" link set lo up ||
	{ echo "SKIP: no bridge in a namespace"; exit 77; }
i=0
for n in $NAMES; do
	i=$((i + 1))
	ns=$TAG-$n
	ip netns add "$ns" && NSS="$NSS $ns" &&
	ip link add eth0 netns "$ns" type veth peer name "p$i" netns "$HUB" &&
	ip -n "$HUB" link set "p$i" master br0 up &&
	ip -n "$ns" addr add "10.213.0.$i/24" dev eth0 &&
	ip -n "$ns" link set eth0 up && ip -n "$ns" link set lo up ||
		{ fail "network namespace $ns"; finish; exit 1; }
done
pass "namespaces $NSS joined on 10.213.0.0/24"

cat >"$WORK/cluster.def" <<'DEF'
# the lab's three hosts
node pub  10.213.0.1 publisher
node sub1 10.213.0.2
node sub2 10.213.0.3   # standard ports everywhere
DEF
expect_rc 0 "init from a definition" "$PUBD" init "$DIR" --definition "$WORK/cluster.def"
expect_in "$WORK/out" "sub2 +subscriber +10\.213\.0\.3 +ctl 2444, tvs 2445, distribution 2446, tftp 69" "the standard ports"
for n in $NAMES; do
	expect_rc 0 "bundle of $n" "$PUBD" bundle "$DIR" --node "$n" -o "$WORK/$n.tar"
	[ "$(stat -c %a "$WORK/$n.tar")" = 600 ] && pass "$n.tar is 0600" || fail "$n.tar mode"
	mkdir -m 700 "$WORK/host-$n" && tar -xf "$WORK/$n.tar" -C "$WORK/host-$n" --no-same-owner ||
		fail "unpack $n"
done
bad=$(find "$WORK"/host-* -name '*.key' ! -perm 600; find "$WORK"/host-* -name state.db ! -perm 600)
[ -z "$bad" ] && pass "unpacked keys and states are 0600" || fail "not 0600: $bad"
[ "$(find "$WORK/host-sub1" -name '*.key' | grep -vc '/nodes/sub1/')" = 0 ] &&
	[ ! -e "$WORK/host-sub1/cluster-ca.key" ] && [ ! -e "$WORK/host-pub/admin.password" ] &&
	pass "a bundle holds its own node's keys only" || fail "foreign keys in a bundle"
python3 -c '
import sqlite3, sys
users = lambda d: sqlite3.connect(d + "/state.db").execute("SELECT count(*) FROM users").fetchone()[0]
assert users(sys.argv[1]) == 0 and users(sys.argv[2]) == 1
' "$WORK/host-sub1" "$WORK/host-pub" && pass "only the publisher's bundle holds the accounts" ||
	fail "accounts in a subscriber's bundle"
expect_rc 2 "bundle refuses to replace a file" "$PUBD" bundle "$DIR" --node sub1 -o "$WORK/sub1.tar"
expect_rc 2 "bundle of an unknown node" "$PUBD" bundle "$DIR" --node sub9 -o "$WORK/sub9.tar"
[ ! -e "$WORK/sub9.tar" ] && [ -z "$(ls "$WORK" | grep -E '\.(tmp|d)-')" ] &&
	pass "a refused bundle leaves nothing" || fail "a refused bundle left files"

# Each node from its own directory, with its own TFTP server on port 69.
declare -A RUN
for n in $NAMES; do
	ip netns exec "$TAG-$n" "$PUBD" run --dir "$WORK/host-$n" --tftp >"$WORK/$n.log" 2>&1 &
	RUN[$n]=$!
	BG_PIDS="$BG_PIDS $!"
done
# The TFTP servers serving the unpacked bundles' directories.
tftpds() { pgrep -f -- "--tftp-root=$WORK/host-" | tr '\n' ' '; }
NET="--server 10.213.0.1:2444 --user admin --password-file $DIR/admin.password --cafile $DIR/trust.pem"
inhub() { ip netns exec "$HUB" "$@"; }
up=0
for _ in $(seq 1 50); do
	if inhub "$CTL" status --json $NET >"$WORK/out" 2>"$WORK/err" &&
		python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert all(n["reachable"] for n in j["nodes"])' "$WORK/out" 2>/dev/null
	then up=1; break; fi
	sleep 0.2
done
[ "$up" = 1 ] && pass "status through the publisher at 10.213.0.1:2444: every node answers" ||
	{ fail "the cluster did not come up"; cat "$WORK/err" "$WORK"/*.log | tail -20; }

for n in $NAMES; do
	inhub bash -c "exec 3<>/dev/tcp/$(ip_of "$n")/2445" 2>/dev/null &&
		pass "$n: TVS answers on $(ip_of "$n"):2445" || fail "$n: no TVS on 2445"
	inhub curl -s --max-time 10 -o "$WORK/itl-$n" "tftp://$(ip_of "$n"):69/ITLFile.tlv" &&
		cmp -s "$WORK/itl-$n" "$WORK/host-$n/nodes/$n/tftp/ITLFile.tlv" &&
		pass "$n: its own TFTP server sends its ITLFile.tlv on $(ip_of "$n"):69" ||
		fail "$n: no ITLFile.tlv over TFTP on $(ip_of "$n"):69"
done

expect_rc 0 "tokenless set-mixed-mode through the publisher" inhub "$CTL" tokenless set-mixed-mode --yes $NET
pub=$(sha1sum <"$WORK/host-pub/nodes/pub/tftp/CTLFile.tlv" | cut -d' ' -f1)
for n in sub1 sub2; do
	f=$WORK/host-$n/nodes/$n/tftp/CTLFile.tlv
	[ -f "$f" ] && [ "$(sha1sum <"$f" | cut -d' ' -f1)" = "$pub" ] &&
		pass "$n holds the publisher's CTL in its own directory" || fail "$n has no CTL"
	inhub curl -s --max-time 10 -o "$WORK/tftp-$n" "tftp://$(ip_of "$n"):69/CTLFile.tlv" &&
		[ "$(sha1sum <"$WORK/tftp-$n" | cut -d' ' -f1)" = "$pub" ] &&
		pass "$n serves it over TFTP on $(ip_of "$n"):69" || fail "$n over TFTP"
done
grep -q "push CTLFile.tlv on sub2: Passed" "$WORK/pub.log" &&
	pass "the publisher pushed over distribution" || fail "no push in the publisher's log"
expect_rc 0 "status after the change" inhub "$CTL" status --json $NET
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert [n["ip"] for n in j["nodes"]] == ["10.213.0.1", "10.213.0.2", "10.213.0.3"], j
assert all(n["state"] == "current" and n["ctl_sha1"] == sys.argv[2] for n in j["nodes"]), j
' "$WORK/out" "$pub" && pass "status: every node current, on its own address" || fail "status after"

# A node whose TFTP server dies stops, non-zero, for systemd to restart.
kill "$(cat "$WORK/host-sub2/nodes/sub2/tftp.pid")" 2>/dev/null
for _ in $(seq 1 50); do kill -0 "${RUN[sub2]}" 2>/dev/null || break; sleep 0.2; done
if kill -0 "${RUN[sub2]}" 2>/dev/null; then fail "sub2 runs on without its TFTP server"
else
	wait "${RUN[sub2]}"; rc=$?
	[ "$rc" -ne 0 ] && grep -q "its TFTP server exited" "$WORK/sub2.log" &&
		pass "sub2 stops with exit $rc when its TFTP server dies, and says so" ||
		fail "sub2 after its TFTP server died: exit $rc"
fi
# SIGTERM stops each node and its TFTP server.
for n in pub sub1; do kill "${RUN[$n]}"; done
for n in pub sub1; do
	wait "${RUN[$n]}"; rc=$?
	[ "$rc" = 0 ] && pass "$n stops on SIGTERM" || fail "$n on SIGTERM: exit $rc"
done
BG_PIDS=""
left=$(tftpds)
[ -z "$left" ] && pass "no TFTP server is left" || fail "TFTP servers left: $left"
finish
