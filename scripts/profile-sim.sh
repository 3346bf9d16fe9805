#!/usr/bin/env bash
# The simulator's instruction count on a short fixed run (valgrind's callgrind): the one
# figure of its speed that this shared machine repeats to the instruction, where wall time
# drifts by a third from hour to hour. Prints the run's events, instructions in all and per
# event, its digest (so that a change that should not alter the run can be seen not to),
# and the functions that execute the most instructions of their own.
#
#   scripts/profile-sim.sh BIN
#
# Environment:
#   PROFILE_SIM_SCENARIO  the scenario (default scenarios/bench/sim-a-lan-1000.json, run (a))
#   PROFILE_SIM_NODES     its node count (default 300: under a minute under callgrind)
#   PROFILE_SIM_DURATION  simulated time (default 1s; the scenario's series interval must fit)
#   PROFILE_SIM_TOP       how many functions to list (default 20)
#   PROFILE_SIM_OUT       where to keep callgrind's file for callgrind_annotate or
#                         kcachegrind (default: a temporary file, removed)
#
# The count is of the whole process: setting the run up (the nodes' engines, the event
# queue) is in it, a few per cent on the default run.
#
# Exit status: 0 done; 2 bad input or valgrind missing; 3 the run failed.
set -uo pipefail

cd "$(dirname "$0")/.."

BIN=${1:?usage: scripts/profile-sim.sh BIN}
SCENARIO=${PROFILE_SIM_SCENARIO:-scenarios/bench/sim-a-lan-1000.json}
NODES=${PROFILE_SIM_NODES:-300}
DURATION=${PROFILE_SIM_DURATION:-1s}
TOP=${PROFILE_SIM_TOP:-20}
OUT=${PROFILE_SIM_OUT:-}

[ -x "$BIN" ] || { echo "profile-sim: $BIN not found; build it first" >&2; exit 2; }
[ -f "$SCENARIO" ] || { echo "profile-sim: PROFILE_SIM_SCENARIO: $SCENARIO not found" >&2; exit 2; }
case $NODES in ''|*[!0-9]*) echo "profile-sim: PROFILE_SIM_NODES must be a whole number (got '$NODES')" >&2; exit 2;; esac
case $TOP in ''|*[!0-9]*) echo "profile-sim: PROFILE_SIM_TOP must be a whole number (got '$TOP')" >&2; exit 2;; esac
for tool in valgrind callgrind_annotate objcopy; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "profile-sim: $tool not found (Debian: apt-get install valgrind binutils)" >&2
        exit 2
    }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${OUT:-$work/callgrind.out}

# Valgrind 3.19 (Debian 12) cannot read the DWARF 5 debugging information of this
# toolchain's builds and gives up on the whole binary; a copy without it keeps the symbols
# (function names) and runs the same code.
objcopy --strip-debug "$BIN" "$work/cretoscale" || { echo "profile-sim: could not copy $BIN" >&2; exit 3; }

echo "profile-sim: $SCENARIO, $NODES nodes, $DURATION simulated, under callgrind (under a minute)"
valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$work/cretoscale" run "$SCENARIO" --nodes "$NODES" --duration "$DURATION" --warmup 0s \
    --db "$work/profile.db" > "$work/run.txt" 2> "$work/valgrind.log"
code=$?
if [ $code -ne 0 ] && [ $code -ne 1 ]; then      # 1: the scenario's own criteria, not a failure here
    echo "profile-sim: the run failed (exit $code):" >&2
    grep -v '^==' "$work/valgrind.log" | tail -5 >&2
    [ $code -eq 2 ] && exit 2
    exit 3
fi

# The run's figures, as the database keeps them; the instruction total, from callgrind's
# summary line.
"$BIN" show latest --db "$work/profile.db" \
    | awk '$1 == "sim.events" || $1 == "digest" { print $1, $2 }' > "$work/figures"
events=$(awk '$1 == "sim.events" { print $2 }' "$work/figures")
digest=$(awk '$1 == "digest" { print $2 }' "$work/figures")
total=$(awk '/^summary:/ { print $2; exit } /^totals:/ { t = $2 } END { if (t) print t }' "$out" | head -1)
if [ -z "$events" ] || [ -z "$total" ] || [ "$events" -eq 0 ]; then
    echo "profile-sim: could not read the run's events or callgrind's total" >&2
    exit 3
fi
awk -v t="$total" -v e="$events" -v d="$digest" 'BEGIN {
    printf "  events %d · instructions %.1f M · per event %.1f · digest %s\n", e, t / 1e6, t / e, substr(d, 1, 16) "…"
}'

# The functions with the most instructions of their own, names demangled where the
# toolchain's demangler is at hand.
demangle=cat
command -v swift-demangle >/dev/null 2>&1 && demangle="swift-demangle --simplified"
echo "  instructions of their own, by function:"
callgrind_annotate --threshold=100 "$out" 2>/dev/null \
    | grep -E '^ *[0-9,]+ +\( *[0-9.]+%\) ' | grep -v 'PROGRAM TOTALS' \
    | head -n "$TOP" \
    | sed -E 's/ \[[^]]*\]$//; s/\?\?\?://' \
    | $demangle \
    | cut -c1-150 \
    | sed 's/^/    /'
[ -n "$OUT" ] && echo "  callgrind's file: $OUT"
exit 0
