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
#   BENCH_SIM_AGAINST   another cretoscale build to compare BIN with: each run of BIN is
#                       paired with a run of it, the two taken in turns (which goes first
#                       alternates), and the summary gives the median ratio of their times
#                       per simulated second (BIN ÷ it) with its range. On a shared machine
#                       whose speed drifts by a third from one hour to the next, pairs show
#                       a difference that medians taken an hour apart cannot.
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

AGAINST=${BENCH_SIM_AGAINST:-}

[ -x "$BIN" ] || { echo "bench-sim: $BIN not found; build it first" >&2; exit 2; }
[ -z "$AGAINST" ] || [ -x "$AGAINST" ] || { echo "bench-sim: BENCH_SIM_AGAINST: $AGAINST not found" >&2; exit 2; }
case $RUNS in ''|*[!0-9]*|0) echo "bench-sim: BENCH_SIM_RUNS must be a positive whole number (got '$RUNS')" >&2; exit 2;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/bench-sim.db
status=0

# The median of the numbers on standard input (the mean of the middle two for an even count).
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; m = int((NR + 1) / 2); printf "%.10g\n", (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}

# Runs `$1` on scenario `$2` once, prints its line (prefix `$3`) and appends its figures to
# $work/figures, or its simulated seconds reached to $work/reached when a limit stopped it;
# leaves its speed (simulated ÷ wall time) in $work/speedup either way, empty when it failed.
one_run() {
    local bin=$1 file=$2 label=$3 limits="" code stopped
    case $file in *sim-b-*) limits=$B_LIMITS;; esac
    : > "$work/speedup"
    # shellcheck disable=SC2086  # the limits are several arguments
    "$bin" run "$file" --db "$db" --shards "$SHARDS" ${DURATION:+--duration "$DURATION"} $limits \
        > "$work/out" 2> "$work/err"
    code=$?
    if [ "$code" -eq 0 ]; then
        "$bin" show latest --db "$db" \
            | awk '$1 ~ /^(sim\.(events|eventsPerSecond|wallSeconds|speedup|rssMB)|digest)$/ { print $1, $2 }' > "$work/run"
        printf '  %s:' "$label"
        # The digest shortened, last: the same scenario and seed give the same digest.
        awk '$1 != "digest" { printf " %s %s", $1, $2 } $1 == "digest" { d = substr($2, 1, 16) } END { print " digest " d "…" }' "$work/run"
        awk '$1 == "sim.speedup" { print $2 }' "$work/run" > "$work/speedup"
        [ "$label" = "${label#against}" ] && cat "$work/run" >> "$work/figures"
    elif stopped=$(cat "$work/out" "$work/err" | grep -m1 ': stopped at the '); then
        echo "  $label: ${stopped#*: }"
        # "… stopped at the memory limit (4GiB): 1.315 of 60 s simulated in 35.2 s of wall time (0.037× real time), …"
        echo "$stopped" | sed -n 's/.*(\([0-9.e-]*\)× real time).*/\1/p' > "$work/speedup"
        [ "$label" = "${label#against}" ] && echo "$stopped" | sed -n 's/.*): \([0-9.]*\) of .*/\1/p' >> "$work/reached"
    elif [ "$code" -eq 2 ]; then
        cat "$work/err" >&2       # bad input: the same for every run
        exit 2
    else
        echo "  $label failed (exit $code):"
        sed 's/^/    /' "$work/err" | tail -5
        status=3
    fi
}

# Prints whether reference run `$1` met its target on this machine, from the medians of its
# `$2` finished runs and its `$3` runs stopped at a limit: (a) faster than real time; (b) done
# within 5 minutes of wall time and 4 GiB of resident memory. A figure, not a test: the exit
# status does not depend on it. Shortened runs are not judged (the targets are for 60 s).
target() {
    local file=$1 finished=$2 stops=$3 speed wall rss verdict
    if [ -n "$DURATION" ]; then
        echo "  target: not judged (runs shortened to $DURATION; the targets are for the full run)"
        return
    fi
    case $file in
    *sim-a-*)
        [ "$finished" -gt 0 ] || { echo "  target: faster than real time: no run finished"; return; }
        speed=$(awk '$1 == "sim.speedup" { print $2 }' "$work/figures" | median)
        verdict=$(awk -v s="$speed" 'BEGIN { print (s >= 1) ? "met" : "not met" }')
        echo "  target: faster than real time (sim.speedup at least 1): median ${speed}× real time: $verdict"
        ;;
    *sim-b-*)
        if [ "$stops" -gt 0 ]; then
            echo "  target: within 5 minutes and 4 GiB: not met (stopped at a limit in $stops of $((stops + finished)) run(s))"
            return
        fi
        [ "$finished" -gt 0 ] || { echo "  target: within 5 minutes and 4 GiB: no run finished"; return; }
        wall=$(awk '$1 == "sim.wallSeconds" { print $2 }' "$work/figures" | median)
        rss=$(awk '$1 == "sim.rssMB" { print $2 }' "$work/figures" | median)
        verdict=$(awk -v w="$wall" -v r="$rss" 'BEGIN { print (w <= 300 && r <= 4096) ? "met" : "not met" }')
        echo "  target: within 5 minutes and 4 GiB: median ${wall} s and ${rss} MiB: $verdict"
        ;;
    esac
}

echo "build: $BIN · $RUNS run(s) of each · $SHARDS shard(s)${AGAINST:+ · paired with $AGAINST}"
for file in scenarios/bench/sim-a-lan-1000.json scenarios/bench/sim-b-wan-10000.json; do
    echo "$file"
    : > "$work/figures"
    : > "$work/reached"
    : > "$work/ratios"
    for run in $(seq 1 "$RUNS"); do
        if [ -z "$AGAINST" ]; then
            one_run "$BIN" "$file" "run $run"
            continue
        fi
        # Which build goes first alternates, so that a machine speeding up or slowing down
        # during the runs favours neither.
        if [ $((run % 2)) -eq 1 ]; then
            one_run "$AGAINST" "$file" "against $run"; theirs=$(cat "$work/speedup")
            one_run "$BIN" "$file" "run $run"; ours=$(cat "$work/speedup")
        else
            one_run "$BIN" "$file" "run $run"; ours=$(cat "$work/speedup")
            one_run "$AGAINST" "$file" "against $run"; theirs=$(cat "$work/speedup")
        fi
        # Time per simulated second, this build's over the other's (none when either run
        # failed or simulated nothing).
        ratio=$(awk -v a="${theirs:-0}" -v b="${ours:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.4f\n", a / b }')
        if [ -n "$ratio" ]; then
            echo "$ratio" >> "$work/ratios"
            echo "  pair $run: time ratio $ratio"
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
    target "$file" "$finished" "$stops"
    pairs=$(wc -l < "$work/ratios")
    if [ "$pairs" -gt 0 ]; then
        echo "  time per simulated second against the other build, median of $pairs pair(s): $(median < "$work/ratios")" \
            "(range $(sort -g "$work/ratios" | head -1)–$(sort -g "$work/ratios" | tail -1); below 1 is faster)"
    fi
done
exit "$status"
