#!/bin/bash
# The man pages and the bash completion cover what --help prints: every
# command, sub-command and option that a command's (or sub-command's)
# --help shows is in that command's section of man/ctlclient.1.scd or
# man/ctlpublisherd.8.scd, and the completion offers them.  The words
# come from completion/ctl.bash, the functions the completion itself
# reads --help with.
#   test_man_pages.sh CTLCLIENT CTLPUBLISHERD SOURCE-DIR
CTL=$1 PUBD=$2 SRC=$3
. "$(dirname "$0")/lib.sh"
. "$SRC/completion/ctl.bash"

# Each --help is run once: the checks below ask for the same ones many
# times, from subshells, hence a file per command line.
mkdir "$WORK/help"
_ctl_help() {
	local f
	f=$WORK/help/$(printf '%s' "$*" | tr -c 'A-Za-z0-9.-' _)
	[ -f "$f" ] || "$@" --help >"$f" 2>/dev/null </dev/null
	cat "$f"
}

# section PAGE TITLE: the lines under the heading "TITLE" ("## show",
# "# CONNECTION OPTIONS") up to the next heading.
section() {
	awk -v t="$2" '/^#/ { on = ($0 == t); next } on' "$1"
}

# has TEXT WORD: WORD in TEXT as a whole word (not part of a longer option).
has() {
	local re="(^|[^[:alnum:]-])${2//./\\.}([^[:alnum:]-]|\$)"
	[[ $1 =~ $re ]]
}

# check_page PROG PAGE: every command of PROG has a section "## CMD" in
# PAGE naming each of its sub-commands and options (an option may be in
# the page's "# CONNECTION OPTIONS" instead, when it has one).
check_page() {
	local prog=$1 page=$2 name=${1##*/} rel=${2#"$SRC"/}
	local common cmd text sub subs opt missing words
	common=$(section "$page" "# CONNECTION OPTIONS")
	for cmd in $(_ctl_commands "$prog"); do
		text=$(section "$page" "## $cmd")
		if [ -z "$text" ]; then
			fail "$rel has no section for \`$name $cmd\` (\`$name --help\` lists it): add a \"## $cmd\" section with its synopsis and options"
			continue
		fi
		# The command and its sub-commands, two levels deep.
		words=("$cmd")
		for sub in $(_ctl_subcommands "$prog" "$cmd"); do
			words+=("$cmd $sub")
			for subs in $(_ctl_subcommands "$prog" "$cmd" "$sub"); do
				words+=("$cmd $sub $subs")
			done
		done
		missing=""
		for w in "${words[@]}"; do
			[ "$w" = "$cmd" ] || has "$text" "${w##* }" ||
			    missing+=" ${w##* } (sub-command: \`$name $w --help\`)"
			# shellcheck disable=SC2086
			for opt in $(_ctl_options "$prog" $w); do
				has "$text" "$opt" || has "$common" "$opt" ||
				    case "$missing" in
				    *" $opt "*) ;;
				    *) missing+=" $opt (printed by \`$name $w --help\`)" ;;
				    esac
			done
		done
		if [ -n "$missing" ]; then
			fail "$rel, section \"## $cmd\" lacks:$missing; describe each there"
		else
			pass "$rel: $name $cmd, its sub-commands and options"
		fi
	done
	if command -v scdoc >/dev/null; then
		expect_rc 0 "scdoc renders $rel" sh -c 'scdoc < "$1" > /dev/null' sh "$page"
	fi
}

check_page "$CTL" "$SRC/man/ctlclient.1.scd"
check_page "$PUBD" "$SRC/man/ctlpublisherd.8.scd"
[ "$(_ctl_commands "$CTL" | wc -l)" -ge 20 ] && pass "ctlclient's commands are read from its --help" ||
    fail "ctlclient --help: the completion finds fewer than 20 commands (has its layout changed? see _ctl_commands in completion/ctl.bash)"

# The completion as installed, reading --help itself.
. "$SRC/completion/ctl.bash"

# complete_is WANT WORD...: the completion of the last WORD (the program
# is the first) is WANT (space-separated), in any order.  complete_has:
# it holds WANT, and maybe more (commands others add).
completion() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	_ctl_complete
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}
complete_is() {
	local want got
	want=$(printf '%s\n' $1 | sed '/^$/d' | sort | tr '\n' ' ')
	shift
	got=$(completion "$@" | tr '\n' ' ')
	[ "$got" = "$want" ] && pass "completion of \`${*:2}\`: $got" ||
	    fail "completion of \`${*:2}\`: got '$got', expected '$want'"
}
complete_has() {
	local want=$1 got w missing=""
	shift
	got=$(completion "$@")
	for w in $want; do
		printf '%s\n' "$got" | grep -qxF -- "$w" || missing+=" $w"
	done
	[ -z "$missing" ] && pass "completion of \`${*:2}\` offers $want" ||
	    fail "completion of \`${*:2}\` lacks$missing (got: $(echo $got))"
}

complete_is "$(_ctl_commands "$CTL")" "$CTL" ""
complete_is "$(_ctl_commands "$CTL" | grep '^m')" "$CTL" m
complete_has "migrate move-check" "$CTL" m
complete_has "regenerate to-tokenless to-tokens" "$CTL" migrate ""
complete_is "--single-token" "$CTL" migrate to-tokens --si
complete_is "--json" "$CTL" show --
complete_is "--output" "$CTL" build --ou
complete_is "--signer" "$CTL" build -o out.tlv --sig
complete_has "done localkey remotekey" "$CTL" itl reset ""
complete_has "--p12 --p12-password-file" "$CTL" itl reset remotekey --p12
complete_has "set-mixed-mode set-non-secure update" "$CTL" tokenless ""
complete_is "--sftp-password-file" "$CTL" bulk sftp --sf
complete_is "off on" "$CTL" rollback-pre8 ""
complete_is "--tls1.0" "$CTL" verify --tl
complete_is "" "$CTL" show CTLFile.tlv
complete_is "$(_ctl_commands "$PUBD")" "$PUBD" ""
complete_has "init regenerate run start stop" "$PUBD" ""
complete_is "--nodes" "$PUBD" init /tmp/c --no
complete_is "--cert" "$PUBD" regenerate --ce
finish
