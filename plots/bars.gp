# bars.gp: median per category (placement class by default), one bar per
# series side by side (threads vs processes, per shm kind), with the 95% CI
# of each median as a whisker.
#
#   gnuplot -e "data='pingpong.csv'; out='bars.png'; kernel='cas'" bars.gp
#
# Variables: see common.gp; and
#   metric  (default round_trip)   xcol    category column (default placement)
#   series  columns that make a bar series (default "mode shm")
#   xname   what the categories are, for the title and axis (default: xcol)
#   what    what was measured, for the title (default: experiment and kernel)
#   drift   the run's drift in percent (the sweep's sentinel: half its range
#           over the run); when given, each bar carries a grey band of
#           +-drift: bars of separate cells may differ that much for no
#           reason of their own (the report gives it)
cp_d = ARG0; cp_k = strlen(cp_d); while (cp_k > 0 && cp_d[cp_k:cp_k] ne "/") { cp_k = cp_k - 1 }
libdir = cp_k > 0 ? cp_d[1:cp_k] : ""
if (!exists("metric")) { metric = "round_trip" }
if (!exists("xcol")) { xcol = "placement" }
if (!exists("series")) { series = "mode shm" }
if (!exists("xname")) { xname = xcol }
load libdir."common.gp"
call libdir."need.gp" sprintf("experiment kernel metric unit p50 ci_lo ci_hi %s %s", xcol, series) \
	sprintf("metric=%s%s", metric, kernel eq "" ? "" : " and kernel=".kernel)

# series that differ (series.gp), categories in the order of the file
call libdir."series.gp"
X = ""; cp_exp = ""
set table $CP_J
plot data using (ok(0) ? (cp_exp = strcol("experiment"), \
	windex(X, cp_v(xcol)) == 0 ? X = X." ".cp_v(xcol) : 0, 1) : 0):(1) with table
unset table
nx = words(X)
bw = 0.8 / ns
xpos(x) = windex(X, cp_v(xcol)) + (windex(S, skey(0)) - (ns + 1) / 2.0) * bw

if (!exists("what")) { what = cp_exp.(kernel eq "" ? "" : " ".kernel) }
if (!exists("drift")) { drift = "" }
cp_dr = drift eq "" ? 0 : real(drift) / 100
set title sprintf("%s: median %s per %s\n%s%swhiskers: 95%% CI of the median%s%s", \
	what, mlabel, xname, fixed, fixed eq "" ? "" : "; ", \
	cp_dr > 0 ? sprintf("\ngrey: +-%.1f%%, the run's drift (its sentinel): what bars of separate cells carry", 100 * cp_dr) : "", \
	cpunl)
set ylabel sprintf("median %s [%s]", mlabel, cp_unit)
set xlabel xname
set xrange [0.4 : nx + 0.6]
set yrange [0 : *]
set xtics () scale 0
set for [i=1:nx] xtics add (word(X, i) i)
if (nx > 6) { set xtics rotate by -30 }
set key outside right top vertical title series
set style fill solid 0.75 border lc rgb "#333333"
set boxwidth bw absolute
set offsets 0, 0, graph 0.08, 0
plot for [j=1:ns] data using (ok(0) && skey(0) eq word(S, j) ? xpos(0) : NaN):(column("p50")) \
	with boxes lc j title word(S, j), \
	for [j=1:(cp_dr > 0 ? ns : 0)] data using (ok(0) && skey(0) eq word(S, j) ? xpos(0) : NaN):(column("p50")): \
	(column("p50") * (1 - cp_dr)):(column("p50") * (1 + cp_dr)) \
	with yerrorbars ps 0 lw 6 lc rgb "#99aaaaaa" notitle, \
	for [j=1:ns] data using (ok(0) && skey(0) eq word(S, j) ? xpos(0) : NaN):(column("ci_lo")):(0):(column("ci_hi") - column("ci_lo")) \
	with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
	for [j=1:(nx * ns <= 24 ? ns : 0)] data using (ok(0) && skey(0) eq word(S, j) ? xpos(0) : NaN):(column("ci_hi") == column("ci_hi") ? column("ci_hi") : column("p50")):(column("p50") >= 1000 ? sprintf("%.0f", column("p50")) : gprintf("%.3g", column("p50"))) \
	with labels offset 0, 0.6 font ",9" notitle
