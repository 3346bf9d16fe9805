#!/usr/bin/env bash
# Runs scenario sets with the release build of cretoscale and summarises the outcome.
#
#   scripts/run-scenarios.sh ci        every scenarios/ci/*.json into a fresh temporary database,
#                                      then each run compared with results/baseline/<ID>.json
#   scripts/run-scenarios.sh baseline  the CI set again, written to results/baseline/<ID>.json
#   scripts/run-scenarios.sh full      every scenarios/*.json (the whole catalogue) into $DB
#
# Environment:
#   CRETOSCALE    the executable (default .build/release/cretoscale)
#   TOLERANCE     percent within which a baseline metric counts as unchanged (default 10)
#   BASELINE_DIR  where the baselines live (default results/baseline)
#   DB            the database of a full run (default results/cretoscale.db)
#   CI_DIR        the CI set (default scenarios/ci)
#   RUN_ARGS      extra arguments for every `cretoscale run` of a full run, e.g. "--duration 15m"
#
# Exit status: 0 all good; 1 an expectation was unmet, a baseline is missing or a metric
# regressed; 2 bad input (an invalid scenario file); 3 the tool failed.
set -uo pipefail

cd "$(dirname "$0")/.."

BIN=${CRETOSCALE:-.build/release/cretoscale}
TOLERANCE=${TOLERANCE:-10}
BASELINE_DIR=${BASELINE_DIR:-results/baseline}
CI_DIR=${CI_DIR:-scenarios/ci}

die() { echo "run-scenarios: $*" >&2; exit 2; }

[ -x "$BIN" ] || die "$BIN not found; build it first (make release)"

# The scenario files of a set, sorted; the JSON Schema beside them is not a scenario.
scenario_files() {
    local dir=$1 file
    for file in "$dir"/*.json; do
        [ -e "$file" ] || continue
        [ "$(basename "$file")" = schema.json ] && continue
        echo "$file"
    done
}

# The id of a scenario file, from `cretoscale validate` (which also checks the file).
scenario_id() {
    local line
    line=$("$BIN" validate "$1") || return 2
    sed -n 's/^.*: ok (\([^,]*\),.*$/\1/p' <<<"$line"
}

# The value of the top-level "digest" key of an exported run.
digest_of() { sed -n 's/^  "digest" : "\([0-9a-f]*\)",*$/\1/p' "$1" | head -n 1; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The scenarios of the set being run, extra `run` arguments, and how each run went.
declare -a FILES=() IDS=() EXTRA_ARGS=()
declare -A STATUS=() WALL=()
TOTAL_WALL=0

# collect DIR: the scenario files of DIR and their ids into FILES and IDS; exits with 2 when
# a file is invalid, before anything runs.
collect() {
    local dir=$1 file id
    mapfile -t FILES < <(scenario_files "$dir")
    [ ${#FILES[@]} -gt 0 ] || die "no scenario files in $dir"
    for file in "${FILES[@]}"; do
        id=$(scenario_id "$file") || exit 2
        [ -n "$id" ] || die "$file: could not read the scenario id"
        IDS+=("$id")
    done
}

# run_set DB LOGDIR [keep-going]: runs every collected scenario into DB, one line per run.
# Sets STATUS[id], WALL[id] and TOTAL_WALL; returns 1 when an expectation was unmet. When the
# tool fails (bad input, internal error, killed) it stops there with that status, unless
# keep-going is given: then the run counts as an error and the set goes on.
run_set() {
    local db=$1 logs=$2 keep_going=${3:-} file id start end code unmet=0
    local set_start
    set_start=$(now)
    local index=0
    for file in "${FILES[@]}"; do
        id=${IDS[$index]}
        index=$((index + 1))
        printf '%-28s ' "$id"
        start=$(now)
        "$BIN" run "$file" --db "$db" "${EXTRA_ARGS[@]}" >"$logs/$id.run.txt" 2>"$logs/$id.run.err"
        code=$?
        end=$(now)
        WALL[$id]=$(elapsed "$start" "$end")
        case $code in
            0) STATUS[$id]=passed ;;
            1) STATUS[$id]=FAILED; unmet=1 ;;
            *)
                STATUS[$id]=ERROR
                printf 'ERROR   %7s s (exit %s)\n' "${WALL[$id]}" "$code"
                sed 's/^/    /' "$logs/$id.run.err" >&2
                if [ -z "$keep_going" ]; then return "$code"; fi
                unmet=1
                continue ;;
        esac
        printf '%-7s %7s s\n' "${STATUS[$id]}" "${WALL[$id]}"
        if [ "$code" = 1 ]; then sed 's/^/    /' "$logs/$id.run.txt"; fi
    done
    TOTAL_WALL=$(elapsed "$set_start" "$(now)")
    return $unmet
}

ci() {
    local work db code id baseline verdict failed=0
    collect "$CI_DIR"
    work=$(mktemp -d "${TMPDIR:-/tmp}/cretoscale-ci.XXXXXX")
    db=$work/ci.db
    echo "CI scenarios ($CI_DIR) into $db"
    run_set "$db" "$work"
    code=$?
    if [ "$code" -gt 1 ]; then echo "kept $work for inspection"; exit "$code"; fi
    [ "$code" = 1 ] && failed=1

    echo
    echo "comparison with $BASELINE_DIR (deterministic metrics, tolerance $TOLERANCE %)"
    declare -A VERDICT=()
    for id in "${IDS[@]}"; do
        baseline=$BASELINE_DIR/$id.json
        if [ ! -f "$baseline" ]; then
            VERDICT[$id]="NO BASELINE"
            failed=1
            continue
        fi
        "$BIN" compare "$baseline" "$id@latest" --db "$db" --deterministic-only \
            --tolerance "$TOLERANCE" >"$work/$id.compare.txt" 2>&1
        code=$?
        "$BIN" export "$id@latest" --db "$db" --format json --output "$work/$id.json" 2>/dev/null
        case $code in
            0)
                if [ "$(digest_of "$baseline")" = "$(digest_of "$work/$id.json")" ]; then
                    verdict="same digest"
                else
                    verdict="changed, within tolerance"
                fi ;;
            1) verdict=REGRESSION; failed=1; sed 's/^/    /' "$work/$id.compare.txt" ;;
            *) verdict="compare error ($code)"; failed=1; sed 's/^/    /' "$work/$id.compare.txt" ;;
        esac
        VERDICT[$id]=$verdict
    done

    echo
    printf '%-28s %-7s %9s  %s\n' scenario run wall baseline
    for id in "${IDS[@]}"; do
        printf '%-28s %-7s %7s s  %s\n' "$id" "${STATUS[$id]}" "${WALL[$id]}" "${VERDICT[$id]}"
    done
    echo "${#IDS[@]} scenarios in $TOTAL_WALL s of wall time"
    if [ "$failed" = 1 ]; then
        echo "FAILED: an expectation was unmet, a baseline is missing or a metric regressed."
        echo "Reports and exports are kept in $work. A deliberate change of behaviour needs"
        echo "'make baseline' in the same commit."
        exit 1
    fi
    rm -rf "$work"
    echo "all scenarios met their expectations with no regression against the baseline"
}

baseline() {
    local work db code id
    collect "$CI_DIR"
    work=$(mktemp -d "${TMPDIR:-/tmp}/cretoscale-baseline.XXXXXX")
    db=$work/baseline.db
    echo "CI scenarios ($CI_DIR) into $db"
    run_set "$db" "$work"
    code=$?
    if [ "$code" != 0 ]; then
        echo "no baseline written: a scenario did not meet its expectation; kept $work"
        exit "$code"
    fi
    mkdir -p "$BASELINE_DIR"
    for id in "${IDS[@]}"; do
        "$BIN" export "$id@latest" --db "$db" --format json --output "$BASELINE_DIR/$id.json" \
            2>"$work/export.err" || { cat "$work/export.err" >&2; exit 3; }
    done
    local file known
    for file in "$BASELINE_DIR"/*.json; do
        [ -e "$file" ] || continue
        known=0
        for id in "${IDS[@]}"; do [ "$(basename "$file" .json)" = "$id" ] && known=1; done
        [ "$known" = 1 ] || echo "note: $file belongs to no CI scenario; delete it if the scenario is gone"
    done
    rm -rf "$work"
    echo "wrote ${#IDS[@]} baselines to $BASELINE_DIR ($TOTAL_WALL s of wall time); commit them"
}

full() {
    local db=${DB:-results/cretoscale.db} work code id
    collect scenarios
    read -r -a EXTRA_ARGS <<<"${RUN_ARGS:-}"
    work=$(mktemp -d "${TMPDIR:-/tmp}/cretoscale-full.XXXXXX")
    echo "the whole catalogue (scenarios/*.json) into $db${RUN_ARGS:+ with $RUN_ARGS}; this takes a long time"
    run_set "$db" "$work" keep-going
    code=$?
    echo
    printf '%-28s %-7s %11s\n' scenario run wall
    for id in "${IDS[@]}"; do printf '%-28s %-7s %9s s\n' "$id" "${STATUS[$id]}" "${WALL[$id]}"; done
    echo "${#IDS[@]} scenarios in $TOTAL_WALL s of wall time; runs are in $db (cretoscale runs --db $db)"
    rm -rf "$work"
    exit "$code"
}

case "${1:-}" in
    ci) ci ;;
    baseline) baseline ;;
    full) full ;;
    *) die "usage: $0 ci|baseline|full" ;;
esac
