#!/usr/bin/env bash
# How long `--resume` takes to skip finished rows: a job of N rows runs to the end against
# the simulator, then `--resume` of that job reads the ledger, reconciles the output and
# skips every row.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
MPS=target/release/mps
[ -x "$MPS" ] || cargo build --release --locked
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_STATE_HOME="$work/state"
{ echo apn; "$MPS" sim --sample "$N"; } >"$work/apns.csv"
start=$(date +%s.%N)
"$MPS" batch --sim --input "$work/apns.csv" --mode validate --rate assessor=0 --concurrency assessor=32 \
  --workers 32 --progress none --output "$work/out.jsonl" 2>"$work/first.err"
first=$(echo "$(date +%s.%N) - $start" | bc)
id=$(grep -o 'job [^ ]*' "$work/first.err" | head -1 | cut -d' ' -f2)
start=$(date +%s.%N)
"$MPS" batch --sim --resume "$id" --progress none 2>"$work/resume.err"
resume=$(echo "$(date +%s.%N) - $start" | bc)
echo "resume: $N finished rows skipped in ${resume}s (the job itself took ${first}s)"
tail -3 "$work/resume.err"
