# cretoscale — build, test and benchmark targets.
# Every target that builds first makes sure the system packages it needs are present.

SWIFT      ?= swift
# Release builds link the Swift runtime and standard library statically: its calls (reference
# counting, uniqueness checks, a few per simulated event) then go straight to their code instead
# of through the dynamic linker's table: 0.92-0.94 of the wall time on 1,000 LAN nodes (paired).
RELEASE    := $(SWIFT) build -c release --static-swift-stdlib
BIN        := .build/release/cretoscale
PGO_BIN    := .build/pgo/use/release/cretoscale
APT_NEEDS  := libsqlite3-dev b3sum

.PHONY: all help deps build release release-pgo test bench bench-sim profile-sim scenarios baseline scenarios-full byzantine-grid demo clean

all: build

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## deps: install the Debian packages the build and tests need (as root, when missing)
deps:
	@missing=""; for p in $(APT_NEEDS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq $$missing; fi; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(RELEASE)

## release-pgo: the release build optimised with a profile of training runs (profile-guided
## optimisation; about twice as long to build, same digests, fewer instructions per
## event): .build/pgo/use/release/cretoscale. bench-sim and scenarios-full use it.
release-pgo: deps
	@scripts/build-pgo.sh

## test: the fast test suite (Swift Testing)
test: deps
	$(SWIFT) test

## bench: micro-benchmarks of the consensus core, release build
bench: release
	$(BIN) bench

## bench-sim: the simulator's own speed on two reference runs (long: minutes to hours).
## Runs each BENCH_SIM_RUNS times (default 3) and prints every run's sim.events,
## sim.eventsPerSecond, sim.wallSeconds, sim.speedup (simulated ÷ wall), sim.rssMB and
## digest, then the median of each figure and whether the run met its target (full-length
## runs only; a figure, not a test). Run (b) stops at its targets (BENCH_SIM_B_LIMITS,
## default 5 minutes and 4 GiB) and then says how far it got. BENCH_SIM_DURATION=10s
## shortens both runs (each has a 5 s warm-up). BENCH_SIM_SHARDS (default 2, this machine's
## cores) splits the nodes over that many threads. Runs the profile-optimised build
## (release-pgo); BENCH_SIM_BUILD=release for the plain one. BENCH_SIM_AGAINST=PATH (another
## cretoscale build, e.g. of the code before a change) pairs each run with one of it, in
## turns, and prints the median ratio of their times.
BENCH_SIM_DURATION ?=
BENCH_SIM_B_LIMITS ?= --wall-limit 5m --memory-limit 4GiB
BENCH_SIM_SHARDS ?= 2
BENCH_SIM_RUNS ?= 3
BENCH_SIM_BUILD ?= release-pgo
BENCH_SIM_AGAINST ?=
SIM_BIN = $(if $(filter release-pgo,$(BENCH_SIM_BUILD)),$(PGO_BIN),$(BIN))
bench-sim: $(BENCH_SIM_BUILD)
	@BENCH_SIM_DURATION="$(BENCH_SIM_DURATION)" BENCH_SIM_B_LIMITS="$(BENCH_SIM_B_LIMITS)" \
		BENCH_SIM_SHARDS="$(BENCH_SIM_SHARDS)" BENCH_SIM_RUNS="$(BENCH_SIM_RUNS)" \
		BENCH_SIM_AGAINST="$(BENCH_SIM_AGAINST)" scripts/bench-sim.sh $(SIM_BIN)

## profile-sim: the simulator's instruction count (valgrind's callgrind), which repeats to the
## instruction where wall time does not: a short run of reference run (a)'s load (300 nodes,
## 1 simulated second, under a minute), its events, instructions per event, digest and the
## functions with the most instructions of their own. Plain release build. Needs valgrind
## (installed when missing). PROFILE_SIM_NODES, PROFILE_SIM_DURATION, PROFILE_SIM_SCENARIO
## and PROFILE_SIM_TOP change the run and the list; PROFILE_SIM_OUT=FILE keeps callgrind's file.
profile-sim: release
	@command -v valgrind >/dev/null 2>&1 || $(MAKE) --no-print-directory deps APT_NEEDS="valgrind binutils"
	@scripts/profile-sim.sh $(BIN)

## scenarios: the CI set (scenarios/ci, about 1.3 minutes once built): every scenario must meet its
## expectation and no deterministic metric may be more than TOLERANCE % (default 10) worse
## than its committed baseline results/baseline/<ID>.json; a fresh temporary database each time.
TOLERANCE ?= 10
scenarios: release
	@TOLERANCE=$(TOLERANCE) scripts/run-scenarios.sh ci

## baseline: rerun the CI set and rewrite results/baseline/<ID>.json; commit the files
## together with the change of behaviour that made them necessary.
baseline: release
	@scripts/run-scenarios.sh baseline

## scenarios-full: the whole catalogue (scenarios/*.json) at the test plan's sizes and
## durations into results/cretoscale.db (DB=... to change). Takes hours per file and months
## in all: a 1,000-node Local scenario simulates one second in about 9 s of wall time, 6 s
## with RUN_ARGS="--shards 2" (see scenarios/README.md). RUN_ARGS="--duration 15m" shortens
## every run. Uses the profile-optimised build (release-pgo).
scenarios-full: release-pgo
	@CRETOSCALE=$(PGO_BIN) DB="$(or $(DB),results/cretoscale.db)" RUN_ARGS="$(RUN_ARGS)" scripts/run-scenarios.sh full

## byzantine-grid: the CT-003 grid (0/10/20/30/33 % × each behaviour) at a reduced scale,
## printed as a Markdown table (throughput, latency, safety, liveness, detection).
## GRID_NODES (50), GRID_DURATION (40s) and GRID_WARMUP (10s) set the scale.
byzantine-grid: release
	@scripts/byzantine-grid.sh

## demo: build, run one small load scenario into results/cretoscale.db and show it
demo: release
	$(BIN) run scenarios/ci/lt-001-ci.json --db results/cretoscale.db
	$(BIN) show latest --db results/cretoscale.db

clean:
	rm -rf .build
