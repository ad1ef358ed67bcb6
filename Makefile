PYTHON ?= python3
PIP := $(PYTHON) -m pip

.PHONY: install demo test test-lower lint bench

# Editable in setuptools' compat mode: the repository is a path in a .pth file, where the default
# mode's import hook costs every interpreter start about 17 ms (every test's subprocess, and the
# bench's figures for this machine).
EDITABLE := --config-settings editable_mode=compat

install:
	$(PIP) install -q $(EDITABLE) -e ".[test]"

# Run mlsmoke on the example project (report in examples/wine-quality/mlsmoke-out/). The
# example's own Python environment (the pipeline's `python3`, where its `setup` installs) is
# examples/wine-quality/.venv; the endpoint family runs when a Docker engine answers and has
# (or can pull) BASE_IMAGE, default python:3.11-slim (examples/demo.sh says how to proceed).
PY := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
DEMO := examples/wine-quality

demo: install
	test -x $(DEMO)/.venv/bin/python3 || $(PY) -m venv $(DEMO)/.venv
	sh examples/demo.sh "$(PY)" $(DEMO)

test: install
	$(PYTHON) -m pytest

# The unit tests on the oldest releases pyproject.toml admits (scripts/lower_bounds.py), in an
# environment of their own: LOWER_VENV, default .venv-lower (reused; rebuilt by deleting it).
LOWER_VENV ?= .venv-lower

test-lower:
	test -x $(LOWER_VENV)/bin/python || $(PYTHON) -m venv $(LOWER_VENV)
	$(PYTHON) scripts/lower_bounds.py > $(LOWER_VENV)/constraints.txt
	$(LOWER_VENV)/bin/python -m pip install -q $(EDITABLE) -c $(LOWER_VENV)/constraints.txt -e ".[test]"
	$(LOWER_VENV)/bin/python -m pytest tests/unit -q

lint:
	ruff check checker tests bench scripts container-image
	$(PYTHON) -m mypy checker

# The small run is timed here and, when a Docker engine answers, inside the checker image too
# (built from this Dockerfile on BASE_IMAGE): the interpreter and installed checker users run.
BENCH_IMAGE ?= mlsmoke:bench
BASE_IMAGE ?= python:3.11-slim

bench: install
	$(PIP) install -q $(EDITABLE) -e ".[bench]"
	$(PYTHON) bench/run.py
	if docker info >/dev/null 2>&1; then \
	  docker build --quiet --network host --build-arg BASE_IMAGE=$(BASE_IMAGE) --tag $(BENCH_IMAGE) . \
	  && $(PYTHON) bench/small_run.py --image $(BENCH_IMAGE); \
	else $(PYTHON) bench/small_run.py; fi
