#!/usr/bin/env bash
# Workers coordinated through PostgreSQL: rows per second with 1, 2 and 4 `mps worker`
# processes on one queued property job, against a fast `mps sim` (no latency, no rate limit),
# and the database transactions each row costs (claims, the journal's batched writes, the
# heartbeats), read from pg_stat_database. Needs the local cluster (as benches/postgres.sh).
# ROWS (default 5000) rows per run; WORKER_THREADS (default 16) rows in flight per worker;
# LATENCY (default 0) the simulator's latency in ms (50: each worker bound by its rows in
# flight, so that workers add throughput until the machine's CPU runs out).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-5000}
THREADS=${WORKER_THREADS:-16}
LATENCY=${LATENCY:-0}
MPS=$PWD/target/release/mps
[ -x "$MPS" ] || cargo build --release --locked
pg_ctlcluster 15 main start 2>/dev/null || true
runuser -u postgres -- createuser --superuser root 2>/dev/null || true
DB=mps_workers_bench
URL="host=/var/run/postgresql user=root dbname=$DB"
work=$(mktemp -d)
SIM_PID=
trap '[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null; rm -rf "$work"' EXIT
"$MPS" sim --port 0 --latency "$LATENCY" >"$work/exports" 2>/dev/null &
SIM_PID=$!
for _ in $(seq 200); do grep -q MPS_RECORDER_WEB_URL "$work/exports" 2>/dev/null && break; sleep 0.05; done
# shellcheck disable=SC1091
source "$work/exports"
export MPS_ASSESSOR_URL MPS_ASSESSOR_TOKEN MPS_TREASURER_URL MPS_RECORDER_URL MPS_RECORDER_WEB_URL
export XDG_STATE_HOME=$work/state
{ echo apn; "$MPS" sim --sample "$ROWS"; } >"$work/apns.csv"
commits() { psql -X -A -t -d "$URL" -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$DB'"; }
echo "mps workers bench: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -srm), $(nproc) cores, $ROWS property rows, $THREADS rows in flight per worker, simulator latency $LATENCY ms" >&2
printf '%-8s %-10s %-12s %-14s %s\n' workers wall_s rows_per_s vs_1_worker transactions_per_row
for n in 1 2 4; do
  runuser -u postgres -- dropdb --if-exists "$DB" >/dev/null
  runuser -u postgres -- createdb -O root "$DB"
  job=$("$MPS" batch --enqueue --database-url "$URL" --input "$work/apns.csv" --rate assessor=0 \
    --concurrency assessor=64 --workers "$THREADS" --no-cache -q)
  before=$(commits)
  start=$(date +%s.%N)
  pids=()
  for _ in $(seq "$n"); do "$MPS" worker --database-url "$URL" -q & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  end=$(date +%s.%N)
  after=$(commits)
  done_rows=$(psql -X -A -t -d "$URL" -c "SELECT count(*) FROM job_items WHERE job_id = '$job' AND source = 'row' AND state = 'ok'")
  [ "$done_rows" = "$ROWS" ] || echo "workers bench: only $done_rows of $ROWS rows ok with $n workers" >&2
  python3 - "$n" "$start" "$end" "$ROWS" "$before" "$after" "$work/base" <<'PY'
import os, sys
n, start, end, rows, before, after, base_file = sys.argv[1:]
wall = float(end) - float(start)
rate = int(rows) / wall
if not os.path.exists(base_file):
    open(base_file, "w").write(str(rate))
base = float(open(base_file).read())
print(f"{n:<8} {wall:<10.2f} {rate:<12.0f} {rate / base:<14.2f} {(int(after) - int(before)) / int(rows):.2f}")
PY
done
