# collect.gp: called by the line-plot scripts after series.gp:
#   call "collect.gp" "XCOLUMN"
# Copies the rows of each series (in file order) into the datablock $CP_D,
# one block per series (plot with index j-1), columns: x, p50, ci_lo, ci_hi.
# Afterwards only $CP_D can be plotted (the datafile settings are its).
# A row whose CI is empty (fewer than 6 samples) keeps its median: NaN, not
# an undefined value that would drop the whole row from the table.
# Rows of other series would break the lines if they were filtered inside
# the plot command (gnuplot ends a line at an undefined point).
set print $CP_D
do for [cp_j=1:ns] {
	set table $CP_T
	plot data using (column(ARG1)):(column("p50")):(cp_num("ci_lo")):(cp_num("ci_hi")) \
		with table if (ok(0) && skey(0) eq word(S, cp_j))
	unset table
	do for [cp_l=1:|$CP_T|] { print $CP_T[cp_l] }
	print ""
	print ""
}
set print
undefine $CP_T
# $CP_D is gnuplot's own table format: the plot that reads it must not
# treat its first line as a header or split on commas.
set datafile separator whitespace
set datafile nocolumnheaders
