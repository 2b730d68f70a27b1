# eventwire: `make run` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster

.PHONY: setup run test ui lint lock clean eval eval-external train-typer bench bench-scale browser

setup: $(STAMP)

# Install exactly what requirements.lock pins, then the project itself without re-resolving.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The instance settings (run queue and pool limits) are copied once; later edits are yours.
$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.yaml $@

run: setup | $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/eventwire run

test: setup browser | $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/pytest -q

# The reading room's browser test drives Debian's headless chromium (no browser download):
# installed here when missing and we are root (CI, a fresh machine), else we say how.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing chromium for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "make: the browser test needs chromium: sudo apt-get install chromium" >&2; \
	  fi; }

ui: setup | $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Re-resolve the direct dependencies in a scratch venv and freeze what was installed.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check \
	  | grep -v '^eventwire' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) warehouse .pytest_cache

# Score extraction against the hand annotations in tests/gold, by split (docs/quality.md).
eval: setup
	$(VENV)/bin/python -m pipelines.evaluate --gold tests/gold --out warehouse/eval.json

# Score the real pipeline on text annotated by others: PLV train sentences (event types) and
# PolNeAR dev articles (claims). Needs EVENTWIRE_EXTERNAL_DATA; without it, says how to get it.
# Not part of `make test`: it runs the pipeline twice, a few minutes.
eval-external: setup
	$(PY) -m pipelines.evaluate_external --out warehouse/eval-external.json

# Retrain the sentence typer (pipelines/lexicons/sentence_typer.json) from PLV train's study fold,
# tests/gold/train and PolNeAR train; needs EVENTWIRE_EXTERNAL_DATA like eval-external.
train-typer: setup
	$(PY) -m pipelines.train.sentence_typer

# Benchmark (docs/benchmarks.md): N generated articles, then memory at SIZES (default N, 2N, 4N).
# Not a test, and long: about an hour at the default N=5000 on 2 quiet cores (docs/benchmarks.md).
N ?= 5000
SIZES ?=
BENCH_OUT ?= warehouse/bench.json
bench: setup
	$(PY) -m pipelines.bench --n $(N) $(if $(SIZES),--sizes $(SIZES)) \
	  --out $(BENCH_OUT) --markdown $(basename $(BENCH_OUT)).md

# After extraction at scale (docs/benchmarks.md): generated extraction results for SCALE_N
# articles (no parsing), then linking, Parquet and DuckDB cold, as a no-op and with 1% new.
SCALE_N ?= 200000
bench-scale: setup
	$(PY) -m pipelines.bench.scale --n $(SCALE_N) --out warehouse/bench-scale.json
