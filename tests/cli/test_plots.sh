#!/bin/sh
# test_plots.sh: the gnuplot scripts and `cachepong plot` on small CSVs
# written here (every figure kind renders, PNG and SVG; a missing column or
# no rows fails with a message naming it), then `cachepong report` end to
# end with the quick preset: every CSV, meta.json, every figure, report.md
# and report.html, and numbers in the report that follow the CSVs.
. "$(dirname "$0")/lib.sh"

GP=$ROOT/plots
HDR=$("$CP" pingpong --op cas --samples 6 --warmup 1 --format csv 2>/dev/null | head -1)
RAWHDR="experiment,kernel,impl,mode,shm,pages,layout,placement,cpus,size_bytes,agents,metric,unit,sample,value"

# One CSV row in the header's column order from name=value words.
row() {
	awk -v hdr="$1" -v kv="$2" 'BEGIN {
		n = split(hdr, h, ","); m = split(kv, a, " ")
		for (i = 1; i <= m; i++) { e = index(a[i], "="); v[substr(a[i], 1, e - 1)] = substr(a[i], e + 1) }
		for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? "," : ""), ((h[i] in v) ? v[h[i]] : "")
		print "" }'
}

# med=X: a row with its statistics around the median X
stat() { awk -v m="$1" 'BEGIN { printf "min=%g p10=%g p50=%g p90=%g p99=%g max=%g mean=%g ci_lo=%g ci_hi=%g samples=100",
	m*.9, m*.95, m, m*1.1, m*1.3, m*1.5, m*1.02, m*.98, m*1.02 }'; }

D=$TMP/d
mkdir -p "$D/raw"
{
	echo "$HDR"
	for pl in smt llc cross-package:21; do
		case $pl in smt) b=40 ;; llc) b=110 ;; *) b=300 ;; esac
		row "$HDR" "experiment=pingpong kernel=cas impl=asm mode=thread shm=anon pages=4k layout=one-line placement=$pl cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=64 agents=2 metric=round_trip unit=ns $(stat $b)"
		for s in anon sysv; do
			row "$HDR" "experiment=pingpong kernel=cas impl=asm mode=process shm=$s pages=4k layout=one-line placement=$pl cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=64 agents=2 metric=round_trip unit=ns $(stat $((b + 5)))"
		done
	done
} >"$D/pingpong.csv"
{
	echo "$RAWHDR"
	for m in thread process; do
		# processes exactly twice as slow, sample by sample: the ratio of
		# medians is 2 and its bootstrap interval must hold 2
		f=1 shm=anon
		[ $m = process ] && f=2
		for i in $(seq 0 49); do
			echo "pingpong,cas,asm,$m,$shm,4k,one-line,llc,0;1,64,2,round_trip,ns,$i,$(((100 + i % 7) * f))"
		done
	done
} >"$D/raw/pingpong.csv"
{
	echo "$HDR"
	for a in 0 1 2 3; do
		for b in 0 1 2 3; do
			[ "$a" -lt "$b" ] || continue
			row "$HDR" "experiment=matrix kernel=cas impl=asm mode=thread shm=heap pages=4k layout=one-line placement=llc cpus=$a;$b cpu_a=$a cpu_b=$b size_bytes=64 agents=2 metric=round_trip unit=ns $(stat $((100 + a * 10 + b)))"
		done
	done
} >"$D/matrix.csv"
{
	echo "$HDR"
	for w in attach touch detach; do
		for k in 12 16 20 24; do
			sz=$((1 << k))
			row "$HDR" "experiment=setup kernel=$w mode=process shm=anon pages=4k size_bytes=$sz agents=1 metric=total unit=ns $(stat $((1000 + sz / 20)))"
			row "$HDR" "experiment=setup kernel=$w mode=process shm=anon pages=4k size_bytes=$sz agents=1 metric=per_page unit=ns/page $(stat $((1000 * 4096 / sz + 200)))"
		done
	done
} >"$D/setup.csv"
{
	echo "$HDR"
	for p in futex pipe spin; do
		for m in thread process; do
			row "$HDR" "experiment=sync kernel=$p mode=$m shm=anon placement=llc cpus=0;1 agents=2 metric=round_trip unit=ns $(stat 5000)"
		done
	done
} >"$D/sync.csv"
{
	echo "$HDR"
	for v in shared memcpy pipe; do
		for k in 12 16 20; do
			row "$HDR" "experiment=copy kernel=$v mode=process shm=anon placement=llc size_bytes=$((1 << k)) agents=2 metric=throughput unit=GB/s $(stat $k)"
			row "$HDR" "experiment=copy kernel=$v mode=process shm=anon placement=llc size_bytes=$((1 << k)) agents=2 metric=latency unit=ns $(stat $((1 << k)))"
		done
	done
	# CPU time per message at 1 MiB, in anon memory and in heap memory
	# (another cell): each via is compared with sharing in its own memory
	for v in shared:1:1:1000000 memcpy:2:4:3000000; do
		IFS=: read -r k ca ch lh <<-EOF
		$v
		EOF
		for m in anon:$ca heap:$ch; do
			row "$HDR" "experiment=copy kernel=$k mode=process shm=${m%:*} placement=llc size_bytes=1048576 agents=2 metric=cpu_receiver unit=ns/message $(stat $((${m#*:} * 100)))"
			row "$HDR" "experiment=copy kernel=$k mode=process shm=${m%:*} placement=llc size_bytes=1048576 agents=2 metric=cpu_sender unit=ns/message $(stat 100)"
		done
		row "$HDR" "experiment=copy kernel=$k mode=process shm=heap placement=llc size_bytes=1048576 agents=2 metric=latency unit=ns $(stat "$lh")"
	done
} >"$D/copy.csv"
{
	echo "$HDR"
	for l in same-line padded; do
		for a in 1 2 3 4; do
			row "$HDR" "experiment=contend kernel=faa mode=thread shm=heap layout=$l agents=$a metric=throughput unit=Mops/s $(stat $((100 * a)))"
			row "$HDR" "experiment=contend kernel=faa mode=thread shm=heap layout=$l agents=$a metric=fairness unit=min/max $(stat 1)"
		done
	done
	# an interleaved cell in anon memory: its arms are not the heap cell
	for a in 1 4; do
		row "$HDR" "experiment=contend kernel=faa mode=thread arms=thread:process arm=1 shm=anon layout=same-line agents=$a metric=throughput unit=Mops/s $(stat $((a == 1 ? 50 : 150)))"
		row "$HDR" "experiment=contend kernel=faa mode=process arms=thread:process arm=2 shm=anon layout=same-line agents=$a metric=throughput unit=Mops/s $(stat $((a == 1 ? 60 : 120)))"
	done
} >"$D/contend.csv"

# ---- the scripts alone: a missing column or no rows is a clear failure ----
for s in bars:pingpong.csv:ci_lo size:setup.csv:size_bytes contend:contend.csv:agents \
	 heatmap:matrix.csv:cpu_b cdf:raw/pingpong.csv:value; do
	gp=${s%%:*} rest=${s#*:} csv=${rest%%:*} col=${rest#*:}
	metric=round_trip
	case $gp in size) metric=total ;; contend) metric=throughput ;; esac
	ok_png=$TMP/$gp.png
	check "$gp.gp renders $csv" gnuplot -e "data='$D/$csv'; out='$ok_png'; metric='$metric'" "$GP/$gp.gp"
	[ -s "$ok_png" ] && [ "$(head -c 4 "$ok_png" | tail -c 3)" = PNG ] && ok "$gp.gp wrote a PNG" ||
		notok "$gp.gp PNG" "missing or not a PNG"
	# drop the column from the header and every row
	awk -F, -v c="$col" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
		{ s = ""; for (i = 1; i <= NF; i++) if (i != k) s = s (s == "" ? "" : ",") $i; print s }' \
		"$D/$csv" >"$TMP/nocol.csv"
	expect_exit "$gp.gp: missing column $col named" 1 "no column named '$col'" \
		gnuplot -e "data='$TMP/nocol.csv'; out='$TMP/x.png'; metric='$metric'" "$GP/$gp.gp"
	head -1 "$D/$csv" >"$TMP/empty.csv"
	expect_exit "$gp.gp: header only" 1 "empty.csv: no data rows" \
		gnuplot -e "data='$TMP/empty.csv'; out='$TMP/x.png'; metric='$metric'" "$GP/$gp.gp"
	expect_exit "$gp.gp: no rows of the metric" 1 "no rows with metric=nosuch" \
		gnuplot -e "data='$D/$csv'; out='$TMP/x.png'; metric='nosuch'" "$GP/$gp.gp"
done
expect_exit "a script without data= says how to call it" 2 "usage: gnuplot -e" gnuplot "$GP/bars.gp"

# ---- cachepong plot DIR ----
out=$("$CP" plot "$D" 2>&1)
rc=$?
[ "$rc" = 0 ] && ok "plot DIR exits 0" || notok "plot DIR" "rc $rc: $out"
for k in pingpong-cas pingpong-cdf-cas-llc matrix-cas-thread setup-touch setup-per-page-touch \
	 sync-llc copy copy-latency copy-cpu contend-faa contend-fairness-faa; do
	p=$D/plots/$k.png v=$D/plots/$k.svg
	if [ -s "$p" ] && [ "$(head -c 4 "$p" | tail -c 3)" = PNG ] && [ -s "$v" ] && grep -q '<svg' "$v"; then
		ok "plot: $k.png and $k.svg"
	else
		notok "plot: $k" "missing or empty: $(ls "$D/plots")"
	fi
done
ls "$D"/plots/.*tmp >/dev/null 2>&1 && notok "plot: temporary files left" "$(ls -a "$D/plots")" ||
	ok "plot: no temporary files left"

cp -r "$D" "$TMP/bad"
rm -rf "$TMP/bad/plots"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ci_hi") k = i }
	{ s = ""; for (i = 1; i <= NF; i++) if (i != k) s = s (s == "" ? "" : ",") $i; print s }' \
	"$D/copy.csv" >"$TMP/bad/copy.csv"
expect_exit "plot: a CSV without a needed column names file and column" 1 \
	"bad/copy.csv has no column 'ci_hi'" "$CP" plot "$TMP/bad"
[ -s "$TMP/bad/plots/pingpong-cas.png" ] && [ ! -e "$TMP/bad/plots/copy.png" ] &&
	ok "plot: the other figures are still drawn" || notok "plot: partial" "$(ls "$TMP/bad/plots")"
# the broken CSV was this test's input, not a file cachepong wrote: it must
# not fail the closing schema check (lib.sh)
rm -rf "$TMP/bad"
expect_exit "plot: not a directory" 2 "not a results directory" "$CP" plot "$TMP/nowhere"
expect_exit "plot: no argument" 2 "give one results directory" "$CP" plot
expect_exit "plot: without gnuplot" 3 "gnuplot is not installed" env PATH=/nonexistent "$CP" plot "$D"

# ---- the report from these CSVs: its numbers follow them ----
# a whole meta.json (it validates against the schema, as every one does),
# this test's host, no warnings or notes, a finished sweep
python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
m.update(host="testhost", cpu_model_name="Test CPU", notes=[], warnings=[], extra={"sweep_status": "complete"})
json.dump(m, open(sys.argv[2], "w"), indent=2)' "$ROOT/results/reference/meta.json" "$D/meta.json" ||
	notok "the fixture meta.json" "results/reference/meta.json unreadable"
check "report of a finished directory" "$CP" report --resume "$D"
# cells measured back to back only: shown, but the question is not answered
grep -q "as fast as between threads?\*\* Not answered: this run has no interleaved comparison" "$D/report.md" &&
	ok "report: back-to-back cells do not answer the question" ||
	notok "report answer" "$(sed -n '/Summary/,/##/p' "$D/report.md")"
awk -F'|' '/\| llc \| cas \| 0;1 \| anon \/ anon \|/ { split($8, r, /[][, \\]+/); found = 1
	good = r[2] == "2.000" && r[3] <= 2 && r[4] >= 2 && r[3] < r[4] }
	END { exit !(found && good) }' "$D/report.md" &&
	ok "report: ratio of the raw samples' medians with a bootstrap interval around it" ||
	notok "report: bootstrap ratio" "$(grep '| llc | cas' "$D/report.md")"
# copy: each via against sharing in its own memory, the cells told apart
grep -qF "**As fast as sharing?** Time per message against shared memory at the largest size with CPU time: memcpy (process, anon) 1.00x, memcpy (process, heap) 3.00x (" "$D/report.md" &&
	grep -qF "the receiver's CPU time per message against shared memory's: memcpy (process, anon) 2.00x, memcpy (process, heap) 4.00x;" "$D/report.md" &&
	ok "report: copy vs sharing, each memory kind against its own" ||
	notok "report: copy vs sharing" "$(grep -E 'As fast as sharing|costs the CPUs' "$D/report.md")"
# contend: one line per op, each cell named by its memory and arms
c=$(grep -F '**Contention** (faa): total throughput of 4 agents' "$D/report.md")
case "$c" in
*"same-line (thread, heap) 400"*"(4.00x)"*"same-line (thread, anon, arm of thread:process) 150"*"(3.00x), same-line (process, anon, arm of thread:process) 120"*"(2.00x)."*)
	ok "report: contention, the heap cell and the interleaved cell's arms apart" ;;
*) notok "report: contention summary" "${c:-no Contention line}" ;;
esac
# llc thread row: median 110 -> "110.0 [107.8, 112.2]" in the table (cp_fmt_num, as the terminal table)
grep -q "| llc | cas | 0;1 | anon / anon | 110.0 \\\\\\[107.8, 112.2\\\\\\]" "$D/report.md" && ok "report: the thread median of the CSV" ||
	notok "report: thread median" "$(grep '| llc |' "$D/report.md")"
sed -i 's/^\(pingpong,cas,asm,thread,[^,]*,[^,]*,anon,4k,one-line,[^,]*,[^,]*,[^,]*,llc,.*round_trip,ns,\)[^,]*,[^,]*,110,/\1199,199,220,/' "$D/pingpong.csv"
"$CP" report --resume "$D" >/dev/null 2>&1
grep -q "| llc | cas | 0;1 | anon / anon | 220.0 " "$D/report.md" && ok "report: a changed CSV changes the report" ||
	notok "report follows the CSV" "$(grep '| llc |' "$D/report.md")"
grep -q 'data:image/png;base64,iVBOR' "$D/report.html" && ok "report.html embeds the figures" ||
	notok "report.html figures" "no base64 PNG"

# interleaved comparisons: the answer comes from their verdicts, with the
# A/A controls' false claims beside it
cp -r "$D" "$TMP/arms"
rm -rf "$TMP/arms/raw"
{
	echo "$HDR"
	for pl in smt llc; do
		case $pl in smt) v=equivalent r="p50=1.01 ci_lo=0.99 ci_hi=1.03" ;; *) v=slower r="p50=1.2 ci_lo=1.1 ci_hi=1.3" ;; esac
		for m in thread process; do
			a=1; [ $m = process ] && a=2
			row "$HDR" "experiment=pingpong kernel=cas impl=asm mode=$m arms=thread:process arm=$a shm=anon pages=4k layout=one-line placement=$pl cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=64 agents=2 metric=round_trip unit=ns $(stat 100)"
		done
		row "$HDR" "experiment=pingpong kernel=cas impl=asm mode=thread:process arms=thread:process shm=anon pages=4k layout=one-line placement=$pl cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=64 agents=2 metric=ratio unit=ratio samples=20 $r verdict=$v margin=5 blocks=20"
	done
	row "$HDR" "experiment=pingpong kernel=cas impl=asm mode=process:process arms=process:process shm=anon pages=4k layout=one-line placement=llc cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=64 agents=2 metric=ratio unit=ratio samples=20 p50=0.9 ci_lo=0.85 ci_hi=0.94 verdict=faster margin=5 blocks=20"
	# the A/A control's own arms: the same key as the A/B's thread arm but
	# for arms/arm, and other medians
	for a in 1 2; do
		row "$HDR" "experiment=pingpong kernel=cas impl=asm mode=thread arms=thread:thread arm=$a shm=anon pages=4k layout=one-line placement=llc cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=64 agents=2 metric=round_trip unit=ns $(stat $((290 + 10 * a)))"
	done
	row "$HDR" "experiment=pingpong kernel=cas impl=asm mode=thread:thread arms=thread:thread shm=anon pages=4k layout=one-line placement=llc cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=64 agents=2 metric=ratio unit=ratio samples=20 p50=1 ci_lo=0.99 ci_hi=1.01 verdict=equivalent margin=5 blocks=20"
} >"$TMP/arms/pingpong.csv"
"$CP" report --resume "$TMP/arms" >/dev/null 2>&1
grep -q "as fast as between threads?\*\* No, not everywhere: processes slower by more than the margin in 1 of 2 comparisons.* 1 equivalent, 1 slower, 0 faster, 0 inconclusive; A/A controls (two identical arms): 1 of 2 claimed a difference" "$TMP/arms/report.md" &&
	ok "report: the answer counts the verdicts and the A/A false claims" ||
	notok "report: verdict answer" "$(grep 'as fast as between threads' "$TMP/arms/report.md")"
grep -q '| llc | cas | 0;1 | anon | thread:process | 100.0 .*| 1.200 \\\[1.100, 1.300\\\] | slower (5%, 20) |' "$TMP/arms/report.md" &&
	ok "report: the comparison table states each verdict" ||
	notok "report: comparison table" "$(grep '| llc |' "$TMP/arms/report.md")"
grep -q '| llc | cas | 0;1 | anon | thread:thread (A/A) | 300.0 .*| 310.0 .*| 1.000 ' "$TMP/arms/report.md" &&
	ok "report: an A/A control's arms are its own rows, not the A/B's" ||
	notok "report: A/A arms" "$(grep '(A/A)' "$TMP/arms/report.md")"
grep -q '| process:process (A/A) |' "$TMP/arms/report.md" && ok "report: the A/A table" ||
	notok "report: A/A table" "$(grep 'A/A' "$TMP/arms/report.md")"
# the A/A controls of the other experiments count too (a sync one that
# claims a difference, one that does not)
{
	cat "$TMP/arms/sync.csv"
	for v in slower equivalent; do
		row "$HDR" "experiment=sync kernel=futex mode=process:process shm=anon pages=4k placement=llc cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=8 agents=2 metric=ratio unit=ratio samples=20 p50=1.1 ci_lo=1.06 ci_hi=1.2 verdict=$v margin=5 blocks=20"
	done
} >"$TMP/arms/sync2.csv" && mv "$TMP/arms/sync2.csv" "$TMP/arms/sync.csv"
"$CP" report --resume "$TMP/arms" >/dev/null 2>&1
grep -q "A/A controls (two identical arms): 1 of 2 claimed a difference, the method's false positives on this machine (2 of 4 over every experiment's controls)" "$TMP/arms/report.md" &&
	ok "report: the A/A count covers every experiment's controls" ||
	notok "report: A/A over experiments" "$(grep 'A/A controls' "$TMP/arms/report.md")"
grep -qF 'futex (llc, anon): process / process 1.100 \[1.060, 1.200\]: **slower** at a 5% margin (20 block pairs), an A/A control' "$TMP/arms/report.md" &&
	ok "report: a section lists its A/A controls as such" ||
	notok "report: A/A in a section" "$(grep 'process / process' "$TMP/arms/report.md")"

# k arms over one key: the report's answers (which memory kind) come from
# their verdicts, an A/A design's claims are counted, and the forest plots
# (per experiment, and the summary's at one op without A/A) are drawn
cp -r "$D" "$TMP/karms"
rm -rf "$TMP/karms/raw"
K="experiment=pingpong kernel=cas impl=asm mode=thread pages=4k layout=one-line placement=llc cpus=0;1 cpu_a=0 cpu_b=1 size_bytes=64 agents=2"
{
	echo "$HDR"
	a=1
	for s in heap anon sysv; do
		row "$HDR" "$K arms=shm=heap:anon:sysv arm=$a shm=$s metric=round_trip unit=ns $(stat $((100 + 5 * a)))"
		a=$((a + 1))
	done
	row "$HDR" "$K arms=shm=heap:anon:sysv arm=1:2 shm=heap:anon metric=ratio unit=ratio samples=24 p50=1.01 ci_lo=0.99 ci_hi=1.03 verdict=equivalent margin=5 ci_level=97.5 blocks=24"
	row "$HDR" "$K arms=shm=heap:anon:sysv arm=1:3 shm=heap:sysv metric=ratio unit=ratio samples=24 p50=1.1 ci_lo=1.05 ci_hi=1.15 verdict=slower margin=5 ci_level=97.5 blocks=24"
	for a in 1 2; do
		row "$HDR" "$K arms=shm=anon:anon arm=$a shm=anon metric=round_trip unit=ns $(stat 100)"
	done
	row "$HDR" "$K arms=shm=anon:anon arm=1:2 shm=anon:anon metric=ratio unit=ratio samples=20 p50=1.08 ci_lo=1.06 ci_hi=1.1 verdict=slower margin=5 ci_level=95 blocks=20"
} >"$TMP/karms/pingpong.csv"
"$CP" report --resume "$TMP/karms" >/dev/null 2>"$TMP/karms.err"
sum=$(sed -n '/^## Summary/,/^## /p' "$TMP/karms/report.md")
printf '%s\n' "$sum" | grep -qF '**Which memory kind?** thread cas at llc: anon equivalent to heap within 5%; sysv slower 1.100 \[1.050, 1.150\]' &&
	ok "report: which memory kind, from the k-arm verdicts" ||
	notok "report: which memory kind" "$(printf '%s\n' "$sum" | grep -i 'memory kind')"
printf '%s\n' "$sum" | grep -qF '**Which page size?** Not answered in this run' &&
	ok "report: no page design, the page question not answered" || notok "report: which page size" "$(printf '%s\n' "$sum" | grep -i 'page size')"
grep -q 'A/A designs (identical arms): 1 of 1 comparisons claimed a difference' "$TMP/karms/report.md" &&
	ok "report: an A/A design's claim is counted" || notok "report: A/A design" "$(grep -i 'A/A' "$TMP/karms/report.md" | head -3)"
grep -qF '| llc, cas, thread | shm=heap:anon:sysv | sysv / heap | 115.0 \[112.7, 117.3\] ns | 1.10 \[1.05, 1.15\] | 97.5% | slower (5%, 24) |' "$TMP/karms/report.md" &&
	ok "report: the designs' table, each arm's median beside its ratio" ||
	notok "report: designs' table" "$(grep '| llc, cas, thread |' "$TMP/karms/report.md" | head -3)"
if [ -s "$TMP/karms/plots/pingpong-forest.png" ] && [ -s "$TMP/karms/plots/pingpong-verdicts.svg" ] &&
	printf '%s\n' "$sum" | grep -q 'plots/pingpong-verdicts.png' &&
	grep -c 'anon / anon \[A/A\]' "$TMP/karms/plots/pingpong-forest.svg" | grep -q '^1$' &&
	! grep -q '\[A/A\]' "$TMP/karms/plots/pingpong-verdicts.svg" &&
	grep -q 'thread shm (97.5%): sysv / heap' "$TMP/karms/plots/pingpong-forest.svg"; then
	ok "forest plots: every comparison (A/A marked, coverage noted); the summary's without A/A"
else
	notok "forest plots" "$(ls "$TMP/karms/plots" | tr '\n' ' ') $(grep -o '[a-z ]*/ [a-z]*[^<]*' "$TMP/karms/plots/pingpong-forest.svg" | head -5)"
fi
# bars leave the arms of designs out (their forest and table show them)
! grep -q 'thread/heap' "$TMP/karms/plots/pingpong-cas.svg" 2>/dev/null &&
	ok "bars: the arms of k-arm designs are not bars" || notok "bars with design arms" "$(grep -o 'thread/[a-z]*' "$TMP/karms/plots/pingpong-cas.svg" | sort -u)"
sed -i 's/,slower,5,\([0-9.]*\),20,/,equivalent,5,\1,20,/' "$TMP/arms/pingpong.csv"
"$CP" report --resume "$TMP/arms" >/dev/null 2>&1
grep -q "as fast as between threads?\*\* Yes: equivalent within 5% in every comparison" "$TMP/arms/report.md" &&
	ok "report: a changed verdict changes the answer" ||
	notok "report: answer follows the verdicts" "$(grep 'as fast as between threads' "$TMP/arms/report.md")"

# the standard reference run's report written again from its CSVs: the
# coherence answer names the agents' mode as the CSV has it
cp -r "$ROOT/results/reference" "$TMP/ref" && rm -f "$TMP/ref/report.md" &&
	"$CP" report --resume "$TMP/ref" >/dev/null 2>"$TMP/ref.err" &&
	grep -qE "^- \*\*Coherence\*\*: a [a-z]+ on a line Modified in a CPU at [a-z-]+ costs [0-9.]+ ns, [0-9.]+ times the same [a-z]+ on a line Modified in the measuring CPU's own cache \([0-9.]+ ns; mode (thread|process)\)\.$" "$TMP/ref/report.md" &&
	ok "reference report: the coherence answer" ||
	notok "reference report: coherence" "$(tail -c 300 "$TMP/ref.err") $(grep 'Coherence\*\*' "$TMP/ref/report.md" 2>&1)"

# the same under ASan/LeakSanitizer (make test builds it): the report's
# readers free what they read, the control arms' rows they drop included
if [ -x "$ROOT/build/asan/cachepong" ]; then
	cp -r "$ROOT/results/reference" "$TMP/ref-asan" &&
		"$ROOT/build/asan/cachepong" report --resume "$TMP/ref-asan" >/dev/null 2>"$TMP/ref-asan.err" &&
		! grep -q 'Sanitizer' "$TMP/ref-asan.err" && [ -s "$TMP/ref-asan/report.md" ] &&
		ok "reference report under ASan: no leak, no error" ||
		notok "reference report under ASan" "$(grep -m3 -E 'Sanitizer|SUMMARY|leak' "$TMP/ref-asan.err")"
fi

# ---- end to end: the quick sweep, figures, report ----
R=$TMP/r
out=$("$CP" report --preset quick --dir "$R" --budget 2m 2>"$TMP/r.err")
rc=$?
[ "$out" = "$R/report.md
$R/report.html" ] && ok "report prints where the report is" || notok "report output" "rc $rc: $out $(tail -5 "$TMP/r.err")"
for f in meta.json topo.json plan.txt cells-done.log report.md report.html; do
	[ -s "$R/$f" ] && ok "quick report: $f" || notok "quick report: $f" "missing or empty"
done
# every experiment of the quick preset whose command is in this build
for cmd in pingpong setup sync copy contend matrix; do
	if "$CP" --help | grep -q "^  $cmd "; then
		n=$(($(wc -l <"$R/$cmd.csv" 2>/dev/null || echo 1) - 1))
		[ "$n" -gt 0 ] && ok "quick report: $cmd.csv has $n rows" ||
			notok "quick report: $cmd.csv" "no rows: $(grep "$cmd" "$R/skipped.csv")"
	fi
done
n=0
for p in "$R"/plots/*.png; do
	[ -s "$p" ] && [ -s "${p%.png}.svg" ] && n=$((n + 1))
done
[ "$n" -ge 4 ] && ok "quick report: $n figures, PNG and SVG" || notok "quick report figures" "$(ls "$R/plots")"
grep -q "Is memory shared between processes as fast as between threads" "$R/report.md" &&
	ok "quick report answers the question" || notok "quick report" "$(head -30 "$R/report.md")"

# a gnuplot that dies of a signal (a crash, nothing on its stderr) is run
# once more; one that always dies fails its figure and the report says so
GNUPLOT=$(command -v gnuplot)
if [ -n "$GNUPLOT" ]; then
	mkdir -p "$TMP/segv"
	for mode in once always; do
		rm -f "$TMP/segv/crashed"
		printf '#!/bin/sh
case "$*" in *forest.gp*) if [ %s ] || [ ! -e "%s" ]; then : >"%s"; kill -SEGV $$; fi ;; esac
exec %s "$@"
' \
			"$([ $mode = always ] && echo 1 || echo '')" "$TMP/segv/crashed" "$TMP/segv/crashed" "$GNUPLOT" >"$TMP/segv/gnuplot"
		chmod +x "$TMP/segv/gnuplot"
		rm -rf "$TMP/segv-$mode" && cp -r "$TMP/karms" "$TMP/segv-$mode"
		PATH="$TMP/segv:$PATH" "$CP" report --resume "$TMP/segv-$mode" >/dev/null 2>"$TMP/segv-$mode.err"
		rc=$?
		case $mode in
		once) [ "$rc" = 0 ] && grep -q "plot pingpong-forest: gnuplot died of signal 11; drawn again: done" "$TMP/segv-$mode.err" &&
			[ -s "$TMP/segv-$mode/plots/pingpong-forest.png" ] && ok "a crashed gnuplot is run once more" ||
			notok "gnuplot crash once" "rc $rc: $(tail -3 "$TMP/segv-$mode.err")" ;;
		always) [ "$rc" != 0 ] && grep -q "drawn again: failed too" "$TMP/segv-$mode.err" &&
			[ -z "$(ls "$TMP/segv-$mode/plots" | grep tmp)" ] && ok "a gnuplot that always crashes fails its figure, nothing left" ||
			notok "gnuplot crash always" "rc $rc: $(tail -3 "$TMP/segv-$mode.err")" ;;
		esac
	done
fi

# ---- the heat map's CPUs in topology order (the run's topology.xml) ----
# six CPUs of a 2x EPYC 9654 (SMT siblings n, n + 192; package 1 from 96)
# and five of a hybrid Raptor Lake: the x axis's labels left to right
heat_order() {
	_d=$TMP/heat-$1
	mkdir -p "$_d" && cp "$TOPO/$1.xml" "$_d/topology.xml"
	python3 -c '
import itertools, sys
cpus = [int(c) for c in sys.argv[2].split()]
with open(sys.argv[1], "w") as f:
    f.write("experiment,kernel,mode,metric,unit,placement,cpus,cpu_a,cpu_b,p50,ci_lo,ci_hi\n")
    for a, b in itertools.combinations(sorted(cpus), 2):
        f.write("matrix,cas,thread,round_trip,ns,x,%d;%d,%d,%d,%d,%d,%d\n" % (a, b, a, b, 100 + a % 7, 90, 130))
' "$_d/matrix.csv" "$2" && "$CP" plot "$_d" >/dev/null 2>"$_d.err" && python3 -c '
import re, sys
from collections import defaultdict
svg = open(sys.argv[1]).read()
lab = re.findall(r"<g transform=\"translate\(([-0-9.]+),([-0-9.]+)\)[^>]*>\s*<text>([0-9]+)</text>", svg)
by = defaultdict(list)
for x, y, t in lab:
    by[y].append((float(x), t))
assert by, "no tick labels"
print(" ".join(t for x, t in sorted(max(by.values(), key=len))))
' "$_d/plots/matrix-cas-thread.svg"
}
if [ -n "$(command -v gnuplot)" ]; then
	got=$(heat_order AMD-19h-Zen4-2xEpyc-9654 "288 0 96 193 1 192" 2>&1)
	[ "$got" = "0 192 1 193 96 288" ] && grep -q "package boundaries" "$TMP/heat-AMD-19h-Zen4-2xEpyc-9654/plots/matrix-cas-thread.svg" &&
		ok "heat map of a 2x EPYC 9654: CPUs by package and core, SMT siblings side by side ($got), package line" ||
		notok "heat map order, 2x EPYC 9654" "x labels '$got', want '0 192 1 193 96 288'"
	got=$(heat_order Intel-RaptorLake-Corei7-1370P "19 12 2 1 0" 2>&1)
	[ "$got" = "0 1 2 12 19" ] && ok "heat map of a hybrid Raptor Lake: P-cores (siblings together), then E-cores ($got)" ||
		notok "heat map order, Raptor Lake" "x labels '$got', want '0 1 2 12 19'"
	[ -s "$TMP/heat-AMD-19h-Zen4-2xEpyc-9654/plots/matrix-classes.svg" ] &&
		ok "the matrix's class bars drawn beside its heat map" || notok "matrix class bars" "no matrix-classes.svg"
fi

# ---- the report's matrix section: classes with intervals, pairs at once,
# the --parallel checks, a pair far from its class ----
R=$TMP/mxrep
cp -r "$ROOT/results/reference" "$R" && rm -rf "$R/plots" && python3 - "$R/matrix.csv" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
base, cols = rows[0], list(rows[0].keys())
out = []
def add(**kv):
    r = dict(base); r.update({k: str(v) for k, v in kv.items()}); out.append(r)
# 12 llc pairs two at a time, one of them far (300 ns against ~100)
for i in range(12):
    v = 300 if i == 5 else 100 + i % 3
    add(cpus="%d;%d" % (2 * i, 2 * i + 1), cpu_a=2 * i, cpu_b=2 * i + 1, p50=v, ci_lo=v - 1, ci_hi=v + 1,
        note="2 pairs at once (--parallel); each pair's cell overlapped every other's for >= 97% of its time")
# the check of auto: both arms and their ratio
for arm, v in (("1", 100), ("2", 101)):
    add(arms="parallel=1:2", arm=arm, cpus="0;1", cpu_a=0, cpu_b=1, p50=v, ci_lo=v - 1, ci_hi=v + 1, note="check")
add(arms="parallel=1:2", arm="1:2", cpus="0;1", cpu_a=0, cpu_b=1, metric="ratio", unit="", p50=1.01, ci_lo=0.995,
    ci_hi=1.02, verdict="equivalent", margin=3, note="check")
w = csv.DictWriter(open(sys.argv[1], "w"), fieldnames=cols)
w.writeheader()
w.writerows(out)
PYEOF
if "$CP" report --resume "$R" >/dev/null 2>"$R.err" && python3 - "$R/report.md" <<'PYEOF'
import sys
md = open(sys.argv[1]).read().replace("\\", "")  # markdown's escapes
sec = md.split("## Every pair of CPUs", 1)[1].split("\n## ", 1)[0]
assert "| cas | thread | llc | 12 |" in sec, "class row of 12 pairs (the checks not counted)"
assert "median of the pairs [ns], 95% interval" in sec and "101 [100, 102]" in sec, "interval"
assert "up to 2 at a time" in sec, "pairs at once"
assert "| 0;1 | llc | 2 | 1.0100 [0.9950, 1.0200] | equivalent (margin 3%) |" in sec, "the check's row"
assert "CPUs 10;11 (llc, cas): 300 ns" in sec, "the far pair"
assert sec.count("CPUs ") >= 1 and "CPUs 0;1 (llc" not in sec.split("far from their class")[1], "a near pair listed as far"
PYEOF
then
	ok "report's matrix section: class medians with intervals, pairs at once, the parallel checks, the far pair"
else
	notok "report's matrix section" "$(tail -c 300 "$R.err") $(grep -A12 '## Every pair' "$R/report.md" | head -14)"
fi

finish
