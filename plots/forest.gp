# forest.gp: every interleaved comparison of a results file as one line:
# the ratio B / A (median of the block ratios) and its interval, against
# the margin (shaded) and 1; coloured by the verdict.  A comparison is a
# row of metric "ratio": two modes (mode "thread:process"), or arm x of k
# arms over one key against the baseline (arms "shm=heap:anon:...", the
# pair in the key's column: shm "heap:anon").  A/A controls (identical
# arms) are marked: every difference they claim is a false positive.
#
#   gnuplot -e "data='pingpong.csv'; out='forest.png'" forest.gp
#
# Variables: see common.gp; and
#   noaa       1: leave the A/A controls out
#   onekernel  1: only the comparisons of the first op (kernel) in the file
# The figure grows with the comparisons.
cp_d = ARG0; cp_k = strlen(cp_d); while (cp_k > 0 && cp_d[cp_k:cp_k] ne "/") { cp_k = cp_k - 1 }
libdir = cp_k > 0 ? cp_d[1:cp_k] : ""
metric = "ratio"
load libdir."common.gp"
call libdir."need.gp" "experiment kernel mode arms placement metric p50 ci_lo ci_hi verdict margin ci_level" \
	"metric=ratio (comparison rows of interleaved arms)"

# "a:b" of the row: mode for two modes, else the key's column of k arms
cp_key(x) = (cp_a = strcol("arms"), cp_e = strstrt(cp_a, "="), cp_e > 0 ? cp_a[1:cp_e-1] : "")
cp_pair(x) = strstrt(strcol("mode"), ":") > 0 ? strcol("mode") : (cp_key(0) eq "" ? "?:?" : strcol(cp_key(0)))
cp_b_a(p) = (cp_c = strstrt(p, ":"), p[cp_c+1:]." / ".p[1:cp_c-1])
cp_aa(p) = (cp_c = strstrt(p, ":"), p[cp_c+1:] eq p[1:cp_c-1])
cp_label(x) = sprintf("%s %s, %s%s: %s%s", strcol("kernel"), strcol("placement"), \
	strstrt(strcol("mode"), ":") > 0 ? strcol("shm") : strcol("mode")." ".cp_key(0), \
	strcol("ci_level") eq "" || column("ci_level") == 95 ? "" : sprintf(" (%g%%%%)", column("ci_level")), \
	cp_b_a(cp_pair(0)), cp_aa(cp_pair(0)) ? " [A/A]" : "")
cp_vc(x) = strcol("verdict") eq "equivalent" ? 1 : strcol("verdict") eq "slower" ? 2 : \
	strcol("verdict") eq "faster" ? 3 : 4
if (!exists("noaa")) { noaa = "" }
if (!exists("onekernel")) { onekernel = "" }
cp_k1 = ""
set table $CP_J
plot data using (ok(0) && cp_k1 eq "" ? (cp_k1 = strcol("kernel"), 1) : 0):(1) with table
unset table
# the rows drawn
fok(x) = ok(x) && (onekernel ne "1" || strcol("kernel") eq cp_k1) && (noaa ne "1" || !cp_aa(cp_pair(0)))

cp_m = 0; cp_lo = 1; cp_hi = 1; cp_exp = ""
set table $CP_J
cp_nrows = 0
plot data using (fok(0) ? (cp_nrows = cp_nrows + 1, cp_m = column("margin"), cp_exp = strcol("experiment"), \
	cp_lo = cp_num("ci_lo") < cp_lo ? cp_num("ci_lo") : cp_lo, \
	cp_hi = cp_num("ci_hi") > cp_hi ? cp_num("ci_hi") : cp_hi, 1) : 0):(1) with table
unset table
if (cp_nrows < 1) {
	# only A/A controls (noaa) or another op: an empty figure that says so
	set title sprintf("%s: no comparison to show here (A/A controls are counted in the text)%s", cp_exp, cpunl)
	set xrange [0.9 : 1.1]
	set yrange [0 : 1]
	plot NaN notitle
	exit
}
up = 1 + cp_m / 100.0
down = 1 / up
cp_lo = cp_lo < down ? cp_lo : down
cp_hi = cp_hi > up ? cp_hi : up
h = 150 + 16 * cp_nrows
h = h > 4000 ? 4000 : h
if (term eq "svg") {
	set terminal svg size width,h dynamic noenhanced font "Sans,13" background "white"
} else {
	set terminal pngcairo size width,h noenhanced font "Sans,11" background "white"
}
set output out

cp_sel = (onekernel eq "1" ? " at ".cp_k1 : "").(noaa eq "1" ? ", A/A controls left out" : "")
set title sprintf("%s: %s interleaved comparison%s, B / A with its interval\nshaded: the margin, equivalent within [%.3f, %.3f]; coloured by verdict%s", \
	cp_exp, cp_sel eq "" ? "every" : "each", cp_sel, down, up, cpunl)
set xlabel "ratio B / A (median of the block ratios; interval at 95%, or as noted for k arms)"
set object 1 rect from down, graph 0 to up, graph 1 fc rgb "#e6f2e6" fs solid 1.0 noborder behind
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb "#555555" dt 2
set xrange [cp_lo - (cp_hi - cp_lo) * 0.05 : cp_hi + (cp_hi - cp_lo) * 0.05]
set yrange [0.3 : cp_nrows + 0.7] reverse
set grid xtics
set key outside bottom horizontal
set linetype 1 lc rgb "#2a7f2a" pt 7
set linetype 2 lc rgb "#c0392b" pt 7
set linetype 3 lc rgb "#2f5fb3" pt 7
set linetype 4 lc rgb "#888888" pt 7
# the labels first (a tic of a row left out would be a tic at NaN); a tic
# label is a format: its % are doubled in cp_label
array L[cp_nrows]
cp_i = 0
set table $CP_J
plot data using (fok(0) ? (cp_i = cp_i + 1, L[cp_i] = cp_label(0), 1) : 0):(1) with table
unset table
set ytics () scale 0 font ",9"
do for [i=1:cp_nrows] { set ytics add (L[i] i) }
cp_i = 0
plot data using (fok(0) ? column("p50") : NaN):(fok(0) ? (cp_i = cp_i + 1, cp_i) : NaN): \
	(cp_num("ci_lo")):(cp_num("ci_hi")):(cp_vc(0)) \
	with xerrorbars lc variable notitle, \
	NaN with points lt 1 title "equivalent", NaN with points lt 2 title "slower", \
	NaN with points lt 3 title "faster", NaN with points lt 4 title "inconclusive"
