# common.gp: loaded by every figure script of cachepong (plots/*.gp) after
# the caller's -e variables are set.  Sets up the terminal and the CSV
# reading, and defines the row filter and series helpers the scripts share.
#
# Variables (give them with gnuplot -e '...'):
#   data  the CSV file (required)
#   out   the output file (default: the script name with .png)
#   term  png or svg (default: from the extension of out)
#   cpu   the CPU model, shown in titles (default: none)
# Filters, each optional ("" = any value): kernel, mode, shm, placement, layout.

if (!exists("data")) {
	print sprintf("usage: gnuplot -e \"data='FILE.csv'; out='figure.png'\" %s", ARG0)
	exit status 2
}
if (!exists("out")) { out = "figure.png" }
if (!exists("term")) { term = (out[strlen(out)-3:] eq ".svg") ? "svg" : "png" }
if (!exists("cpu")) { cpu = "" }
cpunl = (cpu eq "" ? "" : "\n".cpu)    # the title's CPU line
if (!exists("width")) { width = 1000 }
if (!exists("height")) { height = 640 }
if (term ne "png" && term ne "svg") {
	print sprintf("term='%s': allowed: png, svg", term)
	exit status 2
}
if (term eq "svg") {
	set terminal svg size width,height dynamic noenhanced font "Sans,13" background "white"
} else {
	set terminal pngcairo size width,height noenhanced font "Sans,11" background "white"
}
set output out
set datafile separator comma
set datafile columnheaders

do for [cp_f in "kernel mode shm placement layout pages impl"] {
	if (!exists(cp_f)) { eval cp_f." = \"\"" }
}

# Rows of the figure: the metric asked for and the filters set.
cp_is(c, v) = (v eq "" || strcol(c) eq v)
ok(x) = strcol("metric") eq metric && cp_is("kernel", kernel) && cp_is("mode", mode) \
	&& cp_is("shm", shm) && cp_is("placement", placement) && cp_is("layout", layout) \
	&& cp_is("pages", pages) && cp_is("impl", impl)

# The series key of a row: the values of the columns in `series` joined by
# '/' ("process/sysv"); an empty value shows as "-".
cp_v(c) = (strcol(c) eq "" ? "-" : strcol(c))
skey(x) = (cp_s = "", cp_n = sum [cp_i=1:words(series)] \
	(cp_s = cp_s.(cp_i > 1 ? "/" : "").cp_v(word(series, cp_i)), 0), cp_s)
# Index (1-based) of word w in list l, 0 when absent.
windex(l, w) = sum [cp_i=1:words(l)] (word(l, cp_i) eq w ? cp_i : 0)

# A numeric column, NaN when the field is empty.
cp_num(c) = (strcol(c) eq "" ? NaN : column(c))

# Human sizes for size axes: 4K, 64K, 1M, 1G.
hsize(x) = x >= 2**30 ? sprintf("%gG", x / 2**30) : x >= 2**20 ? sprintf("%gM", x / 2**20) \
	: x >= 2**10 ? sprintf("%gK", x / 2**10) : sprintf("%g", x)

set grid ytics lc rgb "#dddddd"
set border lc rgb "#444444"
set key noautotitle
# "round_trip" -> "round trip" for titles and labels; mlabel: the metric's
# name there (a caller may give a better one, e.g. "time per page").
pretty(s) = (cp_p = strstrt(s, "_"), cp_p == 0 ? s : pretty(s[1:cp_p-1]." ".s[cp_p+1:]))
if (!exists("mlabel")) { mlabel = pretty(metric) }
