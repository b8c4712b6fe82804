#!/bin/bash
# Two test processes start a 2-node cluster each at the same time, as
# ctest -j2 does: every node serves TFTP on UDP port 69 of its own
# address, so each process must pick a subnet of its own (lib.sh) for
# both clusters to start and serve their own ITL.
#   test_tftp_parallel.sh CTLCLIENT CTLPUBLISHERD
# Exits 77 (skipped) when dnsmasq is missing.
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

need_tftpd

WAIT_S=60   # each child's whole run, at most

# One child: its own lib.sh (own work directory, own subnet), a cluster,
# each node's ITL over TFTP; then it holds the cluster until GO exists,
# so that both clusters run at once, and stops it.
child() {   # TAG
	CTL=$CTL PUBD=$PUBD TAG=$1 GO=$WORK/go OUT=$WORK/$1 WAIT_S=$WAIT_S \
		timeout "$WAIT_S" bash -c '
		. "$0/lib.sh"
		make_cluster 2
		for i in 0 1; do
			name=cucm-pub
			[ $i = 1 ] && name=cucm-sub1
			curl -s --max-time 5 -o "$WORK/itl.$i" "tftp://$SUBNET.$((2 + i))/ITLFile.tlv" &&
				cmp -s "$WORK/itl.$i" "$DIR/nodes/$name/tftp/ITLFile.tlv" &&
				echo "$SUBNET.$((2 + i)) served" >>"$OUT.served"
		done
		echo "$SUBNET" >"$OUT.ready"
		for _ in $(seq $((WAIT_S * 10))); do [ -e "$GO" ] && break; sleep 0.1; done
		' "$here" >"$WORK/$1.log" 2>&1
	echo $? >"$WORK/$1.rc"
}

child a &
pa=$!
child b &
pb=$!
BG_PIDS="$BG_PIDS $pa $pb"
for _ in $(seq $((WAIT_S * 10))); do
	{ [ -e "$WORK/a.ready" ] || [ -e "$WORK/a.rc" ]; } &&
		{ [ -e "$WORK/b.ready" ] || [ -e "$WORK/b.rc" ]; } && break
	sleep 0.1
done
for t in a b; do
	if [ -e "$WORK/$t.ready" ] && [ "$(wc -l <"$WORK/$t.served" 2>/dev/null)" = 2 ]; then
		pass "cluster $t started and both its nodes served their ITL over TFTP ($(cat "$WORK/$t.ready").2-3)"
	else
		fail "cluster $t did not start or serve TFTP"
		sed 's/^/    | /' "$WORK/$t.log" | head -12
	fi
done
[ -e "$WORK/a.ready" ] && [ -e "$WORK/b.ready" ] &&
	[ "$(cat "$WORK/a.ready")" != "$(cat "$WORK/b.ready")" ] &&
	pass "the two clusters took different subnets" || fail "same subnet, or a cluster missing"
touch "$WORK/go"
wait "$pa" "$pb"
for t in a b; do
	[ "$(cat "$WORK/$t.rc")" = 0 ] && pass "cluster $t stopped cleanly" ||
		fail "cluster $t: exit $(cat "$WORK/$t.rc")"
done
finish
