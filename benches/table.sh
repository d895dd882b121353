#!/usr/bin/env bash
# The `make bench` table: each figure a ratio measured in one run against `mps sim` on
# loopback (release build), printed and written with the date and the machine to
# BENCHMARKS.md. Sizes are environment variables, so a quick run and a full one use one
# script: BENCH_ROWS (politeness batch, default 2000), BENCH_RATE (its per-host limit,
# default 50), BENCH_BIG (rows of the large RSS run, default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${BENCH_ROWS:-2000}
RATE=${BENCH_RATE:-50}
BIG=${BENCH_BIG:-100000}
MPS=$PWD/target/release/mps
[ -x "$MPS" ] || cargo build --release --locked
work=$(mktemp -d)
SIM_PID=
trap 'stop_sim; rm -rf "$work"' EXIT

# Starts `mps sim` with the given flags and exports its URLs.
start_sim() {
  "$MPS" sim --port 0 "$@" >"$work/exports" 2>/dev/null &
  SIM_PID=$!
  for _ in $(seq 200); do grep -q MPS_RECORDER_WEB_URL "$work/exports" 2>/dev/null && break; sleep 0.05; done
  # shellcheck disable=SC1091
  source "$work/exports"
  export MPS_ASSESSOR_URL MPS_ASSESSOR_TOKEN MPS_TREASURER_URL MPS_RECORDER_URL MPS_RECORDER_WEB_URL
  SIM_BASE=${MPS_ASSESSOR_URL%/assessor}
}
stop_sim() { [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=; }
sample() { { echo apn; "$MPS" sim --sample "$1"; } >"$work/apns-$1.csv"; echo "$work/apns-$1.csv"; }
# Runs a command under /usr/bin/time; its wall, user, sys and max RSS (KiB) go to $1.
timed() { local out=$1; shift; /usr/bin/time -f "%e %U %S %M" -o "$out" "$@"; }
calc() { python3 -c "print($1)"; }
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
# mps batch without a state or cache left from another run.
export XDG_STATE_HOME=$work/state
rows=()
# Runs of mps that did not exit 0, named; listed under the table, so that a figure measured
# on a failing run is never passed off as a clean one.
exits=()
note_exit() { exits+=("$1 exited $2"); echo "mps bench: $1 exited $2" >&2; }
row() { rows+=("| $1 | $2 | $3 |"); printf '%-58s %-14s %s\n' "$1" "$2" "$3"; }

echo "mps bench: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -srm), $(nproc) cores" >&2

# 1. Politeness: a comprehensive batch against a simulator enforcing the limits.
start_sim --latency 20 --limit "assessor=$RATE" --limit "treasurer=$RATE" --limit "recorder=$RATE"
in=$(sample "$ROWS")
"$MPS" batch --input "$in" --mode comprehensive --no-cache --progress none -o /dev/null \
  --rate "assessor=$RATE" --rate "treasurer=$RATE" --rate "recorder=$RATE" \
  --concurrency assessor=8 --concurrency treasurer=8 --concurrency recorder=8 --workers 32 \
  --summary-json "$work/pol.json" 2>/dev/null || note_exit "politeness run" $?
curl -s "$SIM_BASE/__sim/stats" >"$work/pol-stats.json"
stop_sim
eff=$(python3 - "$work/pol.json" "$work/pol-stats.json" "$RATE" <<'PY'
import json, sys
s, st, rate = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["sources"], float(sys.argv[3])
bound = max(h["requests"] for h in s["hosts"].values()) / rate
n429 = sum(v["status_429"] for v in st.values())
peak = max(v["max_requests_in_1s"] for v in st.values())
print(f"{bound / s['wall_seconds']:.3f} {n429} {peak}")
PY
)
read -r e429 n429 peak <<<"$eff"
row "politeness efficiency, $ROWS comprehensive rows at $RATE req/s" "$e429" "target >= 0.95; $n429 provoked 429; max $peak requests in 1 s (limit $RATE + burst 2)"

# 2. Latency-bound throughput: records/s against workers / latency, beside the
# simulator's own ceiling measured the same way by a plain HTTP load (the Python peer).
start_sim --latency 50
for w in 16 64 256; do
  n=$((w * 20))
  in=$(sample "$n")
  timed "$work/t-mps-$w" "$MPS" batch --input "$in" --rate assessor=0 --concurrency assessor="$w" \
    --workers "$w" --no-cache --progress none -o /dev/null 2>/dev/null || note_exit "throughput run, $w workers" $?
  timed "$work/t-peer-$w" python3 benches/peers/collector.py "$in" 0 "$w" >/dev/null
  m=$(calc "$n / $(cut -d' ' -f1 "$work/t-mps-$w") / ($w / 0.05)")
  p=$(calc "$n / $(cut -d' ' -f1 "$work/t-peer-$w") / ($w / 0.05)")
  row "latency-bound throughput, $w workers, 50 ms latency" "$(printf %.2f "$m")" "plain HTTP load on the same simulator: $(printf %.2f "$p") (target: mps >= 0.9 of the lower)"
done
stop_sim

# 3. Transient faults: 10 % of requests (every kind) against a fault-free run.
cfg=$work/t2.yaml
printf 'http:\n  timeout: 2s\n' >"$cfg"
in=$(sample 1000)
start_sim --latency 20
timed "$work/t-clean" "$MPS" batch --config "$cfg" --input "$in" --rate assessor=100 --concurrency assessor=32 \
  --workers 32 --no-cache --progress none -o /dev/null --summary-json "$work/clean.json" 2>/dev/null || note_exit "fault-free run" $?
stop_sim
start_sim --scenario config/sim/faults.yaml --hang 3000
timed "$work/t-faults" "$MPS" batch --config "$cfg" --input "$in" --rate assessor=100 --concurrency assessor=32 \
  --workers 32 --no-cache --progress none -o /dev/null --summary-json "$work/faults.json" 2>/dev/null || note_exit "fault run" $?
stop_sim
okshare=$(field "$work/faults.json" success_rate)
ratio=$(calc "$(cut -d' ' -f1 "$work/t-faults") / $(cut -d' ' -f1 "$work/t-clean")")
row "10 % transient faults, 1000 property rows: rows ok" "$(calc "round($okshare * 100, 2)") %" "target >= 99.9 %"
row "10 % transient faults: wall against fault-free" "$(printf %.2f "$ratio")x" "target <= 1.3x"

# 4. Strategies: sequential against intelligent, comprehensive, no rate limit.
start_sim --latency 20
in=$(sample 200)
for s in intelligent sequential; do
  timed "$work/t-$s" "$MPS" batch --input "$in" --mode comprehensive --strategy "$s" --rate assessor=0 \
    --rate treasurer=0 --rate recorder=0 --concurrency assessor=16 --concurrency treasurer=16 \
    --concurrency recorder=16 --workers 16 --no-cache --progress none -o /dev/null 2>/dev/null || note_exit "$s strategy run" $?
done
row "sequential against intelligent, 200 comprehensive rows" "$(printf %.2f "$(calc "$(cut -d' ' -f1 "$work/t-sequential") / $(cut -d' ' -f1 "$work/t-intelligent")")")x" "wall time"

# 5. CPU per record and peak RSS, property mode, 64 workers, no rate limit.
for n in 10000 "$BIG"; do
  in=$(sample "$n")
  timed "$work/t-cpu-$n" "$MPS" batch --input "$in" --rate assessor=0 --concurrency assessor=64 \
    --workers 64 --no-cache --progress none -o /dev/null 2>/dev/null || note_exit "CPU/RSS run, $n rows" $?
  read -r _ u s rss <"$work/t-cpu-$n"
  if [ "$n" = 10000 ]; then row "CPU per property record, 10000 rows" "$(printf %.3f "$(calc "($u + $s) * 1000 / $n")") ms" "user + system; target <= 0.3 ms"; fi
  row "peak RSS, $n property rows, 64 workers" "$((rss / 1024)) MB" "target <= 64 MB, flat with rows"
done
stop_sim

# 6. Side by side with the Python peer at the same limit: 1000 property rows, 100 req/s.
start_sim --latency 20 --limit assessor=100
in=$(sample 1000)
timed "$work/t-m" "$MPS" batch --input "$in" --rate assessor=100 --concurrency assessor=32 --workers 32 \
  --no-cache --progress none -o /dev/null 2>/dev/null || note_exit "peer comparison run" $?
timed "$work/t-p" python3 benches/peers/collector.py "$in" 100 32 >/dev/null
stop_sim
read -r mw mu ms mr <"$work/t-m"
read -r pw pu ps pr <"$work/t-p"
row "mps against a Python thread pool, 1000 rows at 100 req/s: wall" "$(printf %.2f "$(calc "$mw / $pw")")x" "mps $mw s, peer $pw s"
row "  CPU" "$(printf %.2f "$(calc "($mu + $ms) / max($pu + $ps, 0.001)")")x" "mps $(calc "round($mu + $ms, 2)") s, peer $(calc "round($pu + $ps, 2)") s"
row "  peak RSS" "$(printf %.2f "$(calc "$mr / $pr")")x" "mps $((mr / 1024)) MB, peer $((pr / 1024)) MB"

{
  echo "# mps benchmarks"
  echo
  echo "Written by \`make bench\` (\`benches/table.sh\`): $(date -u +%Y-%m-%d), $(uname -srm), $(nproc) cores,"
  echo "release build, against \`mps sim\` on loopback. Each figure is a ratio measured in one run."
  echo
  echo "| measure | figure | notes |"
  echo "|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  if [ ${#exits[@]} -gt 0 ]; then
    echo "Runs that did not exit 0 (exit 1: some rows failed; the figures above include them):"
    printf -- '- %s\n' "${exits[@]}"
  else
    echo "Every mps run of this table exited 0."
  fi
} >BENCHMARKS.md
echo "written to BENCHMARKS.md" >&2
