# heatmap.gp: core-to-core heat map of a matrix run (cachepong matrix): the
# median of every pair, both triangles, with the package and LLC boundaries
# of the topology drawn as lines.
#
#   gnuplot -e "data='matrix.csv'; out='heatmap.png'" heatmap.gp
#
# Variables: see common.gp; and
#   metric  (default round_trip)
#   order   the CPUs (OS numbers) in display order, space separated, e.g. the
#           topology's logical order "0 40 4 44 ..." (default: by OS number)
#   pkgb    positions (0-based, in order) where a new package starts, e.g. "20"
#   llcb    positions where a new last-level cache starts
#   run     the machine and the run's start, for the title (default: none)
#   cbmin, cbmax  the colour scale's ends (cachepong compare: one scale for
#           the matrices of several runs); default: this matrix's range
cp_d = ARG0; cp_k = strlen(cp_d); while (cp_k > 0 && cp_d[cp_k:cp_k] ne "/") { cp_k = cp_k - 1 }
libdir = cp_k > 0 ? cp_d[1:cp_k] : ""
if (!exists("metric")) { metric = "round_trip" }
if (!exists("order")) { order = "" }
if (!exists("pkgb")) { pkgb = "" }
if (!exists("llcb")) { llcb = "" }
if (!exists("run")) { run = "" }
if (!exists("width")) { width = 900 }
if (!exists("height")) { height = 820 }
load libdir."common.gp"
call libdir."need.gp" "experiment kernel mode metric unit cpu_a cpu_b p50" \
	sprintf("metric=%s%s%s", metric, kernel eq "" ? "" : " and kernel=".kernel, \
		mode eq "" ? "" : " and mode=".mode)

# position of a CPU on the axes
cmax = 0
set table $CP_J
plot data using (ok(0) ? (cmax = column("cpu_a") > cmax ? column("cpu_a") : cmax, \
	cmax = column("cpu_b") > cmax ? column("cpu_b") : cmax, 1) : 0):(1) with table
unset table
do for [i=1:words(order)] { if (int(word(order, i)) > cmax) { cmax = int(word(order, i)) } }
array P[cmax + 1]
do for [i=1:cmax + 1] { P[i] = (order eq "") ? i - 1 : NaN }
do for [i=1:words(order)] { P[int(word(order, i)) + 1] = i - 1 }
pos(c) = (c >= 0 && c <= cmax) ? P[int(c) + 1] : NaN
n = (order eq "") ? cmax + 1 : words(order)

cp_exp = ""; cp_kern = ""; cp_mode = ""; vmin = 1e300; vmax = -1e300
set table $CP_J
plot data using (ok(0) ? (cp_exp = strcol("experiment"), cp_kern = strcol("kernel"), \
	cp_mode = strcol("mode"), vmin = column("p50") < vmin ? column("p50") : vmin, \
	vmax = column("p50") > vmax ? column("p50") : vmax, 1) : 0):(1) with table
unset table
# one value (one pair): a colour scale of +-10% around it, not gnuplot's warning
if (vmin < vmax) { set cbrange [vmin : vmax] } else { set cbrange [vmin * 0.9 : vmin * 1.1 + 1e-9] }
if (exists("cbmin") && exists("cbmax")) { set cbrange [real(cbmin) : real(cbmax)] }
if (!exists("what")) { what = sprintf("core-to-core %s (%s, %s)", pretty(metric), cp_kern, cp_mode) }
set title sprintf("%s: median of each pair%s%s%s", what, cpunl, run eq "" ? "" : "\n".run, \
	(pkgb ne "" || llcb ne "") ? "\nlines: package boundaries (black), last-level cache boundaries (white, dashed)" : "")
set cblabel sprintf("median %s [%s]", pretty(metric), cp_unit)
set xlabel (order eq "" ? "CPU (OS number)" : "CPU (OS number), in topology order: package, die, L3, core, SMT siblings together")
set ylabel "CPU (OS number)"
set size ratio -1
set xrange [-0.5 : n - 0.5]
set yrange [n - 0.5 : -0.5]
set palette defined (0 "#440154", 0.25 "#3b528b", 0.5 "#21918c", 0.75 "#5ec962", 1 "#fde725")
set object 1 rect from graph 0, 0 to graph 1, 1 behind fc rgb "#e8e8e8" fs solid noborder
set grid noxtics noytics
set xtics () scale 0 out
set ytics () scale 0 out
# label every CPU on small machines, else the first CPU of each LLC/package
# and every step-th position
step = n <= 32 ? 1 : int(n / 16)
do for [i=1:n] {
	cp_lab = (order eq "") ? sprintf("%d", i - 1) : word(order, i)
	if ((i - 1) % step == 0 || windex(llcb." ".pkgb, sprintf("%d", i - 1)) > 0) {
		set xtics add (cp_lab i - 1)
		set ytics add (cp_lab i - 1)
	}
}
if (n > 24) { set xtics rotate by 90 right font ",8"; set ytics font ",8" }
do for [b in llcb] {
	set arrow from b - 0.5, graph 0 to b - 0.5, graph 1 nohead front lc rgb "white" lw 1 dt 2
	set arrow from graph 0, first b - 0.5 to graph 1, first b - 0.5 nohead front lc rgb "white" lw 1 dt 2
}
do for [b in pkgb] {
	set arrow from b - 0.5, graph 0 to b - 0.5, graph 1 nohead front lc rgb "black" lw 2.5
	set arrow from graph 0, first b - 0.5 to graph 1, first b - 0.5 nohead front lc rgb "black" lw 2.5
}
set style fill solid 1.0 noborder
set key noautotitle
plot data using (ok(0) ? pos(column("cpu_a")) : NaN):(pos(column("cpu_b"))):(0.5):(0.5):(column("p50")) \
	with boxxyerror fc palette, \
	data using (ok(0) ? pos(column("cpu_b")) : NaN):(pos(column("cpu_a"))):(0.5):(0.5):(column("p50")) \
	with boxxyerror fc palette, \
	data using (ok(0) && n <= 12 ? pos(column("cpu_a")) : NaN):(pos(column("cpu_b"))):(gprintf("%.3g", column("p50"))) \
	with labels tc rgb "white" font ",10", \
	data using (ok(0) && n <= 12 ? pos(column("cpu_b")) : NaN):(pos(column("cpu_a"))):(gprintf("%.3g", column("p50"))) \
	with labels tc rgb "white" font ",10"
