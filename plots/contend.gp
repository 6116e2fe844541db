# contend.gp: contention: throughput against the number of agents, one line
# per series (operation, sharing layout, threads/processes), whiskers for the
# 95% CI of each median.
#
#   gnuplot -e "data='contend.csv'; out='contend.png'" contend.gp
#
# Variables: see common.gp; and
#   metric  (default throughput; also throughput_per_agent, fairness, success_rate)
#   series  columns that make a line (default "kernel layout mode shm")
cp_d = ARG0; cp_k = strlen(cp_d); while (cp_k > 0 && cp_d[cp_k:cp_k] ne "/") { cp_k = cp_k - 1 }
libdir = cp_k > 0 ? cp_d[1:cp_k] : ""
if (!exists("metric")) { metric = "throughput" }
if (!exists("series")) { series = "kernel layout mode shm" }
load libdir."common.gp"
call libdir."need.gp" sprintf("experiment metric unit agents p50 ci_lo ci_hi %s", series) \
	sprintf("metric=%s", metric)
call libdir."series.gp"
amax = 1
set table $CP_J
plot data using (ok(0) ? (amax = column("agents") > amax ? column("agents") : amax, 1) : 0):(1) with table
unset table

if (!exists("what")) { what = "contention".(kernel eq "" ? "" : " (".kernel.")") }
set title sprintf("%s: median %s against agents\n%s%swhiskers: 95%% CI of the median%s", \
	what, mlabel, fixed, fixed eq "" ? "" : "; ", cpunl)
set ylabel sprintf("median %s [%s]", mlabel, cp_unit)
set xlabel "agents (one per CPU)"
set xrange [0.5 : amax + 0.5]
set yrange [0 : *]
set xtics 1
if (amax > 16) { set xtics amax / 8 }
set grid xtics ytics lc rgb "#dddddd"
set key outside right top vertical title series
call libdir."collect.gp" "agents"
plot for [j=1:ns] $CP_D index (j - 1) using 1:2 with linespoints lc j dt 1 + (j - 1) / 8 pt (j % 13) + 1 lw 1.5 title word(S, j), \
	for [j=1:ns] $CP_D index (j - 1) using 1:3:(0):($4 - $3) \
	with vectors heads size screen 0.004,90 lc j notitle
