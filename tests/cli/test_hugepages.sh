#!/bin/sh
# test_hugepages.sh: huge pages (hugetlbfs) and transparent huge pages
# measured for real, not only through their "not available" exit 3.  As
# root it reserves huge pages on every NUMA node, sets shmem_enabled to
# advise (and THP's enabled to madvise where it is never), then puts every
# setting back, on any exit.  Runs on the host under make test and in the
# qemu NUMA guest of tests/vm (where it has two nodes).
#
#   pingpong --pages huge|thp with every memory kind that supports them,
#   thread and process, with --mem-node on every node: the rows say the page
#   kind and the node the kernel reports for the page (move_pages);
#   setup --what touch --counters perf: one fault per huge page;
#   --shm posix: huge is refused (exit 2), thp needs /dev/shm's huge= option
#   (exit 3 naming it), then works once /dev/shm is remounted huge=advise.
# CP_REQUIRE_PERF=1 (the guest): perf software events must count.
. "$(dirname "$0")/lib.sh"

THP=/sys/kernel/mm/transparent_hugepage
if [ "$(id -u)" != 0 ] || ! [ -w /proc/sys/vm/nr_hugepages ] || ! [ -w $THP/shmem_enabled ]; then
	ok "huge pages for real: skipped (not root, or the kernel settings are not writable)"
	finish
fi
if [ "$(nproc)" -lt 2 ]; then
	ok "huge pages for real: skipped (one CPU)"
	finish
fi

sel() { sed -n 's/.*\[\(.*\)\].*/\1/p' "$1"; }
shm_huge() {  # the huge= option of the tmpfs on /dev/shm (never when absent)
	awk '$5 == "/dev/shm" { o = "never"; n = split($NF, a, ","); for (i = 1; i <= n; i++) if (a[i] ~ /^huge=/) o = substr(a[i], 6) } END { print o }' /proc/self/mountinfo
}
HP=hugepages-$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)kB
NODES=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | sed 's/.*node//' | sort -n | tr '\n' ' ')
[ -n "$NODES" ] || NODES=0

# what was there, to be put back
old_shmem=$(sel $THP/shmem_enabled)
old_thp=$(sel $THP/enabled)
old_shm=$(shm_huge)
old_nodes=""
for n in $NODES; do
	f=/sys/devices/system/node/node$n/hugepages/$HP/nr_hugepages
	[ -f "$f" ] && old_nodes="$old_nodes $n:$(cat "$f")"
done
old_nr=$(cat /proc/sys/vm/nr_hugepages)
restore() {
	for nv in $old_nodes; do
		echo "${nv#*:}" >"/sys/devices/system/node/node${nv%%:*}/hugepages/$HP/nr_hugepages"
	done
	echo "$old_nr" >/proc/sys/vm/nr_hugepages
	echo "$old_shmem" >$THP/shmem_enabled
	echo "$old_thp" >$THP/enabled
	[ "$(shm_huge)" = "$old_shm" ] || mount -o remount,huge="$old_shm" /dev/shm
}
trap 'restore; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM HUP

# 12 huge pages free on every node (setup makes its 5 objects of 2 pages first)
for n in $NODES; do
	f=/sys/devices/system/node/node$n/hugepages/$HP
	if [ -d "$f" ]; then
		want=$(( $(cat "$f/nr_hugepages") - $(cat "$f/free_hugepages") + 12 ))
		echo "$want" >"$f/nr_hugepages"
		got=$(cat "$f/free_hugepages")
	else
		echo $(( $(cat /proc/sys/vm/nr_hugepages) + 12 )) >/proc/sys/vm/nr_hugepages
		got=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	fi
	if [ "$got" -lt 12 ]; then
		notok "reserve 12 huge pages on node $n" "only $got free after asking (fragmented memory?)"
		finish
	fi
done
ok "12 huge pages reserved on nodes $NODES"
echo advise >$THP/shmem_enabled
[ "$old_thp" = never ] && echo madvise >$THP/enabled

# the first two CPUs this test may use
CPUS=$(python3 -c 'import os; c = sorted(os.sched_getaffinity(0)); print("%d,%d" % (c[0], c[1]))')

# pp NAME PAGES KIND MODE NODE: one pingpong run; its rows must say what was asked
pp() {
	_n=$1
	shift
	if ! "$CP" pingpong --cpus "$CPUS" --op cas --samples 20 --pages "$1" --shm "$2" --mode "$3" --mem-node "$4" \
		--format csv >"$TMP/pp.csv" 2>"$TMP/err"; then
		notok "$_n" "exit $?: $(head -c 400 "$TMP/err")"
		return
	fi
	_bad=$(python3 "$TMP/pp.py" "$@" <"$TMP/pp.csv" 2>&1)
	if [ -n "$_bad" ]; then notok "$_n" "$_bad"; else ok "$_n"; fi
}
cat >"$TMP/pp.py" <<'EOF'
import csv, sys
pages, kind, mode, node = sys.argv[1:5]
rows = list(csv.DictReader(sys.stdin))
# both: the two interleaved arms and their comparison row
want = ["thread", "process", "thread:process"] if mode == "both" else [mode]
err = []
if sorted(r["mode"] for r in rows) != sorted(want):
    err.append("modes %s, want %s" % ([r["mode"] for r in rows], want))
for r in rows:
    for k, v in (("pages", pages), ("shm", kind), ("mem_node", node)):
        if r[k] != v:
            err.append("%s %s: %s is %r, want %r" % (r["mode"], r["kernel"], k, r[k], v))
    if float(r["p50"]) <= 0:
        err.append("p50 %s" % r["p50"])
print("; ".join(err[:4]))
EOF

for pages in huge thp; do
	for kind in heap anon sysv posix memfd; do
		[ "$kind" = posix ] && continue
		mode=both
		[ "$kind" = heap ] && mode=thread
		for n in $NODES; do
			pp "pingpong --pages $pages --shm $kind --mode $mode --mem-node $n" $pages $kind $mode $n
		done
	done
done

# posix objects live in the /dev/shm tmpfs: no hugetlb pages; THP by its huge= option
expect_exit "posix: --pages huge refused" 2 "--pages huge: not possible with --shm posix" \
	"$CP" pingpong --cpus "$CPUS" --shm posix --pages huge --samples 5
if [ "$(shm_huge)" = never ]; then
	expect_exit "posix: --pages thp names /dev/shm's huge= option" 3 \
		"not available on this machine: .*/dev/shm is mounted with huge=never.*remount,huge=advise" \
		"$CP" pingpong --cpus "$CPUS" --shm posix --pages thp --samples 5
fi
if mount -o remount,huge=advise /dev/shm 2>"$TMP/err"; then
	for n in $NODES; do
		pp "pingpong --pages thp --shm posix --mode both --mem-node $n (/dev/shm huge=advise)" thp posix both $n
	done
else
	notok "remount /dev/shm huge=advise" "$(head -c 300 "$TMP/err")"
fi

cat >"$TMP/su.py" <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin) if r["kernel"] == "touch" and r["metric"] == "per_page"]
err = []
got = sorted({(r["shm"], r["mode"]) for r in rows})
want = sorted((k, m) for k in ("anon", "sysv", "memfd", "private") for m in ("thread", "process"))
if got != want:
    err.append("rows for %s, want %s" % (got, want))
for r in rows:
    if r["pages"] != sys.argv[1] or "verified" not in r["note"]:
        err.append("%s %s: pages %s note %r" % (r["shm"], r["mode"], r["pages"], r["note"]))
    if r["ctr:page-faults"] == "" or float(r["ctr:page-faults"]) != 1:
        err.append("%s %s: %r faults per huge page, want 1" % (r["shm"], r["mode"], r["ctr:page-faults"]))
print("; ".join(err[:4]))
EOF
# touch: one page fault per huge page, counted by perf's software event
for pages in huge thp; do
	for n in $NODES; do
		name="setup --what touch --pages $pages --mem-node $n: one fault per huge page (perf)"
		# one mode at a time: each run makes 1 + 3 objects of 2 huge pages
		rc=0
		for m in thread process; do
			[ $rc = 0 ] || break
			"$CP" setup --what touch --pages $pages --shm anon,sysv,memfd,private --sizes 4M --samples 3 \
				--mode $m --mem-node "$n" --counters perf --events page-faults --format csv \
				>"$TMP/su-$m.csv" 2>"$TMP/err"
			rc=$?
		done
		[ $rc = 0 ] && tail -n +2 "$TMP/su-process.csv" | cat "$TMP/su-thread.csv" - >"$TMP/su.csv"
		if [ $rc != 0 ]; then
			if [ $rc = 3 ] && [ -z "${CP_REQUIRE_PERF:-}" ] && grep -q "not available" "$TMP/err"; then
				ok "$name: perf not available here, skipped"
			else
				notok "$name" "exit $rc: $(head -c 400 "$TMP/err")"
			fi
			continue
		fi
		bad=$(python3 "$TMP/su.py" $pages <"$TMP/su.csv" 2>&1)
		if [ -n "$bad" ]; then notok "$name" "$bad"; else ok "$name"; fi
	done
done

# every setting back as it was
restore
now="$(sel $THP/shmem_enabled) $(sel $THP/enabled) $(shm_huge) $(cat /proc/sys/vm/nr_hugepages)"
if [ "$now" = "$old_shmem $old_thp $old_shm $old_nr" ]; then
	ok "settings put back ($now)"
else
	notok "settings put back" "now '$now', was '$old_shmem $old_thp $old_shm $old_nr'"
fi
finish
