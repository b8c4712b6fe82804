# bash completion for ctlclient and ctlpublisherd.
#
# The commands, sub-commands and options are read from the program's own
# --help when Tab is pressed, so the completion offers exactly what the
# installed version accepts and cannot fall behind it.  The same
# functions let the tests check that the man pages name all of them.

# _ctl_help PROG [WORD...]: what `PROG WORD... --help` prints.
_ctl_help()
{
	"$@" --help 2>/dev/null </dev/null
}

# _ctl_commands PROG: the commands `PROG --help` lists, one a line.
_ctl_commands()
{
	_ctl_help "$1" | sed -n '/^commands:$/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'
}

# _ctl_subcommands PROG WORD...: the words that may follow `PROG WORD...`:
# bare lower-case words after "NAME WORD... " in the help (a|b gives both),
# and the entries of an upper-case list such as "ACTION:".
_ctl_subcommands()
{
	local prog=$1
	shift
	_ctl_help "$prog" "$@" | awk -v pre="${prog##*/} $* " '
	function words(line,   i, w, n, parts, k) {
		while ((i = index(line, pre)) > 0) {
			line = substr(line, i + length(pre))
			w = line
			sub(/[ \t].*/, "", w)
			sub(/[.,)`]+$/, "", w)
			if (w ~ /^[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)*$/) {
				n = split(w, parts, "|")
				for (k = 1; k <= n; k++)
					print parts[k]
			}
		}
	}
	/^[A-Z][A-Z]*:$/ { list = 1; next }
	list && /^$/ { list = 0 }
	list && /^  [a-z][a-z0-9-]*  / { w = $1; print w; next }
	{ words($0) }' | sort -u
}

# _ctl_options PROG WORD...: the options `PROG WORD... --help` prints, in
# its usage lines and at the start of its indented option lines.
_ctl_options()
{
	local help
	help=$(_ctl_help "$@")
	{
		printf '%s\n' "$help" | sed -n '1,/^$/p' |
		    grep -oE '(^|[^[:alnum:]-])--?[[:alnum:]][[:alnum:].-]*' |
		    sed -E 's/^[^-]*//'
		printf '%s\n' "$help" | sed -n '/^$/,$p' |
		    sed -nE 's/^[[:space:]]+((-[[:alnum:]], )?--?[[:alnum:]][[:alnum:].-]*).*/\1/p' |
		    sed 's/, /\n/'
	} | sed 's/\.*$//' | sort -u
}

# The completion function: commands, then sub-commands, then options
# (after "-"); other words are left to file name completion.
_ctl_complete()
{
	local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
	local path=() subs i

	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_ctl_commands "$prog")" -- "$cur")
		return 0
	fi
	path=("${COMP_WORDS[1]}")
	for ((i = 2; i < COMP_CWORD; i++)); do
		subs=$(_ctl_subcommands "$prog" "${path[@]}")
		if ! printf '%s\n' "$subs" | grep -qxF -- "${COMP_WORDS[i]}"; then
			break
		fi
		path+=("${COMP_WORDS[i]}")
	done
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_ctl_options "$prog" "${path[@]}")" -- "$cur")
	elif [ "$i" -eq "$COMP_CWORD" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_ctl_subcommands "$prog" "${path[@]}")" -- "$cur")
	fi
	return 0
}

complete -o bashdefault -o default -F _ctl_complete ctlclient ctlpublisherd
