#!/bin/sh
# How long a token signature takes, through the real PKCS#11 path (libp11,
# EVP, one C_Sign each), on SoftHSM tokens made for the run.  A real
# eToken is far slower (hundreds of milliseconds per RSA-2048 signature);
# point TOK_BENCH_URI and CTLCLIENT_PKCS11_MODULE at one to measure it.
#
#   bench/bench_token_sign.sh BUILD_DIR [SIGNATURES]
set -eu

build=$1
n=${2:-200}
here=$(cd "$(dirname "$0")/.." && pwd)
tool=$(find "$build" -name tok_sign_tool -type f | head -n 1)
[ -x "$tool" ] || { echo "tok_sign_tool not found under $build: build first" >&2; exit 2; }

run() { # LABEL URI DIGEST
	start=$(date +%s.%N)
	"$tool" -n "$n" -d "$3" "$2" >/dev/null
	end=$(date +%s.%N)
	echo "$1 $3: $n signatures in $(echo "$end - $start" | bc) s" \
	    "($(echo "scale=2; ($end - $start) * 1000 / $n" | bc) ms each," \
	    "login and setup included)"
}

if [ -n "${TOK_BENCH_URI:-}" ]; then
	run "$TOK_BENCH_URI" "$TOK_BENCH_URI" sha256
	exit 0
fi
CTLCLIENT_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
export CTLCLIENT_PKCS11_MODULE
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctl-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
sh "$here/tests/token/softhsm_setup.sh" "$tmp"
SOFTHSM2_CONF=$tmp/softhsm2.conf
export SOFTHSM2_CONF
for t in SAST1 SAST2; do
	for d in sha1 sha256 sha512; do
		run "$t" "pkcs11:token=$t;pin-source=file:$tmp/$t.pin" "$d"
	done
done
