# Shared by the TVS tests (sourced, with CTL and PUBD set): the cluster
# helpers of tests/cluster/lib.sh, and TVSC, the test client.
. "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"
TVSC="python3 $(dirname "${BASH_SOURCE[0]}")/tvsclient.py"

# tvs_cluster NODES [INIT OPTIONS...]: make_cluster, then BASE and PUB
# (the publisher's TVS address and port).
tvs_cluster() {
	make_cluster "$@"
	BASE=${SERVER#*:}
	PUB="$SUBNET.2 $((BASE + 1))"
}

# tvs_up HOST PORT: waits up to 10 s for that TVS to complete a
# handshake (a node serves once it has read its caches).
tvs_up() {
	local i
	for i in $(seq 50); do
		$TVSC "$1" "$2" handshake 2>/dev/null | grep -q '^ok' && return 0
		sleep 0.2
	done
	return 1
}
