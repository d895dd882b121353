#!/usr/bin/env bash
# Politeness efficiency of a `property` batch: wall time against its lower bound
# (requests / rate), with the simulator enforcing the limit (429 above it) and adding latency.
# Usage: benches/politeness.sh [ROWS] [RATE] [LATENCY_MS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000}
RATE=${2:-100}
LATENCY=${3:-50}
MPS=target/release/mps
[ -x "$MPS" ] || cargo build --release --locked
work=$(mktemp -d)
trap 'kill "$SIM_PID" 2>/dev/null || true; rm -rf "$work"' EXIT

"$MPS" sim --port 0 --latency "$LATENCY" --limit "assessor=$RATE" >"$work/exports" 2>/dev/null &
SIM_PID=$!
for _ in $(seq 100); do grep -q MPS_ASSESSOR_TOKEN "$work/exports" 2>/dev/null && break; sleep 0.05; done
# shellcheck disable=SC1091
source "$work/exports"
export MPS_ASSESSOR_URL MPS_ASSESSOR_TOKEN

{ echo apn; "$MPS" sim --sample "$ROWS"; } >"$work/apns.csv"
"$MPS" batch --input "$work/apns.csv" --mode property --rate "assessor=$RATE" \
  --concurrency assessor=32 --workers 32 --progress none \
  --summary-json "$work/summary.json" >"$work/out.jsonl" 2>"$work/err.txt"
curl -s "${MPS_ASSESSOR_URL}/__sim/stats" >"$work/stats.json" 2>/dev/null || true

python3 - "$work/summary.json" "$work/stats.json" "$RATE" "$LATENCY" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
try:
    st = json.load(open(sys.argv[2]))["sources"]["assessor"]
except Exception:
    st = {}
rate, lat = float(sys.argv[3]), sys.argv[4]
req = s["hosts"]["assessor"]["requests"]
wall = s["wall_seconds"]
bound = req / rate
print(f"property batch: {s['rows']} rows, {req} requests, sim latency {lat} ms, limit {rate:g}/s")
print(f"  wall {wall:.2f} s, lower bound {bound:.2f} s (requests / rate)")
print(f"  politeness efficiency {bound / wall:.3f} (target >= 0.95)")
print(f"  status 429 seen by sim: {st.get('status_429', '?')}, max requests in any 1 s: {st.get('max_requests_in_1s', '?')}")
print(f"  rows by status: {s['by_status']}")
PY
