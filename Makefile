PYTHON ?= python3
PIP := $(PYTHON) -m pip

.PHONY: install demo test lint bench

install:
	$(PIP) install -q -e ".[test]"

# Run mlsmoke on the example project (report in examples/wine-quality/mlsmoke-out/).
demo: install
	cd examples/wine-quality && mlsmoke run

test: install
	$(PYTHON) -m pytest

lint:
	ruff check checker tests bench

bench: install
	$(PIP) install -q -e ".[bench]"
	$(PYTHON) bench/run.py
