#!/usr/bin/env bash
# Builds cretoscale with profile-guided optimisation (LLVM's IR-level PGO):
#
#   1. an instrumented release build (.build/pgo/train) that counts its branches and calls;
#   2. training runs with it: the reference run (a) shortened, in two shards and in one
#      queue, a short WAN run and two small CI scenarios (faults and Byzantine nodes), so
#      that the paths users run are the ones laid out and inlined as hot;
#   3. the counts merged into .build/pgo/cretoscale.profdata;
#   4. the release build optimised with them: .build/pgo/use/release/cretoscale.
#
# The profile changes how the code is laid out and inlined, never what it computes: a run
# gives the same digest with either build. Takes about twice a plain release build (two
# builds and the training runs).
#
# Both builds link the Swift runtime statically, as `make release` does (see the Makefile).
#
# Environment: SWIFT (default swift). Exit status: 0 built; 1 a step failed.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
toolchain=$(dirname "$(readlink -f "$(command -v "$SWIFT")")")
profdata="$toolchain/llvm-profdata"
runtime="$toolchain/../lib/swift/clang/lib/linux/libclang_rt.profile-$(uname -m).a"
for tool in "$profdata" "$runtime"; do
    [ -e "$tool" ] || { echo "build-pgo: $tool not found (the Swift toolchain's LLVM profile tools)" >&2; exit 1; }
done

work=.build/pgo
raw="$work/raw"
rm -rf "$raw" "$work/train.db"
mkdir -p "$raw"

# The swift driver does not pass the IR-level flags on, so they go to the frontend. The
# driver links the profile runtime only with its own front-end instrumentation
# (-profile-generate), whose -profile-use crashes the compiler on this code (an assertion in
# its cold-block inference), so the runtime is linked here by hand.
echo "build-pgo: instrumented build"
$SWIFT build -c release --static-swift-stdlib --scratch-path "$work/train" \
    -Xswiftc -Xfrontend -Xswiftc "-ir-profile-generate=$PWD/$raw" \
    -Xlinker "$runtime" -Xlinker -u -Xlinker __llvm_profile_runtime

# A training run that misses its scenario's expectations (exit 1) still profiles the code;
# bad input or a failure of the tool (2 and above) stops the build.
train() {
    echo "build-pgo: training: $*"
    local status=0
    LLVM_PROFILE_FILE="$PWD/$raw/%p.profraw" "$work/train/release/cretoscale" run "$@" \
        --db "$work/train.db" > /dev/null || status=$?
    [ "$status" -le 1 ] || { echo "build-pgo: training run failed (exit $status)" >&2; exit 1; }
}
train scenarios/bench/sim-a-lan-1000.json --duration 2s --warmup 0s --shards 2
train scenarios/bench/sim-a-lan-1000.json --nodes 300 --duration 2s --warmup 0s
train scenarios/bench/sim-b-wan-10000.json --nodes 300 --duration 3s --warmup 0s --shards 2
train scenarios/ci/ct-003-20-equivocation-ci.json
train scenarios/ci/ct-006-ci.json

"$profdata" merge -o "$work/cretoscale.profdata" "$raw"/*.profraw
rm -rf "$raw" "$work/train.db"

echo "build-pgo: optimised build"
$SWIFT build -c release --static-swift-stdlib --scratch-path "$work/use" \
    -Xswiftc -Xfrontend -Xswiftc "-ir-profile-use=$PWD/$work/cretoscale.profdata"
echo "build-pgo: $work/use/release/cretoscale"
