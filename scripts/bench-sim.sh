#!/usr/bin/env bash
# The simulator's own speed on its two reference runs (scenarios/bench), each run several
# times: every run's figures, then the median of each over the runs that finished.
#
#   scripts/bench-sim.sh BIN
#
# Environment:
#   BENCH_SIM_RUNS      runs of each reference run (default 3); a shared machine's timings
#                       of one run vary by half or more, so one run says little
#   BENCH_SIM_DURATION  simulated time of each run instead of the scenario's 60 s (e.g. 10s)
#   BENCH_SIM_SHARDS    shards (threads) of each run (default 2)
#   BENCH_SIM_B_LIMITS  run (b)'s targets as limits (default --wall-limit 5m --memory-limit 4GiB):
#                       a run stopped at one says how far it got, and the summary gives the
#                       median simulated time reached
#
# Exit status: 0 every run finished or stopped at its limits; 2 bad input (a flag, a
# duration); 3 a run failed otherwise.
set -uo pipefail

cd "$(dirname "$0")/.."

BIN=${1:?usage: scripts/bench-sim.sh BIN}
RUNS=${BENCH_SIM_RUNS:-3}
SHARDS=${BENCH_SIM_SHARDS:-2}
B_LIMITS=${BENCH_SIM_B_LIMITS:---wall-limit 5m --memory-limit 4GiB}
DURATION=${BENCH_SIM_DURATION:-}

[ -x "$BIN" ] || { echo "bench-sim: $BIN not found; build it first" >&2; exit 2; }
case $RUNS in ''|*[!0-9]*|0) echo "bench-sim: BENCH_SIM_RUNS must be a positive whole number (got '$RUNS')" >&2; exit 2;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/bench-sim.db
status=0

# The median of the numbers on standard input (the mean of the middle two for an even count).
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; m = int((NR + 1) / 2); printf "%.10g\n", (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}

echo "build: $BIN · $RUNS run(s) of each · $SHARDS shard(s)"
for file in scenarios/bench/sim-a-lan-1000.json scenarios/bench/sim-b-wan-10000.json; do
    limits=""
    case $file in *sim-b-*) limits=$B_LIMITS;; esac
    echo "$file"
    : > "$work/figures"
    : > "$work/reached"
    for run in $(seq 1 "$RUNS"); do
        # shellcheck disable=SC2086  # the limits are several arguments
        "$BIN" run "$file" --db "$db" --shards "$SHARDS" ${DURATION:+--duration "$DURATION"} $limits \
            > "$work/out" 2> "$work/err"
        code=$?
        if [ "$code" -eq 0 ]; then
            "$BIN" show latest --db "$db" \
                | awk '$1 ~ /^(sim\.(events|eventsPerSecond|wallSeconds|speedup|rssMB)|digest)$/ { print $1, $2 }' > "$work/run"
            printf '  run %d:' "$run"
            # The digest shortened, last: the same scenario and seed give the same digest.
            awk '$1 != "digest" { printf " %s %s", $1, $2 } $1 == "digest" { d = substr($2, 1, 16) } END { print " digest " d "…" }' "$work/run"
            cat "$work/run" >> "$work/figures"
        elif stopped=$(cat "$work/out" "$work/err" | grep -m1 ': stopped at the '); then
            echo "  run $run: ${stopped#*: }"
            # "… stopped at the memory limit (4GiB): 1.315 of 60 s simulated in …"
            echo "$stopped" | sed -n 's/.*): \([0-9.]*\) of .*/\1/p' >> "$work/reached"
        elif [ "$code" -eq 2 ]; then
            cat "$work/err" >&2       # bad input: the same for every run
            exit 2
        else
            echo "  run $run failed (exit $code):"
            sed 's/^/    /' "$work/err" | tail -5
            status=3
        fi
    done
    finished=$(awk '$1 == "sim.events"' "$work/figures" | wc -l)
    if [ "$finished" -gt 0 ]; then
        printf '  median of %d:' "$finished"
        for name in sim.events sim.eventsPerSecond sim.wallSeconds sim.speedup sim.rssMB; do
            printf ' %s %s' "$name" "$(awk -v n="$name" '$1 == n { print $2 }' "$work/figures" | median)"
        done
        echo
    fi
    stops=$(wc -l < "$work/reached")
    if [ "$stops" -gt 0 ]; then
        echo "  stopped $stops time(s); median simulated seconds reached: $(median < "$work/reached")"
    fi
done
exit "$status"
