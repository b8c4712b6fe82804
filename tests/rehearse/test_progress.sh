#!/bin/bash
# The rehearsal's progress line: on a terminal (a pty from script(1)),
# stderr shows "N of M phones, R/s, ... left", rewritten in place; with
# stderr not a terminal, or with --json, stderr holds none of it.
#   test_progress.sh CTLCLIENT CTLPUBLISHERD
# Exits 77 (skipped) when in.tftpd or script(1) is missing.
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

need_tftpd
if ! command -v script >/dev/null 2>&1; then
	echo "SKIP: script (util-linux) is not installed"
	exit 77
fi
make_cluster 1

ARGS="rehearse $NET --phones 120 --concurrency 8 --models 8845,7960"
LINE='[0-9]+ of 120 phones, [0-9]+/s, ([0-9]+:[0-9]{2} left|time left unknown)'

# On a pty: stdout and stderr both go to the terminal script records,
# so stdout goes to a file to leave the terminal to stderr.
on_pty() {   # OUTFILE ARGS...: runs ctlclient ARGS on a pty into OUTFILE
	local out=$1
	shift
	timeout 60 script -qec "$(printf '%q ' "$CTL" "$@") >$WORK/stdout" \
		"$out" </dev/null >/dev/null 2>&1
}

on_pty "$WORK/tty" $ARGS
rc=$?
[ "$rc" -eq 0 ] && pass "rehearsal on a terminal" ||
	fail "rehearsal on a terminal: exit $rc"
expect_in "$WORK/tty" "$LINE" "the progress line appears on a terminal"
expect_in "$WORK/tty" $'\r\033\\[K' "it is rewritten in place (CR, clear to end of line)"
expect_in "$WORK/stdout" "PASS|WARNING" "the report still goes to stdout"
if grep -qE "$LINE" "$WORK/stdout"; then
	fail "the progress line leaked into stdout"
else
	pass "the progress line stays off stdout"
fi

on_pty "$WORK/tty-json" $ARGS --json
if grep -qE "$LINE|of 120 phones" "$WORK/tty-json"; then
	fail "--json on a terminal shows a progress line"
	sed 's/^/    | /' "$WORK/tty-json" | head -4
else
	pass "--json on a terminal: no progress line"
fi

expect_rc 0 "stderr not a terminal" $CTL $ARGS
if grep -q "phones, " "$WORK/err" || grep -q $'\r' "$WORK/err"; then
	fail "stderr not a terminal still shows progress"
	sed 's/^/    | /' "$WORK/err" | head -4
else
	pass "stderr not a terminal: no progress line"
fi

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
