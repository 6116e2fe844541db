# size.gp: cost against size, log-log, one line per series, whiskers for
# the 95% CI of each median: setup costs (metric total or per_page) and
# copy vs share (metric throughput or latency).
#
#   gnuplot -e "data='setup.csv'; out='setup.png'; metric='total'; kernel='touch'" size.gp
#
# Variables: see common.gp; and
#   metric  (default total)    series  columns that make a line (default "kernel shm pages mode")
#   what    what was measured, for the title (default: the experiment and kernel)
cp_d = ARG0; cp_k = strlen(cp_d); while (cp_k > 0 && cp_d[cp_k:cp_k] ne "/") { cp_k = cp_k - 1 }
libdir = cp_k > 0 ? cp_d[1:cp_k] : ""
if (!exists("metric")) { metric = "total" }
if (!exists("series")) { series = "kernel shm pages mode" }
load libdir."common.gp"
call libdir."need.gp" sprintf("experiment metric unit size_bytes p50 ci_lo ci_hi %s", series) \
	sprintf("metric=%s%s", metric, kernel eq "" ? "" : " and kernel=".kernel)

call libdir."series.gp"
cp_exp = ""; xmin = 1e300; xmax = 0; ymin = 1e300; ymax = 0
set table $CP_J
plot data using (ok(0) ? (cp_exp = strcol("experiment"), \
	xmin = column("size_bytes") < xmin ? column("size_bytes") : xmin, \
	xmax = column("size_bytes") > xmax ? column("size_bytes") : xmax, \
	ymax = column("p50") > ymax ? column("p50") : ymax, \
	ymin = column("p50") > 0 && column("p50") < ymin ? column("p50") : ymin, 1) : 0):(1) with table
unset table

if (!exists("what")) { what = cp_exp.(kernel eq "" ? "" : " ".kernel) }
set title sprintf("%s: median %s against size\n%s%swhiskers: 95%% CI of the median%s", \
	what, mlabel, fixed, fixed eq "" ? "" : "; ", cpunl)
set ylabel sprintf("median %s [%s]", mlabel, cp_unit)
set xlabel "size [bytes]"
set logscale xy
set xrange [xmin / 1.5 : xmax * 1.5]
set xtics () 
set for [k=0:50:(xmax / xmin > 2**12 ? 2 : 1)] xtics add (hsize(2**k) 2**k)
set mxtics default
set format y (ymax >= 1e5 ? "%.0s%c" : "%g")
# less than two decades: 1-2-5 tics, else a log axis shows one or two numbers
if (ymin < ymax && ymax / ymin < 100) {
	set ytics ()
	do for [e=floor(log10(ymin)):ceil(log10(ymax))] { set ytics add (10**e, 2 * 10**e, 5 * 10**e) }
	set yrange [ymin / 1.5 : ymax * 1.5]
}
set grid xtics ytics mytics lc rgb "#dddddd", lc rgb "#f0f0f0"
set key outside right top vertical title series
call libdir."collect.gp" "size_bytes"
plot for [j=1:ns] $CP_D index (j - 1) using 1:2 with linespoints lc j dt 1 + (j - 1) / 8 pt (j % 13) + 1 lw 1.5 title word(S, j), \
	for [j=1:ns] $CP_D index (j - 1) using 1:3:(0):($4 - $3) \
	with vectors heads size screen 0.004,90 lc j notitle
