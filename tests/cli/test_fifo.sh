#!/bin/bash
# A FIFO (or any file that is not a regular one) named where ctlclient
# reads a file is refused at once with "not a regular file (a FIFO)",
# instead of waiting forever for a writer: show, verify, build --signer,
# build --entry cert=, upload, --password-file, --cafile, tvs-query
# CERT and --tvs-ca.
# Each command runs under timeout, so a hang fails the test instead of
# blocking it.
# usage: test_fifo.sh CTLCLIENT MKSEED
CTL=$1
MKSEED=$2
. "$(dirname "$0")/lib.sh"

C="$WORK/certs"
mkdir -p "$C"
"$MKSEED" "$C" >/dev/null || { echo "mkseed failed"; exit 1; }
cd "$WORK" || exit 1
mkfifo "$WORK/fifo" || { echo "mkfifo failed"; exit 1; }
F=$WORK/fifo
printf 'some-password\n' > "$WORK/pw"
chmod 600 "$WORK/pw"
# No server listens on port 1: the FIFO must be refused before any
# connection is tried, or the command fails on the connection instead.
NOSRV="--server 127.0.0.1:1 --user admin"

# refused DESCRIPTION COMMAND...: fails within 5 s, saying why.
refused() {
	local what=$1 rc t0 t1
	shift
	t0=$(date +%s)
	timeout 10 "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	rc=$?
	t1=$(date +%s)
	if [ "$rc" -eq 124 ]; then
		fail "$what: hung on the FIFO (killed after 10 s)"
		return
	fi
	if [ "$rc" -ne 0 ] && [ $((t1 - t0)) -le 5 ]; then
		pass "$what: fails at once (exit $rc)"
	else
		fail "$what: exit $rc after $((t1 - t0)) s"
	fi
	expect_in "$WORK/err" "$F: not a regular file \(a FIFO\); give a file" \
		"$what: says the file is a FIFO"
}

refused "show FIFO" "$CTL" show "$F"
refused "verify FIFO" "$CTL" verify "$F" --installed none
refused "build --signer FIFO" "$CTL" build -o "$WORK/out.tlv" --signer "$F" \
	--entry "role=SAST,cert=$C/pub.pem,dns=pub,ip=127.0.0.2"
refused "build --entry cert=FIFO" "$CTL" build -o "$WORK/out.tlv" \
	--signer "$C/pub.key.pem" --entry "role=SAST,cert=$F,dns=pub,ip=127.0.0.2"
refused "upload FIFO" "$CTL" upload "$F" $NOSRV --password-file "$WORK/pw" \
	--cafile "$C/pub.pem"
refused "--password-file FIFO" "$CTL" status $NOSRV --password-file "$F" \
	--cafile "$C/pub.pem"
refused "--cafile FIFO" "$CTL" status $NOSRV --password-file "$WORK/pw" \
	--cafile "$F"
refused "tvs-query FIFO" "$CTL" tvs-query "$F" --tvs 127.0.0.1:1 \
	--tvs-ca "$C/pub.pem"
refused "tvs-query --tvs-ca FIFO" "$CTL" tvs-query "$C/pub.pem" \
	--tvs 127.0.0.1:1 --tvs-ca "$F"
[ -e "$WORK/out.tlv" ] && fail "a build that failed wrote its output" ||
	pass "no output file written"
finish
