#!/usr/bin/env bash
# What a property costs at the county, per host: a first comprehensive run over N sampled
# APNs at the default settings (rates lifted: requests are counted here, not timed), the same
# parcels again (a refresh: documents and sales steps come from the cache), then M of them at
# the true defaults (2 requests per second per host), timed.
# Usage: benches/recorder.sh [N] [M]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}
M=${2:-50}
MPS=target/release/mps
[ -x "$MPS" ] || cargo build --release --locked
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_STATE_HOME="$work/state"

{ echo apn; "$MPS" sim --sample "$N"; } >"$work/apns.csv"
head -n "$((M + 1))" "$work/apns.csv" >"$work/defaults.csv"
LIFT="--rate assessor=0 --rate treasurer=0 --rate recorder=0 --concurrency assessor=8
  --concurrency treasurer=8 --concurrency recorder=8 --workers 16"
run() { # NAME INPUT [ARGS...]
  local name=$1 input=$2
  shift 2
  "$MPS" batch --sim --input "$input" --mode comprehensive --progress none -q \
    --summary-json "$work/$name.json" "$@" >"$work/$name.jsonl"
}
# shellcheck disable=SC2086
run first "$work/apns.csv" $LIFT
# shellcheck disable=SC2086
run refresh "$work/apns.csv" $LIFT
XDG_STATE_HOME="$work/fresh-state" run defaults "$work/defaults.csv"

python3 - "$work" "$N" "$M" <<'PY'
import json, sys
work, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    return json.load(open(f"{work}/{name}.json"))
def docs_fetched(name):
    # /documents/{n} reads = Recorder requests that were not search pages: counted from the
    # records' documents blocks is not possible, so the cache counters stand in: misses.
    c = load(name).get("cache") or {}
    return c.get("document_misses", 0)
print(f"Requests per property, comprehensive, {n} sampled APNs (mps sim, seed 42):")
print("| run | assessor | treasurer | recorder | documents read | cache hits (docs / steps) | requests saved | wall |")
print("|---|---|---|---|---|---|---|---|")
for name, label in [("first", "first run"), ("refresh", "refresh (same parcels)")]:
    s = load(name)
    per = s["requests_per_row"]
    c = s.get("cache") or {}
    print(f"| {label} | {per.get('assessor', 0):.2f} | {per.get('treasurer', 0):.2f} | "
          f"{per.get('recorder', 0):.2f} | {docs_fetched(name)} | "
          f"{c.get('document_hits', 0)} / {c.get('link_hits', 0)} | {c.get('requests_saved', 0)} | "
          f"{s['wall_seconds']:.1f} s |")
s = load("defaults")
per = s["requests_per_row"]
print(f"\n{m} properties at the true defaults (2 requests/s per host, fresh cache): "
      f"wall {s['wall_seconds']:.1f} s; per property: assessor {per.get('assessor', 0):.2f}, "
      f"treasurer {per.get('treasurer', 0):.2f}, recorder {per.get('recorder', 0):.2f}; "
      f"rows {s['by_status']}")
PY
