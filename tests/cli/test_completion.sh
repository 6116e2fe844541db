#!/bin/sh
# test_completion.sh: the bash completion (`cachepong completion bash`, the
# build's build/completion/cachepong), sourced in bash after the
# bash-completion package's own script and called the way bash calls it:
# COMP_WORDS and COMP_CWORD set, the function run, COMPREPLY read.
#
# Every value list it offers is checked against what the command itself
# allows: the "allowed:" list of the error a wrong value gets (exit 2), so
# the two cannot drift apart.
. "$(dirname "$0")/lib.sh"

GEN=$ROOT/build/completion/cachepong
"$CP" completion bash >"$TMP/c.bash" 2>"$TMP/err"
rc=$?
if [ "$rc" = 0 ] && [ -s "$TMP/c.bash" ] && cmp -s "$TMP/c.bash" "$GEN"; then
	ok "the build's completion file is what 'completion bash' writes"
else
	notok "completion file" "exit $rc; $GEN missing or different from 'cachepong completion bash' ($(head -c 200 "$TMP/err"))"
fi
expect_exit "completion fish: exit 2 naming the shells" 2 "unknown shell 'fish': allowed: bash.zsh" "$CP" completion fish
expect_exit "completion without a shell: exit 2" 2 "give one shell" "$CP" completion
"$CP" completion zsh >"$TMP/c.zsh" 2>/dev/null
head -1 "$TMP/c.zsh" | grep -q '^#compdef cachepong$' && grep -q 'bashcompinit' "$TMP/c.zsh" &&
	grep -q '^complete -F _cachepong cachepong$' "$TMP/c.zsh" &&
	ok "completion zsh: a #compdef file over bashcompinit" || notok "completion zsh" "$(head -3 "$TMP/c.zsh")"

if ! command -v bash >/dev/null 2>&1; then
	notok "bash" "bash missing"
	finish
fi
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || notok "bash-completion" "$BC missing: run make deps-test"

# comp WORDS...: COMPREPLY for the last word, one per line, sorted
comp() {
	bash -c '
		[ -r "$1" ] && . "$1"
		. "$2"
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(( $# - 1 ))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_cachepong cachepong "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" || exit 1
		[ ${#COMPREPLY[@]} -gt 0 ] && printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$BC" "$GEN" "$@" 2>&1
}
# the words of an "allowed: a|b|c" (or "a, b, c") message, one per line,
# sorted: what is said in parentheses and phrases ("a node number") are not
# values
allowed() {
	sed -n 's/.*allowed: //p' | head -1 | sed 's/\[:DIST\]//; s/ *([^)]*)//g' | tr '|,' '\n\n' |
		sed 's/^ *//; s/ *$//' | grep -v ' ' | grep -v '^$' | sort
}

# the issue's case: cachepong pingpong --shm <Tab><Tab>
comp cachepong pingpong --shm "" >"$TMP/got"
"$CP" pingpong --shm nosuch 2>&1 | allowed >"$TMP/want"
if [ -s "$TMP/want" ] && cmp -s "$TMP/got" "$TMP/want"; then
	ok "pingpong --shm <Tab>: the memory kinds ($(tr '\n' ' ' <"$TMP/got"))"
else
	notok "pingpong --shm <Tab>" "got '$(tr '\n' ' ' <"$TMP/got")', the command allows '$(tr '\n' ' ' <"$TMP/want")'"
fi

# every value list of the script against its command's own check: the
# lines '"CMD --OPT") echo "v A B C"' of _cachepong_arg
n=0
bad=""
sed -n 's/^\t"\([a-z]*\) --\([a-z-]*\)") echo "v \(.*\)" ;;$/\1 \2 \3/p' "$GEN" >"$TMP/lists"
while read -r cmd opt vals; do
	# the wrong value must reach the option's check: the commands that
	# need more before they read it get it
	case "$cmd" in
	plot|compare|export) continue ;;
	fleet) continue ;;   # it runs a task first; its --preset is sweep's and report's
	esac
	extra=""
	case "$cmd:$opt" in
	*:placement|*:mem-node|*:counters|*:timer) extra="--cpus 0,1" ;;
	esac
	[ "$opt" = placement ] && extra=""
	[ "$cmd" = counters ] && extra="list"
	[ "$cmd:$opt" = "topo:format" ] && extra=""
	# shellcheck disable=SC2086
	msg=$("$CP" "$cmd" $extra --"$opt" nosuch9 --dry-run --samples 1 2>&1)
	case "$msg" in
	*allowed:*) ;;
	*) msg=$("$CP" "$cmd" $extra --"$opt" nosuch9 2>&1) ;;
	esac
	want=$(printf '%s\n' "$msg" | grep "nosuch9" | allowed | tr '\n' ' ')
	got=$(printf '%s\n' $vals | sort | tr '\n' ' ')
	n=$((n + 1))
	if [ -z "$want" ]; then
		bad="$bad; $cmd --$opt: no 'allowed:' list for a wrong value ($(printf '%s' "$msg" | head -c 160))"
	elif [ "$want" != "$got" ]; then
		bad="$bad; $cmd --$opt: completes '$got', allows '$want'"
	fi
done <"$TMP/lists"
if [ "$n" -ge 40 ] && [ -z "$bad" ]; then
	ok "all $n value lists are what their commands allow"
else
	notok "value lists against the commands' checks" "$n lists$bad"
fi

# commands; options of one command; the forms of an option's value
comp cachepong "" >"$TMP/got"
bad=""
for c in pingpong matrix report export schema completion --version; do
	grep -qx -- "$c" "$TMP/got" || bad="$bad $c"
done
[ -z "$bad" ] && ok "cachepong <Tab>: the commands" || notok "cachepong <Tab>" "missing:$bad; got $(tr '\n' ' ' <"$TMP/got")"
got=$(comp cachepong sync --fu | tr '\n' ' ')
[ "$got" = "--futex " ] && ok "sync --fu<Tab>: --futex" || notok "sync --fu<Tab>" "got '$got'"
got=$(comp cachepong setup --sh | tr '\n' ' ')
[ "$got" = "--shm " ] && ok "setup --sh<Tab>: only setup's options" || notok "setup --sh<Tab>" "got '$got'"
got=$(comp cachepong pingpong --op cas,f | tr '\n' ' ')
[ "$got" = "cas,faa " ] && ok "--op cas,f<Tab>: the list's last item" || notok "--op cas,f<Tab>" "got '$got'"
got=$(comp cachepong pingpong --pages=t | tr '\n' ' ')
[ "$got" = "--pages=thp " ] && ok "--pages=t<Tab>: the =value form" || notok "--pages=t<Tab>" "got '$got'"
got=$(comp cachepong pingpong --pages = h | tr '\n' ' ')
[ "$got" = "huge " ] && ok "--pages = h<Tab> (bash split at =)" || notok "--pages = h<Tab>" "got '$got'"
got=$(comp cachepong pingpong --cpus "" | tr '\n' ' ')
[ -z "$got" ] && ok "--cpus <Tab>: nothing (a CPU list is the user's)" || notok "--cpus <Tab>" "got '$got'"
got=$(comp cachepong contend --layout "" | tr '\n' ' ')
[ "$got" = "all false-sharing padded same-line " ] && ok "contend --layout: contend's layouts, not pingpong's" ||
	notok "contend --layout" "got '$got'"
got=$(comp cachepong schema "" | tr '\n' ' ')
want=$( { echo list; "$CP" schema list; } | sort | tr '\n' ' ')
[ "$got" = "$want" ] && ok "schema <Tab>: list and the documents" || notok "schema <Tab>" "got '$got', want '$want'"

# results directories: plot, compare, --resume
mkdir -p "$TMP/res/run-a" "$TMP/res/run-b"
: >"$TMP/res/file"
got=$(cd "$TMP" && comp cachepong plot res/ | tr '\n' ' ')
[ "$got" = "res/run-a res/run-b " ] && ok "plot <Tab>: directories" || notok "plot <Tab>" "got '$got'"
got=$(cd "$TMP" && comp cachepong compare res/run-a res/ | tr '\n' ' ')
[ "$got" = "res/run-a res/run-b " ] && ok "compare DIR <Tab>: directories" || notok "compare DIR <Tab>" "got '$got'"
got=$(cd "$TMP" && comp cachepong report --resume res/r | tr '\n' ' ')
[ "$got" = "res/run-a res/run-b " ] && ok "report --resume <Tab>: directories" || notok "report --resume <Tab>" "got '$got'"
got=$(cd "$TMP" && comp cachepong topo --topology-xml res/f | tr '\n' ' ')
[ "$got" = "res/file " ] && ok "--topology-xml <Tab>: files" || notok "--topology-xml <Tab>" "got '$got'"

finish
