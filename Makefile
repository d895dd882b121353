# mps: the two commands that matter are `make demo` and `make test`.
CARGO ?= cargo
MPS := target/release/mps

.PHONY: all build release demo test lint fmt bench clean

all: build

build:
	$(CARGO) build --locked

release:
	@$(CARGO) build --locked --release

# The main job (comprehensive: Assessor, Treasurer, Recorder) against the built-in simulator:
# records on stdout, the summary on stderr. The simulator is local, so the demo lifts the
# default politeness limits (2 requests/s per host, meant for the real county), which would
# make its ~1,900 requests take a quarter of an hour.
# The fixture holds a few deliberately bad rows, so mps exits 1 (rows invalid); that is the
# expected outcome of the demo, any other failure is not.
DEMO_LIMITS := --rate assessor=50 --rate treasurer=50 --rate recorder=100 \
	--concurrency assessor=4 --concurrency treasurer=4 --concurrency recorder=8 --workers 16
demo: release
	@$(MPS) batch --config config/config.yaml --input fixtures/apns.csv --mode comprehensive --sim $(DEMO_LIMITS); code=$$?; \
	if [ $$code -eq 1 ]; then echo "(exit 1 is expected: the fixture has deliberately invalid rows)" >&2; exit 0; fi; \
	exit $$code

# Unit tests beside the code and integration tests that run the real binary against the
# simulator on 127.0.0.1 port 0. The system packages they need (Chromium, the PostgreSQL
# server programs) are installed first when missing, or named in one message.
test:
	@bash tests/system-deps.sh
	$(CARGO) test --workspace --locked

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# Benchmarks report ratios measured in one run; they are never timed tests.
bench: release
	bash benches/table.sh
	bash benches/politeness.sh
	bash benches/postgres.sh
	bash benches/resume.sh
	bash benches/recorder.sh
	bash benches/workers.sh

clean:
	$(CARGO) clean
