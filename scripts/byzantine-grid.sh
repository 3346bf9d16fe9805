#!/usr/bin/env bash
# Runs the CT-003 Byzantine grid (0/10/20/30/33 % × each behaviour, scenarios/ct-003-*.json)
# at a chosen scale and prints one Markdown table row per case: throughput, latency,
# safety, liveness and detection, with whether the case met its criteria.
#
#   scripts/byzantine-grid.sh                  50 nodes, 40 s with a 10 s warm-up per case
#   GRID_NODES=100 GRID_DURATION=2m scripts/byzantine-grid.sh
#
# The files describe 1,000 nodes for an hour each; a full-size grid is 35 simulated hours of
# a thousand nodes, so the scale is an argument. The runs go to a temporary database unless
# DB is set. The table goes to stdout; the progress of each case to stderr.
#
# Environment:
#   CRETOSCALE     the executable (default .build/release/cretoscale)
#   GRID_NODES     node count of every case (default 50)
#   GRID_DURATION  simulated time of every case, warm-up included (default 40s)
#   GRID_WARMUP    warm-up of every case (default 10s)
#   GRID_SEED      seed of every case (default: each file's own)
#   DB             the results database (default: a temporary one)
#
# Exit status: 0 when the table is complete (cases that miss their criteria are rows, not
# errors); 2 bad input; 3 the tool failed.
set -uo pipefail

cd "$(dirname "$0")/.."

BIN=${CRETOSCALE:-.build/release/cretoscale}
NODES=${GRID_NODES:-50}
DURATION=${GRID_DURATION:-40s}
WARMUP=${GRID_WARMUP:-10s}
DB=${DB:-$(mktemp -d)/byzantine-grid.db}

[ -x "$BIN" ] || { echo "byzantine-grid: $BIN not found; build it first (make release)" >&2; exit 2; }

args=(--nodes "$NODES" --duration "$DURATION" --warmup "$WARMUP" --db "$DB")
[ -n "${GRID_SEED:-}" ] && args+=(--seed "$GRID_SEED")

# metric NAME: the value of NAME in the `show` text held in $shown, or "–" when absent.
metric() {
    awk -v name="$1" '$1 == name && NF >= 3 && $2 ~ /^-?[0-9.]+$/ { value = $2 } END { print (value == "" ? "–" : value) }' <<<"$shown"
}

echo "| case | Byzantine | behaviour | tps.mean | p50 ms | p95 ms | safety violations | stalled | detection recall | false positives | detection s | criteria |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for file in scenarios/ct-003-*.json; do
    name=$(basename "$file" .json)
    rest=${name#ct-003-}
    percent=${rest%%-*}
    behaviour=${rest#"$percent"}
    behaviour=${behaviour#-}
    [ -n "$behaviour" ] || behaviour="none"
    echo "byzantine-grid: $name ($NODES nodes, $DURATION)" >&2
    "$BIN" run "$file" "${args[@]}" > /dev/null
    status=$?
    case $status in
        0) verdict="met" ;;
        1) verdict="unmet" ;;
        *) echo "byzantine-grid: $file: cretoscale run exited $status" >&2; exit 3 ;;
    esac
    shown=$("$BIN" show latest --db "$DB") || exit 3
    printf '| %s | %s %% | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$name" "$percent" "$behaviour" "$(metric tps.mean)" "$(metric latency.p50)" "$(metric latency.p95)" \
        "$(metric safety.violations)" "$(metric liveness.stalled)" "$(metric byzantine.detection.recall)" \
        "$(metric byzantine.detection.falsePositiveRate)" "$(metric byzantine.detection.seconds)" "$verdict"
done
echo "byzantine-grid: runs recorded in $DB" >&2
