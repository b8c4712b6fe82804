# Shared by the cluster tests (sourced): a fresh cluster on 127.0.0.x with
# ports picked free, stopped and removed when the test ends, pass or fail.
#   CTL=ctlclient PUBD=ctlpublisherd NODES=3 . lib.sh
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

# Tests that need the nodes' TFTP servers: skipped (77) without tftpd-hpa.
need_tftpd() {
	if ! command -v in.tftpd >/dev/null 2>&1 && [ ! -x /usr/sbin/in.tftpd ]; then
		echo "SKIP: in.tftpd (tftpd-hpa) is not installed"
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

# free_base NODES [SUBNET...]: a base port whose whole range is free on
# the nodes' addresses in each SUBNET (default 127.0.0).
free_base() {
	python3 - "$@" <<'PY'
import random, socket, sys
nodes = int(sys.argv[1])
subnets = sys.argv[2:] or ["127.0.0"]
for _ in range(200):
    base = random.randrange(20000, 60000, 10)
    try:
        socks = []
        for net in subnets:
          for i in range(nodes):
            # ctl, tvs, dist over TCP; tftp (base + 3) over UDP
            for k in range(4):
                kind = socket.SOCK_DGRAM if k == 3 else socket.SOCK_STREAM
                s = socket.socket(socket.AF_INET, kind)
                s.bind((f"{net}.{2 + i}", base + 10 * i + k))
                socks.append(s)
        for s in socks:
            s.close()
        print(base)
        break
    except OSError:
        for s in socks:
            s.close()
PY
}

# start_cluster CDIR NODES BASE [INIT OPTIONS...]: init and start a
# cluster in CDIR; one other than $DIR is added to EXTRA_DIRS.
start_cluster() {
	local cdir=$1 n=$2 base=$3 tag
	shift 3
	tag=$(basename "$cdir")
	[ "$cdir" = "$DIR" ] || EXTRA_DIRS="$EXTRA_DIRS $cdir"
	"$PUBD" init "$cdir" --nodes "$n" --port "$base" "$@" >"$WORK/init-$tag.log" 2>&1 ||
		{ cat "$WORK/init-$tag.log"; echo "init failed"; exit 1; }
	"$PUBD" start "$cdir" >"$WORK/start-$tag.log" 2>&1 ||
		{ cat "$WORK/start-$tag.log"; echo "start failed"; exit 1; }
}

# make_cluster NODES [INIT OPTIONS...]: init and start; sets SERVER, NET
# (common options).
make_cluster() {
	local base n=$1
	shift
	base=$(free_base "$n")
	start_cluster "$DIR" "$n" "$base" "$@"
	SERVER=127.0.0.2:$base
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
