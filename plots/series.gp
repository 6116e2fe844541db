# series.gp: called by the figure scripts after need.gp:
#   call "series.gp"
# Drops from `series` the columns that have one value in every row the
# figure shows (they go to `fixed`, e.g. "mode process, pages 4k", for the
# title), then lists the series keys in file order in S (ns of them).
cp_keep = ""; fixed = ""
do for [cp_c in series] {
	cp_vals = ""
	set table $CP_J
	plot data using (ok(0) && windex(cp_vals, cp_v(cp_c)) == 0 ? (cp_vals = cp_vals." ".cp_v(cp_c), 1) : 0):(1) with table
	unset table
	if (words(cp_vals) > 1) {
		cp_keep = cp_keep." ".cp_c
	} else {
		if (cp_vals ne " -") { fixed = fixed.(fixed eq "" ? "" : ", ").cp_c." ".word(cp_vals, 1) }
	}
}
series = cp_keep eq "" ? word(series, 1) : cp_keep[2:]
S = ""
set table $CP_J
plot data using (ok(0) && windex(S, skey(0)) == 0 ? (S = S." ".skey(0), 1) : 0):(1) with table
unset table
ns = words(S)
undefine $CP_J
