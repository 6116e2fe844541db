#!/bin/sh
# test_bad_input.sh: every case of bad_input.txt (bad values, files that
# must not be replaced, plans with errors, for every command): the exit
# code, the first line of stderr, and nothing leaked after the case: no
# SysV segment, no /dev/shm object, no process of the binary, no
# temporary file in the case's directory or in the fixtures.
SAN_TOO=1
. "$(dirname "$0")/lib.sh"

F=fx   # relative: cases run in $TMP/case, so './$F/x' names the same file
mkdir -p "$TMP/case" && cd "$TMP/case" || exit 1
mkdir -p $F/dir_empty $F/dir_full
echo keep >$F/dir_full/mine.txt
echo text >$F/plain.txt
ln -s plain.txt $F/link
mkfifo $F/fifo
# a character device of our own (a failing case must not break /dev/null);
# without root, a link to one, which must be refused as well
mknod $F/chardev c 1 3 2>/dev/null || ln -s /dev/null $F/chardev
printf 'a,b,c\n1,2,3\n' >$F/notm.csv
printf 'pingpong --cpus 0,1 --samples 3\n' >$F/ok.plan
printf 'pingpong --cpus 0,1 --samples 3\npingpong --op bogus\n' >$F/bad.plan
printf 'pingpong --cpus 0,1 --samples 3\npingpong --cpus 0,4095\n' >$F/cpus.plan
printf 'setup --sizes 4097\n' >$F/size.plan
printf 'pingpang --cpus 0,1\n' >$F/unknown.plan
printf 'pingpong --out x.csv\n' >$F/out.plan
printf 'topo\n' >$F/topo.plan
printf '# nothing\n\n' >$F/empty.plan
printf 'pingpong --cpus 0,64\n' >$F/xml.plan
printf 'pingpong --cpus 0,1\n\000pingpong --cpus 0,1\n' >$F/nul.plan
printf 'pingpong --cpus "0,1\n' >$F/q.plan
mkdir -p $F/corrupt $F/ragged
printf 'experiment,kernel\n"pingpong,cas\n' >$F/corrupt/pingpong.csv
printf 'experiment,kernel\npingpong,cas,extra\n' >$F/ragged/pingpong.csv
if ! "$CP" pingpong --cpus 0,1 --op cas --samples 3 --out $F/pp.csv 2>/dev/null; then
	notok fixtures "pingpong could not write the fixture pp.csv"
fi


before=$(leak_snapshot)
n=0
# tabs separate the fields; the arguments are shell words ($F, $TOPO)
while IFS='	' read -r code re args; do
	case "$code" in '#'* | '') continue ;; esac
	n=$((n + 1))
	name="$n: $args"
	eval "set -- $args"
	err=$("$CP" "$@" 2>&1 >/dev/null </dev/null)
	rc=$?
	first=$(printf '%s\n' "$err" | head -n 1)
	if [ "$rc" != "$code" ]; then
		notok "$name" "exit $rc, expected $code: $first"
	elif [ -z "$first" ]; then
		notok "$name" "exit $rc but nothing on stderr"
	elif ! printf '%s\n' "$first" | grep -Eq -- "^cachepong: .*($re)"; then
		notok "$name" "first line of stderr does not match /$re/: $first"
	else
		ok "$name"
	fi
	after=$(leak_snapshot)
	if [ "$after" != "$before" ]; then
		notok "$name: leaks" "$(printf '%s\n' "$after" | grep -vxF -- "$before" | head -3 | tr '\n' ' ')"
		before=$after
	fi
done <"$ROOT/tests/cli/bad_input.txt"
# the table itself: a file that cannot be read or lost its cases fails here
if [ "$n" -ge 150 ]; then ok "table: $n cases"; else notok table "only $n cases read (expected at least 150)"; fi
[ "$(cat $F/dir_full/mine.txt)" = keep ] && ok "user's file kept" || notok "user's file kept" "dir_full/mine.txt changed"
[ -p $F/fifo ] && ok "fifo kept" || notok "fifo kept" "the named pipe was replaced"
[ -L $F/link ] && ok "symlink kept" || notok "symlink kept" "the symlink was replaced"
[ -c $F/chardev ] || [ -L $F/chardev ] && ok "device kept" || notok "device kept" "the character device was replaced"
finish
