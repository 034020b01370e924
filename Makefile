# GAN Music Lab. Every target creates .venv (Python 3.11) and installs musiclib if needed.
#   make lab    set up and open the course in JupyterLab
#   make test   set up and run all tests: pytest + every notebook under nbval, in quick mode
#   make bench  speed benchmarks (ratios against a reference in the same run)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.musiclib-installed
# Jupyter refuses to start as root (containers, CI) without this flag.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: setup lab test bench clean-cache

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, got " + sys.version.split()[0] + ": run make PYTHON=/path/to/python3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

lab: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

test: setup
	MUSICLIB_QUICK=1 $(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/bench_features.py

clean-cache:
	rm -rf data/cache
