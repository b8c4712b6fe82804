#!/bin/bash
# What the help of the network commands and of ctlpublisherd promises,
# checked against what the commands do, offline (no server answers on
# 127.0.0.1:1):
# - a bad option or an unknown migration is one line, exit 2;
# - preflight and rehearse --installed refuse a file that is not a
#   valid .tlv with exit 2, before connecting;
# - each migration has its own usage; the token commands show --token as
#   optional and quote the terminal prompt token_pick.c really prints;
# - upload, preflight, rehearse and verify say what their docs say.
#   test_help_claims.sh CTLCLIENT CTLPUBLISHERD SOURCE-DIR
CTL=$(realpath "$1") PUBD=$(realpath "$2") SRC=$(realpath "$3")
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
unset CTLCLIENT_PASSWORD
export CTLCLIENT_KNOWN_SERVERS=$WORK/known_servers
DOWN=(--server 127.0.0.1:1 --timeout 1 --accept-new)

# expect_lines N DESCRIPTION: standard error of the last expect_rc has N
# lines.
expect_lines() {
	local n
	n=$(wc -l <"$WORK/err")
	if [ "$n" -eq "$1" ]; then pass "$2"; else
		fail "$2: $n lines"
		sed 's/^/    | /' "$WORK/err" | head -5
	fi
}

# expect_not_in FILE PATTERN DESCRIPTION
expect_not_in() {
	if grep -qE -- "$2" "$1"; then
		fail "$3: /$2/ in $(basename "$1")"
		grep -E -- "$2" "$1" | sed 's/^/    | /' | head -3
	else
		pass "$3"
	fi
}

# Bad input before any connection: exit 2, one line.
head -c 3000 /dev/urandom >garbage.tlv
printf 'password\n' >pw
chmod 600 pw
expect_rc 2 "preflight of a file that is not a .tlv" \
	"$CTL" preflight garbage.tlv "${DOWN[@]}" --password-file pw
expect_lines 1 "preflight of a file that is not a .tlv: one line"
expect_in "$WORK/err" "garbage.tlv" "preflight names the file"
expect_rc 2 "preflight of a file that cannot be read" \
	"$CTL" preflight nosuch.tlv "${DOWN[@]}" --password-file pw
mkdir bad
cp garbage.tlv bad/CTLFile.tlv
expect_rc 2 "rehearse --installed with a file that is not a .tlv" \
	"$CTL" rehearse --installed bad --phones 1 "${DOWN[@]}" --password-file pw
expect_lines 1 "rehearse --installed with a bad file: one line"
expect_in "$WORK/err" "bad/CTLFile.tlv" "rehearse names the file"
# A good --installed DIR with no server is a failure, not bad input.
mkdir empty
expect_rc 1 "rehearse --installed, no server" \
	"$CTL" rehearse --installed empty --phones 1 "${DOWN[@]}" --password-file pw

# One line for a bad option value, wrong arguments or an unknown
# migration.
expect_rc 2 "status --timeout x" "$CTL" status --timeout x "${DOWN[@]}"
expect_lines 1 "status --timeout x: one line"
expect_rc 2 "status with an argument" "$CTL" status extra "${DOWN[@]}"
expect_lines 1 "status with an argument: one line"
expect_in "$WORK/err" "'extra'.*ctlclient status --help" "status with an argument: names it"
expect_rc 2 "fetch without -o" "$CTL" fetch "${DOWN[@]}"
expect_lines 1 "fetch without -o: one line"
expect_in "$WORK/err" "ctlclient fetch --help" "fetch without -o: names --help"
for args in "migrate" "migrate frobnicate" "migrate --jsn" \
    "migrate to-tokenless --jsn" "migrate regenerate --jsn" \
    "migrate regenerate --token=x --jsn" "migrate to-tokens --jsn"; do
	# shellcheck disable=SC2086
	expect_rc 2 "$args" "$CTL" $args
	expect_lines 1 "$args: one line"
	expect_in "$WORK/err" "ctlclient migrate.* --help" "$args: names --help"
done

# Each migration its own usage.
for sub in to-tokenless regenerate to-tokens; do
	expect_rc 0 "migrate $sub --help" "$CTL" migrate "$sub" --help
	expect_in "$WORK/out" "^usage: ctlclient migrate $sub " \
		"migrate $sub --help: its own usage"
	others=$(printf '%s\n' to-tokenless regenerate to-tokens | grep -vx "$sub" | paste -sd'|')
	expect_not_in "$WORK/out" "ctlclient migrate ($others) " \
		"migrate $sub --help: no other migration's usage"
done
"$CTL" migrate regenerate --help >regen.txt
"$CTL" migrate regenerate --token=x --help >regen-token.txt
cmp -s regen.txt regen-token.txt && pass "migrate regenerate: one help for both modes" ||
	fail "migrate regenerate: --help differs with --token"
expect_in regen.txt "^usage: ctlclient migrate regenerate .*\[--force\]" \
	"migrate regenerate --help: the tokenless form"
expect_in regen.txt "^ +ctlclient migrate regenerate .*\[--token URI\]" \
	"migrate regenerate --help: the token form"
"$CTL" migrate --help >migrate.txt
expect_not_in migrate.txt "Each first runs preflight" \
	"migrate --help: no claim that every migration runs one preflight"
expect_in migrate.txt "7940/7960" "migrate --help: phones without TVS"
expect_in migrate.txt "the CTL it is about" "migrate --help: preflight on the CTL pushed"

# The token prompt: as token_pick.c prints it.
insert=$(grep -o 'Please insert a Security Token' "$SRC/ctlclient/core/token_pick.c" | head -1)
add=$(grep -o '"Add this Security Token?"' "$SRC/ctlclient/core/token_pick.c" | tr -d '"')
yn=$(grep -o '(y/n)' "$SRC/common/tty.c" | head -1)
[ -n "$insert" ] && [ -n "$add" ] && [ -n "$yn" ] &&
	pass "the prompt's words are in the source" ||
	fail "the prompt's words are not in token_pick.c and tty.c"
for cmd in set-mixed-mode update set-non-secure "migrate to-tokens"; do
	# shellcheck disable=SC2086
	"$CTL" $cmd --help >help.txt
	expect_in help.txt "^usage: ctlclient $cmd .*\[--token URI\]|^ +\[--token URI\]" \
		"$cmd --help: --token is optional"
	expect_not_in help.txt "(^usage:.*|^ +)--token URI --token URI" \
		"$cmd --help: no required --token in the usage"
	for words in "\"$insert\"" "\"$add $yn\""; do
		grep -qF -- "$words" help.txt && pass "$cmd --help: quotes $words" ||
			fail "$cmd --help: does not quote $words"
	done
	expect_in help.txt "Without a terminal, --token is required" \
		"$cmd --help: without a terminal"
done

# upload, preflight, rehearse, verify.
"$CTL" upload --help >help.txt
sed -n '1,/^$/p' help.txt >usage.txt
expect_in usage.txt "\[--force\]" "upload --help: [--force] in the usage"
expect_in help.txt "runs preflight first" "upload --help: runs preflight first"
for cmd in preflight rehearse verify; do
	"$CTL" "$cmd" --help >help.txt
	expect_in help.txt "Which check to trust when" "$cmd --help: points to the table"
	expect_in help.txt "docs/user-guide.md" "$cmd --help: names docs/user-guide.md"
	tr '\n' ' ' <help.txt | grep -q "2 bad *usage, or .*cannot *be read or is not a valid *\.tlv" &&
		pass "$cmd --help: exit 2 covers an input that is not a .tlv" ||
		fail "$cmd --help: exit 2 does not name invalid input"
done

# ctlpublisherd regenerate: which command puts the new certificate in.
{ "$PUBD" regenerate --help | tr "\n" " " | tr -s " "; echo; } >help.txt
expect_in help.txt "ctlclient migrate regenerate --token URI" \
	"ctlpublisherd regenerate --help: migrate regenerate --token for tokens"
expect_not_in help.txt "ctlclient update. \(tokens\)" \
	"ctlpublisherd regenerate --help: update is not the way"
for cmd in init run start stop regenerate; do
	expect_rc 2 "ctlpublisherd $cmd --jsn" "$PUBD" "$cmd" --jsn
	expect_lines 1 "ctlpublisherd $cmd --jsn: one line"
	expect_rc 2 "ctlpublisherd $cmd without DIR" "$PUBD" "$cmd"
	expect_lines 1 "ctlpublisherd $cmd without DIR: one line"
	expect_in "$WORK/err" "ctlpublisherd $cmd --help" "ctlpublisherd $cmd without DIR: names --help"
done
expect_rc 2 "tvs-query without --tvs" "$CTL" tvs-query cert.pem
expect_lines 1 "tvs-query without --tvs: one line"

finish
