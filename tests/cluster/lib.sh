# Shared by the cluster tests (sourced): a fresh cluster on a loopback
# subnet and ports picked free, stopped and removed when the test ends,
# pass or fail.
#   CTL=ctlclient PUBD=ctlpublisherd NODES=3 . lib.sh
# Every node serves TFTP on UDP port 69 of its own address, so two tests
# running at once each take their own subnet: SUBNET (and SUBNET2 for a
# second cluster) is a random 127.R.S whose node addresses have port 69
# free; start_cluster puts a cluster there unless given --subnet.
set -u
FAILS=0
PASSES=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ctlcluster.XXXXXX")
DIR=$WORK/cluster
BG_PIDS=""
# More clusters a test started with start_cluster, stopped at the end too.
EXTRA_DIRS=""

cleanup() {
	local c
	for c in "$DIR" $EXTRA_DIRS; do
		[ -d "$c" ] && "$PUBD" stop "$c" >/dev/null 2>&1
	done
	for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
	for c in "$DIR" $EXTRA_DIRS; do
		if [ "$FAILS" -ne 0 ] && [ -d "$c/nodes" ]; then
			for l in "$c"/nodes/*/node.log; do
				echo "--- $l"; tail -n 15 "$l"
			done
		fi
	done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

pass() { PASSES=$((PASSES + 1)); echo "ok - $*"; }

# Tests that need the nodes' TFTP servers: skipped (77) without dnsmasq.
need_tftpd() {
	if ! command -v dnsmasq >/dev/null 2>&1 && [ ! -x /usr/sbin/dnsmasq ]; then
		echo "SKIP: dnsmasq (dnsmasq-base) is not installed"
		exit 77
	fi
}
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }

expect_rc() {   # WANT DESCRIPTION COMMAND...
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$what"; else
		fail "$what: exit $rc, expected $want"
		sed 's/^/    | /' "$WORK/out" "$WORK/err" | head -8
	fi
}

expect_in() {   # FILE REGEX DESCRIPTION
	if grep -qE -- "$2" "$1"; then pass "$3"; else
		fail "$3: /$2/ not in $(basename "$1")"
		sed 's/^/    | /' "$1" | head -8
	fi
}

# free_subnet [AVOID]: a loopback subnet 127.R.S (not AVOID) on whose
# node addresses UDP port 69 is free.
free_subnet() {
	python3 "$(dirname "${BASH_SOURCE[0]}")/freeports.py" subnet "$@"
}
SUBNET=$(free_subnet)
SUBNET2=$(free_subnet "$SUBNET")
[ -n "$SUBNET" ] && [ -n "$SUBNET2" ] ||
	{ echo "no loopback subnet with UDP port 69 free"; exit 1; }

# free_base NODES [SUBNET...]: a base port whose whole range is free on
# the nodes' addresses in each SUBNET (default $SUBNET): the TCP ports
# base + 10*I + 0, 1, 2, and TFTP on UDP port 69.
free_base() {
	[ $# -eq 1 ] && set -- "$1" "$SUBNET"
	python3 "$(dirname "${BASH_SOURCE[0]}")/freeports.py" base "$@"
}

# start_cluster CDIR NODES BASE [INIT OPTIONS...]: init and start a
# cluster in CDIR, on $SUBNET unless the options give --subnet; one
# other than $DIR is added to EXTRA_DIRS.
start_cluster() {
	local cdir=$1 n=$2 base=$3 tag net=()
	shift 3
	tag=$(basename "$cdir")
	[ "$cdir" = "$DIR" ] || EXTRA_DIRS="$EXTRA_DIRS $cdir"
	case " $* " in *" --subnet "*) ;; *) net=(--subnet "$SUBNET") ;; esac
	"$PUBD" init "$cdir" --nodes "$n" --port "$base" "${net[@]}" "$@" >"$WORK/init-$tag.log" 2>&1 ||
		{ cat "$WORK/init-$tag.log"; echo "init failed"; exit 1; }
	"$PUBD" start "$cdir" >"$WORK/start-$tag.log" 2>&1 ||
		{ cat "$WORK/start-$tag.log"; echo "start failed"; exit 1; }
}

# make_cluster NODES [INIT OPTIONS...]: init and start on $SUBNET; sets
# SERVER, NET (common options).
make_cluster() {
	local base n=$1
	shift
	base=$(free_base "$n" "$SUBNET")
	start_cluster "$DIR" "$n" "$base" "$@"
	SERVER=$SUBNET.2:$base
	NET="--server $SERVER --user admin --password-file $DIR/admin.password --cafile $DIR/trust.pem"
}

# The SHA1 of node NAME's CTLFile.tlv, or "none".
node_sha1() {
	local f="$DIR/nodes/$1/tftp/CTLFile.tlv"
	if [ -f "$f" ]; then sha1sum "$f" | cut -d' ' -f1; else echo none; fi
}

# make_tokens: two SoftHSM "eTokens" (SAST1 RSA 1024, SAST2 RSA 2048) in
# $WORK/tokens, exported for ctlclient; T1 and T2 are their URIs with
# pin-source.
make_tokens() {
	sh "$(dirname "${BASH_SOURCE[0]}")/../token/softhsm_setup.sh" \
		"$WORK/tokens" >/dev/null || { echo "token setup failed"; exit 1; }
	export SOFTHSM2_CONF=$WORK/tokens/softhsm2.conf
	export CTLCLIENT_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
	T1="pkcs11:token=SAST1;pin-source=file:$WORK/tokens/SAST1.pin"
	T2="pkcs11:token=SAST2;pin-source=file:$WORK/tokens/SAST2.pin"
}

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
