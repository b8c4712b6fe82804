#!/bin/sh
# The generated udev rules name exactly the devices the C table knows,
# each for the ctlsign group.
#   test_udev.sh TOK_USB_TABLE RULES_FILE
set -eu

table=$1
rules=$2
t=$(mktemp -d "${TMPDIR:-/tmp}/ctl-udev.XXXXXX")
trap 'rm -rf "$t"' EXIT INT TERM

"$table" | sort >"$t/table"
sed -n 's/^ATTR{idVendor}=="\([0-9a-f]*\)", ATTR{idProduct}=="\([0-9a-f]*\)", GROUP="ctlsign", MODE="0660"$/\1:\2/p' \
    "$rules" | sort >"$t/rules"
if ! cmp -s "$t/table" "$t/rules"; then
	echo "FAIL: udev rules and the C device table differ:"
	diff "$t/table" "$t/rules" || true
	exit 1
fi
echo "PASS: $(wc -l <"$t/table") devices in both"
