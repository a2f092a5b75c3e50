# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# bash completion for ipctrace: options, the record/report/stuck subcommands, pids
# and tids (with their names), families for --types, graph formats, and
# recordings (*.ipct) for report.  Installed as
# /usr/share/bash-completion/completions/ipctrace; works without the
# bash-completion package too (`source` it).

_ipctrace_options='-p --pid -t --tid -f --follow --no-peers --types --no-pipe --no-mq
--no-futex --no-signal --no-socket --no-sem --no-stacks --locks -e --events -j --json
-T --timestamp -q --quiet -o --output -i --interval -d --duration --top --graph
--graph-collapse --graph-idle --threads --folded --flame --timeline --metrics-file --metrics-listen --metrics-top
--symfs --blocked-min --ringbuf-size -v --verbose
-h --help -V --version'
_ipctrace_families='pipe mq futex signal socket sem'

# A name from /proc as something safe to show: control bytes become '?'.
_ipctrace_printable()
{
	local s=$1
	printf '%s' "${s//[^[:print:]]/?}"
}

# Ids of /proc/DIR/* that start with the word's last comma item, shown with
# their names when more than one matches (the inserted text is the id).
_ipctrace_ids()
{
	local cur=$1 glob=$2 head='' last=$1 d id comm
	local -a ids=() names=()

	if [[ $cur == *,* ]]; then
		head=${cur%,*},
		last=${cur##*,}
	fi
	[[ $last == *[!0-9]* ]] && return
	for d in $glob; do
		id=${d##*/}
		[[ $id == "$last"* && $id != *[!0-9]* ]] || continue
		comm=
		read -r comm 2>/dev/null <"$d/comm"
		ids+=("$head$id")
		names+=("$head$id ($(_ipctrace_printable "$comm"))")
	done
	if ((${#ids[@]} == 1)); then
		COMPREPLY=("${ids[0]}")
	else
		COMPREPLY=("${names[@]}")
	fi
}

# --types pipe,mq,...: the families not given yet, after the last comma.
_ipctrace_types()
{
	local cur=$1 head='' last=$1 f
	local -a out=()

	if [[ $cur == *,* ]]; then
		head=${cur%,*},
		last=${cur##*,}
	fi
	for f in $_ipctrace_families; do
		[[ ,$head == *",$f,"* ]] && continue
		[[ $f == "$last"* ]] && out+=("$head$f")
	done
	COMPREPLY=("${out[@]}")
}

_ipctrace_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$1"))
}

_ipctrace()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' i word sub='' IFS=$' \t\n'
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# after --: the command to run, then its own arguments (files)
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [[ $word == -- ]]; then
			if ((i == COMP_CWORD - 1)); then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				_ipctrace_files "$cur"
			fi
			return
		fi
		[[ $i == 1 && ($word == record || $word == report || $word == stuck) ]] && sub=$word
	done

	case $prev in
	-p | --pid)
		_ipctrace_ids "$cur" '/proc/[0-9]*'
		return ;;
	-t | --tid)
		_ipctrace_ids "$cur" '/proc/[0-9]*/task/[0-9]*'
		return ;;
	--types)
		_ipctrace_types "$cur"
		return ;;
	--graph)
		COMPREPLY=($(compgen -W 'dot json dot= json=' -- "$cur"))
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return ;;
	-o | --output | --folded | --flame | --timeline | --metrics-file)
		_ipctrace_files "$cur"
		return ;;
	--symfs)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--metrics-listen)
		COMPREPLY=($(compgen -W '127.0.0.1:9464 [::1]:9464 :9464' -- "$cur"))
		return ;;
	-i | --interval | -d | --duration | --top | --ringbuf-size | --blocked-min | --metrics-top)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$_ipctrace_options" -- "$cur"))
		return
	fi
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W 'record report stuck' -- "$cur"))
		return
	fi
	if [[ $sub == report ]]; then
		# recordings, and directories to find them in
		local IFS=$'\n'
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.ipct' -- "$cur"))
	fi
}

complete -F _ipctrace ipctrace
