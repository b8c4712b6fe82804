# Shared helpers for the command-line tests (sourced).
set -u
FAILS=0
PASSES=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ctltest.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

pass() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }

# expect_rc WANT DESCRIPTION COMMAND...: runs COMMAND, output in
# $WORK/out and $WORK/err, and checks its exit status.
expect_rc() {
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass "$what (exit $rc)"
	else
		fail "$what: exit $rc, expected $want"
		sed 's/^/    | /' "$WORK/err" | head -5
	fi
}

# expect_in FILE PATTERN DESCRIPTION
expect_in() {
	if grep -qE -- "$2" "$1"; then pass "$3"; else
		fail "$3: /$2/ not in $(basename "$1")"
		sed 's/^/    | /' "$1" | head -5
	fi
}

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
