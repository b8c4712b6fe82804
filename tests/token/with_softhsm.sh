#!/bin/sh
# Runs a command with two fresh SoftHSM "eTokens" (see softhsm_setup.sh)
# in a temporary directory that is removed afterwards, pass or fail.
#   with_softhsm.sh COMMAND [ARG]...
# The command sees SOFTHSM2_CONF and TOK_TEST_DIR (the token directory,
# holding SAST1.pin, SAST1.pem, SAST1.serial, ca.pem and the same for SAST2).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
TOK_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ctl-tok.XXXXXX")
trap 'rm -rf "$TOK_TEST_DIR"' EXIT INT TERM
sh "$here/softhsm_setup.sh" "$TOK_TEST_DIR"
SOFTHSM2_CONF=$TOK_TEST_DIR/softhsm2.conf
export SOFTHSM2_CONF TOK_TEST_DIR
"$@"
