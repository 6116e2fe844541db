#!/bin/sh
# textfile-collector.sh: a fleet's coherence costs in Prometheus, through
# node_exporter's textfile collector.  Run it from cron (say nightly, when
# the node is idle) on every node:
#
#   0 3 * * *  root  /usr/share/doc/cachepong/examples/textfile-collector.sh
#
# It measures the standard report within a budget, then writes the metrics
# atomically where node_exporter reads them (its --collector.textfile.directory;
# Debian's prometheus-node-exporter reads /var/lib/prometheus/node-exporter).
set -eu
TEXTFILE_DIR=${TEXTFILE_DIR:-/var/lib/prometheus/node-exporter}
RESULTS=${RESULTS:-/var/lib/cachepong}
BUDGET=${BUDGET:-5m}

mkdir -p "$RESULTS"
dir=$RESULTS/$(hostname)-$(date -u +%Y%m%dT%H%M%SZ)
cachepong report --budget "$BUDGET" --dir "$dir" >/dev/null
# --out writes a temporary file and renames it: the collector never reads half a file
cachepong export "$dir" --format openmetrics --out "$TEXTFILE_DIR/cachepong.prom"
