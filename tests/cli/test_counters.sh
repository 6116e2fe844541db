#!/bin/sh
# test_counters.sh: `cachepong counters list` - what can be counted here and
# why not, the exit rule (some counted: 0, none: 3), likwid's "not available".
. "$(dirname "$0")/lib.sh"

expect_exit list-default 0 'perf +page-faults +page-faults +yes' $CP counters list --format table
expect_exit list-json 0 '"countable": [1-9]' $CP counters list --format json
expect_exit list-csv 0 '^backend,event,name,available,reason' $CP counters list --format csv
expect_exit some-counted 0 'page-faults,page-faults,yes' \
	$CP counters list --counters perf --events cycles,page-faults --format csv
expect_exit auto-perf 0 '^perf,page-faults' $CP counters list --events page-faults --format csv
expect_exit bad-backend 2 "--counters.*'perfmon'" $CP counters list --counters perfmon
expect_exit bad-event 2 "'nope' is not a perf event" $CP counters list --counters perf --events page-faults,nope
expect_exit bad-word 2 "unexpected word 'show'" $CP counters show
expect_exit group-not-likwid 2 'groups are likwid' $CP counters list --counters perf --group L3

# No hardware PMU here (a VM without vPMU): hardware events are unavailable
# with that reason, and a list of only those exits 3.
if [ ! -e /sys/bus/event_source/devices/cpu ] && [ ! -e /sys/bus/event_source/devices/cpu_core ]; then
	expect_exit hw-why 0 'cycles,cycles,no,"no hardware PMU' \
		$CP counters list --counters perf --events cycles,page-faults --format csv
	expect_exit none-counted 3 'not available on this machine: none of the events' \
		$CP counters list --counters perf --events cycles,instructions
	expect_exit papi-no-pmu 3 "perf_event component is disabled here" \
		$CP counters list --counters papi --events PAPI_L1_DCM,perf::PAGE-FAULTS
fi

# likwid: without MSR device files it cannot count; it must say so, exit 3.
if [ ! -e /dev/cpu/0/msr ]; then
	expect_exit likwid-unavail 3 'not available on this machine: likwid (cannot count here|was not built in|backend likwid)' \
		$CP counters list --counters likwid --group L3
fi
finish
