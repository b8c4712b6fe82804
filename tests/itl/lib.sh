# What the ITL tests share, on top of the cluster tests' lib.sh.
. "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"

itl_sha1() {    # NODE: the SHA1 of its ITLFile.tlv, or none
	local f="$DIR/nodes/$1/tftp/ITLFile.tlv"
	if [ -f "$f" ]; then sha1sum "$f" | cut -d' ' -f1; else echo none; fi
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
	local t=$(($1 * 10))
	shift
	while [ "$t" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# check_itl JSON [--ips] SIGNER-PREFIX ROLE:NODE:PURPOSE...: the ITL that
# `show --json` printed to JSON is valid, holds exactly these records
# (each certificate the node's PURPOSE.pem), the first signs it, and its
# signer's name starts with SIGNER-PREFIX.
check_itl() {
	SUBNET=$SUBNET python3 "$(dirname "${BASH_SOURCE[0]}")/check_itl.py" "$DIR" "$@"
}
