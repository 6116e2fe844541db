# lib.sh: sourced by tests/cli/test_*.sh.  Each check records one line in
# $CP_TEST_LOG ("PASS name" / "FAIL name: why"); tests/run.sh counts them.
#
#   expect_exit NAME CODE REGEX cmd args...  pass when cmd exits CODE and its
#                                            stdout+stderr match the ERE REGEX ('' = anything)
#   check NAME cmd args...                   pass when cmd exits 0
#   ok NAME / notok NAME WHY                 record a result directly
#   $CP    binary under test (default build/cachepong; tests/run.sh also runs
#          the files with the asan and tsan builds)
#   $ROOT  the checkout, $TOPO its tests/topologies, $TMP a private temp dir
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
TOPO=$ROOT/tests/topologies
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-test.XXXXXX")
CP_TEST_LOG=${CP_TEST_LOG:-/dev/null}
_T_FILE="$(basename "$0" .sh)${CP_SAN:+[$CP_SAN]}"
_T_PASS=0
_T_FAIL=0
trap '_json_check; rm -rf "$TMP"' EXIT

# A python3 that has jsonschema (Debian's python3-jsonschema is for
# /usr/bin/python3; a python3 first on PATH may lack it), or nothing.
json_python() {
	for _p in python3 /usr/bin/python3; do
		if command -v "$_p" >/dev/null 2>&1 && "$_p" -c 'import jsonschema' 2>/dev/null; then
			echo "$_p"
			return 0
		fi
	done
}

# Every JSON file and results CSV a test file wrote under $TMP validates
# against the schemas the build wrote (build/schema, `cachepong schema`),
# checked once as the file ends: one PASS or FAIL line.
_json_check() {
	[ -n "$(find "$TMP" \( -name '*.json' -o -name '*.csv' \) -print 2>/dev/null | head -1)" ] || return 0
	_py=$(json_python)
	_sch=$ROOT/build/schema
	if [ -z "$_py" ]; then
		notok "its JSON files validate against the schemas" "python3-jsonschema missing: run make deps-test"
	elif [ ! -s "$_sch/results.schema.json" ]; then
		notok "its JSON files validate against the schemas" "no $_sch/results.schema.json: run make"
	elif _out=$("$_py" "$ROOT/tools/check_json.py" "$_sch" "$TMP" 2>&1); then
		ok "its JSON files validate against the schemas ($(printf '%s' "$_out" | tail -1))"
	else
		notok "its JSON files validate against the schemas" "$(printf '%s' "$_out" | head -c 600)"
	fi
}

ok() {
	_T_PASS=$((_T_PASS + 1))
	echo "PASS $_T_FILE: $1" >>"$CP_TEST_LOG"
	[ -n "${VERBOSE:-}" ] && echo "PASS $_T_FILE: $1"
	return 0
}

notok() {
	_T_FAIL=$((_T_FAIL + 1))
	echo "FAIL $_T_FILE: $1: $2" >>"$CP_TEST_LOG"
	echo "FAIL $_T_FILE: $1: $2" >&2
	return 0
}

expect_exit() {
	_name=$1 _code=$2 _re=$3
	shift 3
	_out=$("$@" 2>&1 </dev/null)
	_rc=$?
	if [ "$_rc" != "$_code" ]; then
		notok "$_name" "exit $_rc, expected $_code; output: $(printf '%s' "$_out" | head -c 400)"
	elif [ -n "$_re" ] && ! printf '%s' "$_out" | grep -Eq -- "$_re"; then
		notok "$_name" "output does not match /$_re/: $(printf '%s' "$_out" | head -c 400)"
	else
		ok "$_name"
	fi
}

check() {
	_name=$1
	shift
	if _out=$("$@" 2>&1 </dev/null); then
		ok "$_name"
	else
		notok "$_name" "exit $?: $(printf '%s' "$_out" | head -c 400)"
	fi
}

# What a run may leak, one sorted line each: SysV segments, /dev/shm
# objects, processes of the binary, temporary files under . and $TMP.
# Compare a snapshot before and after.
leak_snapshot() {
	{
		awk 'NR > 1 { print "sysv", $2 }' /proc/sysvipc/shm 2>/dev/null
		ls /dev/shm 2>/dev/null | sed 's/^/shm /'
		pgrep -f "^$CP " | sed 's/^/proc /'
		find . "$TMP" -name '*.tmp.*' 2>/dev/null | sed 's/^/tmp /'
	} | sort -u
}

finish() {
	echo "$_T_FILE: $_T_PASS passed, $_T_FAIL failed" >&2
	exit 0
}
