# need.gp: called by the figure scripts before they plot:
#   call "need.gp" "COLUMNS" ["FILTER TEXT"]
# Fails (exit status 1) with a message naming the file and what is missing
# when `data` has no data rows, lacks one of the space-separated COLUMNS, or
# has no row that passes ok() (the figure's filter, described by FILTER TEXT).
# Sets cp_unit to the unit of the first row that passes, cp_nrows to their count.

set table $CP_J
plot data using (1):(1) with table
unset table
if (|$CP_J| == 0) {
	print sprintf("%s: no data rows (only a header, or an empty file)", data)
	exit status 1
}
cp_hdr = ","
set table $CP_J
plot data every ::0::0 using (sum [cp_i=1:500] (strlen(columnhead(cp_i)) > 0 ? \
	(cp_hdr = cp_hdr.columnhead(cp_i).",", 0) : 0)):(1) with table
unset table
do for [cp_c in ARG1] {
	if (strstrt(cp_hdr, ",".cp_c.",") == 0) {
		print sprintf("%s: no column named '%s' (needed: %s)", data, cp_c, ARG1)
		exit status 1
	}
}
cp_nrows = 0
cp_unit = ""
set table $CP_J
plot data using (ok(0) ? (cp_nrows = cp_nrows + 1, cp_unit = (cp_unit eq "" ? strcol("unit") : cp_unit), 1) : 0):(1) with table
unset table
if (cp_nrows == 0) {
	print sprintf("%s: no rows with %s", data, ARGC >= 2 ? ARG2 : "the values asked for")
	exit status 1
}
undefine $CP_J
