# cretoscale — build, test and benchmark targets.
# Every target that builds first makes sure the system packages it needs are present.

SWIFT      ?= swift
RELEASE    := $(SWIFT) build -c release
BIN        := .build/release/cretoscale
APT_NEEDS  := libsqlite3-dev b3sum

.PHONY: all deps build release test bench clean

all: build

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

## test: the fast test suite (Swift Testing)
test: deps
	$(SWIFT) test

## bench: micro-benchmarks of the consensus core, release build
bench: release
	$(BIN) bench

clean:
	rm -rf .build
