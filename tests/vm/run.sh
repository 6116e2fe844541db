#!/bin/sh
# tests/vm/run.sh [SHAPE...] (`make test-vm`): cachepong on a real Linux
# kernel with several sockets and NUMA nodes, in qemu guests under its own
# emulation (accel=tcg: this machine's KVM cannot run a stock kernel).
#
# The kernel is Debian's (linux-image-amd64, taken with `apt-get download`,
# only ./boot and the virtio/9p modules kept under build/vm/); the initramfs
# is busybox and tests/vm/init.  The guest mounts this machine's root
# read-only over 9p and runs tests/vm/guest.sh in it, so what it runs is the
# current build, data files and test files, unchanged.  Results come back
# through a second, writable 9p share and are checked here too.
#
# Each shape is one guest; expectations are derived from the shape asked of
# qemu (sockets, cores, threads, nodes), never from what hwloc says.  Timings
# in a guest mean nothing (no trusted TSC, no PMU); functions are tested.
# Every guest has a time limit and is always stopped.  CP_VM_KEEP=1 keeps
# each guest's console, qemu log and results (the folder is printed).  Prints PASS/FAIL lines
# (to $CP_TEST_LOG too when set) and ends with "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
VM=$ROOT/build/vm
LOG=${CP_TEST_LOG:-}
LIMIT=${CP_VM_LIMIT:-420}      # seconds per guest: a backstop for a hung guest (the cli guest takes 130-250 s under TCG)
PASSN=0
FAILN=0

# The shapes: NAME SOCKETS CORES THREADS NODES CPU-VENDOR WHAT
# (NODES split the CPUs into equal consecutive ranges; WHAT is guest.sh's part)
# huge and cli need two nodes, not four CPUs: one vCPU per host CPU of a
# 2-CPU machine keeps the spinning agents off oversubscribed vCPUs, where
# qemu 7.2's TCG guests have stalled (soft lockups)
SHAPES='
numa2 2 2 1 2 - placement
smt   2 2 2 4 GenuineIntel smt
huge  2 1 1 2 - hugepages
cli   2 1 1 2 - cli
'

# the arguments: shape names of the table; the time limit: whole seconds
names=$(echo "$SHAPES" | awk 'NF { printf "%s ", $1 }')
for a in "$@"; do
	case " $names" in
	*" $a "*) ;;
	*) echo "vm: unknown shape '$a': allowed: ${names% }" >&2; exit 2 ;;
	esac
done
case "$LIMIT" in
'' | *[!0-9]* | 0) echo "vm: CP_VM_LIMIT='$LIMIT': allowed: whole seconds, 1 or more" >&2; exit 2 ;;
esac

say() {
	echo "$1"
	[ -n "$LOG" ] && echo "$1" >>"$LOG"
	return 0
}
pass() { PASSN=$((PASSN + 1)); say "PASS vm: $1"; }
fail() { FAILN=$((FAILN + 1)); say "FAIL vm: $1: $2"; }
finish() {
	echo "vm: $PASSN passed, $FAILN failed"
	[ "$FAILN" = 0 ]
	exit
}

# ---- what the guest needs ----
if [ "$(uname -m)" != x86_64 ]; then
	say "vm: skipped: the guest runs this machine's root over 9p, which needs an x86_64 machine (this is $(uname -m))"
	finish
fi
for c in qemu-system-x86_64 busybox; do
	command -v $c >/dev/null 2>&1 || { fail "tools" "$c missing: run make deps-test (qemu-system-x86, busybox-static)"; finish; }
done
[ -x build/cachepong ] || { fail "build" "build/cachepong missing: run make"; finish; }
# the initramfs has no libraries: ldd fails on a static binary
ldd "$(command -v busybox)" >/dev/null 2>&1 &&
	{ fail "tools" "busybox is dynamically linked: the initramfs needs busybox-static"; finish; }

# Debian's generic kernel (its 9p and virtio modules; the cloud kernel has no 9p)
kernel() {
	[ -s "$VM/kernel/vmlinuz" ] && [ -d "$VM/kernel/lib/modules" ] && return 0
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
	[ -n "$pkg" ] || { fail "kernel" "apt-cache knows no linux-image-amd64 (not Debian, or apt-get update needed)"; return 1; }
	rm -rf "$VM/kernel.new" && mkdir -p "$VM/kernel.new" || return 1
	if ! (cd "$VM/kernel.new" && apt-get download "$pkg" >dl.log 2>&1); then
		fail "kernel" "apt-get download $pkg failed (needs Debian's mirror): $(tail -c 300 "$VM/kernel.new/dl.log")"
		return 1
	fi
	deb=$(ls "$VM"/kernel.new/*.deb)
	rel=${pkg#linux-image-}
	mods="./lib/modules/$rel/kernel"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$VM/kernel.new" "./boot/vmlinuz-$rel" \
		"$mods/drivers/virtio" "$mods/net/9p" "$mods/fs/9p" "$mods/fs/netfs" "$mods/fs/fscache" ||
		{ fail "kernel" "cannot extract ./boot and the 9p/virtio modules from $deb"; return 1; }
	mv "$VM/kernel.new/boot/vmlinuz-$rel" "$VM/kernel.new/vmlinuz"
	rm -rf "$deb" "$VM/kernel.new/boot" "$VM/kernel.new/dl.log" "$VM/kernel"
	echo "$pkg" >"$VM/kernel.new/package"
	mv "$VM/kernel.new" "$VM/kernel"
}

# busybox, the modules and tests/vm/init, as a gzipped newc cpio
initramfs() {
	d=$WORK/initramfs
	mkdir -p "$d/bin" "$d/proc" "$d/sys" "$d/dev" "$d/newroot" "$d/lib" &&
		cp "$(command -v busybox)" "$d/bin/busybox" && cp tests/vm/init "$d/init" && chmod 755 "$d/init" &&
		cp -r "$VM/kernel/lib/modules" "$d/lib/" &&
		(cd "$d" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$WORK/initrd.gz"
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-vm.XXXXXX") || exit 1
QPID=""
cleanup() {
	[ -n "$QPID" ] && kill -9 "$QPID" 2>/dev/null
	if [ -n "${CP_VM_KEEP:-}" ]; then echo "vm: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

t0=$(date +%s)
kernel || finish
initramfs || { fail "initramfs" "cannot build it in $WORK"; finish; }
echo "vm: kernel $(cat "$VM/kernel/package"), initramfs $(du -k "$WORK/initrd.gz" | cut -f1) kB, $(( $(date +%s) - t0 )) s"

# qemu's arguments for a shape: CPUs, sockets, NUMA nodes over equal CPU
# ranges, distance 10 + 10 per socket crossed (+1 within a socket)
qemu_args() {  # SOCKETS CORES THREADS NODES VENDOR
	s=$1 c=$2 t=$3 n=$4 v=$5
	cpus=$((s * c * t))
	per=$((cpus / n))
	mem=$((1024 / n))
	echo "-smp $cpus,sockets=$s,cores=$c,threads=$t -m $((mem * n))M"
	echo "-cpu max${v:+,vendor=$v}"
	i=0
	while [ $i -lt "$n" ]; do
		echo "-object memory-backend-ram,id=m$i,size=${mem}M"
		echo "-numa node,nodeid=$i,cpus=$((i * per))-$((i * per + per - 1)),memdev=m$i"
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "$n" ]; do
		j=$((i + 1))
		while [ $j -lt "$n" ]; do
			# the socket of a node: its first CPU's
			si=$((i * per / (c * t))) sj=$((j * per / (c * t)))
			d=11
			[ $si != $sj ] && d=20
			echo "-numa dist,src=$i,dst=$j,val=$d"
			j=$((j + 1))
		done
		i=$((i + 1))
	done
}

# qemu NAME SOCKETS CORES THREADS NODES VENDOR WHAT: one guest, its output in
# $out; $qrc its exit, $why empty when the guest finished
qemu() {
	rm -rf "$out" && mkdir -p "$out"
	# shellcheck disable=SC2046  # qemu_args prints words on purpose
	timeout -k 5 "$LIMIT" qemu-system-x86_64 -machine q35,accel=tcg $(qemu_args "$2" "$3" "$4" "$5" "$vendor") \
		-kernel "$VM/kernel/vmlinuz" -initrd "$WORK/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 cp.shape=$1 cp.what=$7 cp.sockets=$2 cp.cores=$3 cp.threads=$4 cp.nodes=$5 cp.repo=$ROOT" \
		-display none -serial "file:$out/console" -monitor none -no-reboot \
		-virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$out,mount_tag=out,security_model=none" >"$out/qemu.log" 2>&1 &
	QPID=$!
	wait $QPID
	qrc=$?
	QPID=""
	why=""
	[ -f "$out/status" ] && return
	why="no status from the guest"
	[ $qrc = 124 ] && why="still running after ${LIMIT} s: stopped"
	why="$why (qemu exit $qrc); console tail: $(tail -c 600 "$out/console" 2>/dev/null | tr '\n' ' ') $(tail -c 200 "$out/qemu.log")"
}

# boot NAME SOCKETS CORES THREADS NODES VENDOR WHAT
boot() {
	name=$1 vendor=$6
	[ "$vendor" = - ] && vendor=""
	out=$WORK/out-$name
	t1=$(date +%s)
	qemu "$@"
	if [ -n "$why" ]; then
		# qemu 7.2's multi-threaded TCG has crashed (SIGSEGV) and its guests
		# have stalled (soft lockups) now and then on this machine: one more
		# boot, said in the log; a second failure is a failure
		say "vm: $name: the guest did not finish, booting it once more: $why"
		mv "$out" "$out.1"
		qemu "$@"
	fi
	secs=$(( $(date +%s) - t1 ))
	if [ -n "$why" ]; then
		fail "$name: guest finished" "$why"
		return
	fi
	# the guest's own checks
	if [ -s "$out/log" ]; then
		while IFS= read -r line; do
			case "$line" in
			"PASS "*) PASSN=$((PASSN + 1)); say "PASS vm[$name] ${line#PASS }" ;;
			"FAIL "*) FAILN=$((FAILN + 1)); say "FAIL vm[$name] ${line#FAIL }" ;;
			esac
		done <"$out/log"
	else
		fail "$name: guest checks" "the guest recorded no check; console tail: $(tail -c 600 "$out/console" | tr '\n' ' ')"
	fi
	st=$(cat "$out/status")
	[ "$st" = 0 ] && pass "$name: guest script exit 0" || fail "$name: guest script" "exit $st"
	echo "vm: $name: $(cat "$out/boot" 2>/dev/null | sed 's/^vm-init: //'); guest done in $secs s"
	[ -s "$out/topo.txt" ] && grep -v 'warning: timer' "$out/topo.txt" | sed "s/^/vm: $name topo | /"
	[ "$7" = placement ] && check_report "$name" "$out"
}

# ---- checks here, on what came back ----
check_report() {  # the report the guest made: every CSV, the figures, report.md
	r=$2/report
	if [ ! -s "$r/report.md" ]; then
		fail "$1: report.md came back" "missing in $r: $(ls "$r" 2>&1 | head -c 300)"
		return
	fi
	pass "$1: report.md came back"
	bad=$(python3 tests/vm/check_results.py "$r" 2>&1)
	if [ -n "$bad" ]; then fail "$1: report's CSVs and figures" "$bad"; else pass "$1: report's CSVs and figures"; fi
}

only=" $* "
echo "$SHAPES" | while read -r name s c t n v what; do
	[ -n "$name" ] || continue
	[ "$only" = "  " ] || case "$only" in *" $name "*) ;; *) continue ;; esac
	echo "$name $s $c $t $n $v $what"
done >"$WORK/shapes"
while read -r name s c t n v what; do
	boot "$name" "$s" "$c" "$t" "$n" "$v" "$what"
done <"$WORK/shapes"
echo "vm: all guests in $(( $(date +%s) - t0 )) s"
finish
