#!/usr/bin/env bash
# PostgreSQL write rate: binary COPY + one upsert per table against a row-at-a-time upsert,
# on synthetic parcels (1 property + 5 valuations each), in one run. Needs the local cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-5000}
pg_ctlcluster 15 main start 2>/dev/null || true
runuser -u postgres -- createuser --superuser root 2>/dev/null || true
runuser -u postgres -- createdb -O root mps_bench 2>/dev/null || true
cargo run --release --locked --quiet --features bench --example bench_postgres -- \
  "host=/var/run/postgresql user=root dbname=mps_bench" "$ROWS"
