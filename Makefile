# Two commands do everything on a fresh clone:
#   make run    set up .venv, build the index if missing or stale, serve the chat on http://127.0.0.1:7860
#   make test   set up .venv with dev tools, then ruff, mypy and the whole pytest suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build; 2.13.0 is a local CPU wheel.
TORCH  := torch==2.13.0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

# Exact versions of everything `make run` and `make test` install (made by `make lock`; a test
# checks it against pyproject.toml, which keeps ranges for people who embed the package).
LOCK   := .ci/constraints.txt
# setuptools ends every editable install with a banner warning that folders named like the package
# may shadow it: here that folder is the package itself, so the banner only alarms new users.
EDITABLE := PYTHONWARNINGS="ignore:Editable installation"

.PHONY: run test lint typecheck pytest index clean setup bench bench-index lock

PORT ?= 7860

run: $(VENV)/.app
	$(BIN)/rag serve --port $(PORT)

index: $(VENV)/.app
	$(BIN)/rag index

test: $(VENV)/.dev lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff format --check rag ui tests eval
	$(BIN)/ruff check rag ui tests eval

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.dev

# Side-by-side benchmark (eval/bench.py); BENCH_ARGS="--scale 100000" adds the 100k-chunk test.
bench: $(VENV)/.bench
	$(BIN)/python -m eval.bench $(BENCH_ARGS)

# Index-time embedding throughput, today's torch path against the ONNX one (eval/bench_index.py).
bench-index: $(VENV)/.dev
	$(BIN)/python -m eval.bench_index $(BENCH_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.torch: | $(BIN)/python
	$(PIP) install --quiet $(TORCH)
	touch $@

$(VENV)/.app: pyproject.toml $(LOCK) $(VENV)/.torch
	$(EDITABLE) $(PIP) install --quiet -c $(LOCK) -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(LOCK) $(VENV)/.torch
	$(EDITABLE) $(PIP) install --quiet -c $(LOCK) -e '.[dev]'
	touch $@ $(VENV)/.app

# Re-pin after changing pyproject.toml: upgrade within its ranges, then record the exact versions.
lock: $(VENV)/.torch
	$(EDITABLE) $(PIP) install --quiet --upgrade -e '.[dev]' $(TORCH)
	(echo '# Exact versions for make run / make test (pip constraints). Remake with: make lock'; \
	 $(BIN)/python -m pip freeze --exclude-editable | sed 's/^torch==\(.*\)+cpu$$/torch==\1/') > $(LOCK)

$(VENV)/.bench: pyproject.toml $(VENV)/.torch
	$(EDITABLE) $(PIP) install --quiet -e '.[dev,bench]' $(TORCH)
	touch $@ $(VENV)/.dev $(VENV)/.app

clean:
	rm -rf $(VENV) .rag .mypy_cache .ruff_cache .pytest_cache test-output
