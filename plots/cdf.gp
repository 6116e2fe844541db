# cdf.gp: distribution of the raw samples (a --raw file): one cumulative
# distribution per series, so tails and modes that a median hides show.
#
#   gnuplot -e "data='raw/pingpong.csv'; out='cdf.png'; kernel='cas'" cdf.gp
#
# Variables: see common.gp; and
#   metric  (default round_trip)   series  columns that make a curve
#                                          (default "placement mode shm")
cp_d = ARG0; cp_k = strlen(cp_d); while (cp_k > 0 && cp_d[cp_k:cp_k] ne "/") { cp_k = cp_k - 1 }
libdir = cp_k > 0 ? cp_d[1:cp_k] : ""
if (!exists("metric")) { metric = "round_trip" }
if (!exists("series")) { series = "placement mode shm" }
load libdir."common.gp"
call libdir."need.gp" sprintf("experiment kernel metric unit sample value %s", series) \
	sprintf("metric=%s%s", metric, kernel eq "" ? "" : " and kernel=".kernel)
call libdir."series.gp"
cp_exp = ""
set table $CP_J
plot data using (ok(0) ? (cp_exp = strcol("experiment"), 1) : 0):(1) with table
unset table

# one block per series: the finite sample values, for smooth cnormal
set print $CP_D
do for [cp_j=1:ns] {
	set table $CP_T
	plot data using (column("value")):(1) with table if (ok(0) && skey(0) eq word(S, cp_j))
	unset table
	do for [cp_l=1:|$CP_T|] { print $CP_T[cp_l] }
	print ""
	print ""
}
set print
set datafile separator whitespace
set datafile nocolumnheaders
stats $CP_D using 1 nooutput
if (!exists("what")) { what = cp_exp.(kernel eq "" ? "" : " ".kernel) }
set title sprintf("%s: distribution of %s samples (%d samples)%s%s", \
	what, pretty(metric), (exists("nsamples") ? nsamples + 0 : STATS_records), fixed eq "" ? "" : "\n".fixed, cpunl)
set xlabel sprintf("%s of one sample [%s]", pretty(metric), cp_unit)
set ylabel "fraction of samples at or below"
set yrange [0 : 1]
set ytics 0.1
if (STATS_min > 0 && STATS_max / STATS_min > 10) { set logscale x; set xrange [STATS_min / 1.1 : STATS_max * 1.1] }
set grid xtics ytics lc rgb "#dddddd"
set key outside right top vertical title series
plot for [j=1:ns] $CP_D index (j - 1) using 1:2 smooth cnormal with steps lc j dt 1 + (j - 1) / 8 lw 2 title word(S, j)
