#!/bin/sh
# deps.sh build|test: install the Debian packages cachepong needs when they
# are missing.  Prints the exact apt-get command; stops with a clear message
# where it cannot install (not root, not Debian).
set -u
BUILD_PKGS="gcc make pkg-config libhwloc-dev libjansson-dev libnuma-dev libpapi-dev likwid gnuplot-nox python3"
TEST_PKGS="libcmocka-dev procps hwloc-nox papi-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
	clang libclang-rt-dev bc qemu-system-x86 busybox-static mount munge slurmctld slurmd slurm-client
	python3-jsonschema prometheus bash-completion build-essential debhelper dpkg-dev lintian"
# what `make deb` needs besides the build's
DEB_PKGS="build-essential debhelper dpkg-dev"

case "${1:-build}" in
build) pkgs=$BUILD_PKGS ;;
test)  pkgs=$TEST_PKGS ;;
deb)   pkgs=$DEB_PKGS ;;
*) echo "deps.sh: unknown set '$1': allowed: build, test, deb" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system (no dpkg-query): install the equivalents of: $pkgs" >&2
	exit 0
fi
missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "deps: installing:$missing" >&2
echo "deps: apt-get update && $cmd" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >&2 || ! $cmd >&2; then
	echo "deps: apt-get failed; run by hand: apt-get update && $cmd" >&2
	exit 1
fi
