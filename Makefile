# Two commands matter: `make run` and `make test`. Both create .venv and install what is needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest eval bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pullquote run

test: $(STAMP)
	$(BIN)/ruff check bot adapters storage tests
	$(BIN)/mypy --strict bot adapters storage
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/pullquote eval

bench: $(STAMP)
	$(BIN)/python -m pytest -q tests/benchmarks

bench-quick: $(STAMP)
	PULLQUOTE_BENCH_QUICK=1 $(BIN)/python -m pytest -q tests/benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

.PHONY: test-image
# Build deploy/Dockerfile with buildah (no Docker engine needed; run as root) and smoke-test it.
test-image:
	bash deploy/test-image.sh
