# Helpers the token tests share (sourced).  expect_rc writes into
# $TOK_TEST_DIR, the token directory with_softhsm.sh makes.

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok - $*"; }
# Exit status 77: ctest reports the test as skipped (SKIP_RETURN_CODE).
skip() { echo "SKIP: $*"; exit 77; }

# expect_rc WANT COMMAND...: runs COMMAND with no input, its output in
# $TOK_TEST_DIR/out and $TOK_TEST_DIR/err, and fails unless it exits WANT.
expect_rc() {
	want=$1
	shift
	rc=0
	"$@" >"$TOK_TEST_DIR/out" 2>"$TOK_TEST_DIR/err" </dev/null || rc=$?
	[ "$rc" -eq "$want" ] || {
		cat "$TOK_TEST_DIR/out" "$TOK_TEST_DIR/err"
		fail "$* exited $rc, want $want"
	}
}
