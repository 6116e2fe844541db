# sentinel.gp: the sweep's sentinel through the run (sentinel.csv): the cas
# round trip taken before the cells, with its 95% interval, one colour per
# epoch, and each epoch's reference with the band around it (dashed): a
# point outside the band started the next epoch.
#
#   gnuplot -e "data='sentinel.csv'; out='sentinel.png'" sentinel.gp
#
# Variables: see common.gp.
cp_d = ARG0; cp_k = strlen(cp_d); while (cp_k > 0 && cp_d[cp_k:cp_k] ne "/") { cp_k = cp_k - 1 }
libdir = cp_k > 0 ? cp_d[1:cp_k] : ""
metric = "round_trip"
load libdir."common.gp"
cp_cpus = ""; cp_band = 0; ne = 0; cp_n = 0
set table $CP_J
plot data using (cp_cpus = strcol("cpus"), cp_band = column("band_pct"), \
	ne = column("epoch") > ne ? column("epoch") : ne, cp_n = cp_n + 1, 1):(1) with table
unset table
if (cp_n < 1) {
	print sprintf("%s: no data rows (only a header, or an empty file)", data)
	exit status 1
}
set title sprintf("Sentinel through the sweep: cas round trip between two threads, CPUs %s\n%d sentinels, band +-%.1f%%, %d epoch%s%s", \
	cp_cpus, cp_n, cp_band, ne, ne > 1 ? "s" : "", cpunl)
set xlabel "seconds into the sweep"
set ylabel "round trip (ns)"
set key top left
set grid
set yrange [0:*]
plot for [e=1:ne] data using (column("epoch") == e ? column("at_s") : NaN):"p50":"ci_lo":"ci_hi" \
		with yerrorbars pt 7 lc e title sprintf("epoch %d", e), \
	data using "at_s":"epoch_ref" with steps lc rgb "black" title "epoch reference", \
	data using "at_s":(column("epoch_ref") * (1 + cp_band / 100)) with steps dt 2 lc rgb "gray40" title "band", \
	data using "at_s":(column("epoch_ref") * (1 - cp_band / 100)) with steps dt 2 lc rgb "gray40" notitle
