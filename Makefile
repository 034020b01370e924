# GAN Music Lab. Every target creates .venv (Python 3.11) and installs musiclib if needed.
#   make lab            set up and open the course in JupyterLab, on chapter 00
#   make test           set up and run all tests: pytest + every notebook under nbval, in quick mode (what CI runs)
#   make test-full      the same in full mode: the results the chapters discuss (run before resolving a chapter issue)
#   make train          train the chorale GAN with the shipped model's command (runs/chorale_gan; --resume to continue)
#   make bench          speed benchmarks (ratios against a reference in the same run)
#   make strip-outputs  clear saved outputs from the notebooks before committing (contributors)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.musiclib-installed
# Jupyter refuses to start as root (containers, CI) without this flag.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: setup lab test test-full train bench strip-outputs clean-cache

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, got " + sys.version.split()[0] + ": run make PYTHON=/path/to/python3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

# jupyter/ holds the course's JupyterLab settings (no news pop-up); see jupyter/README.md.
lab: setup
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=notebooks --LabApp.default_url=/lab/tree/00_welcome.ipynb

test: setup
	MUSICLIB_QUICK=1 $(BIN)/python -m pytest

test-full: setup
	MUSICLIB_QUICK=0 $(BIN)/python -m pytest

train: setup
	$(BIN)/python -m musiclib train --config full --loss wgan-gp --out runs/chorale_gan $(if $(wildcard runs/chorale_gan/run.json),--resume)

bench: setup
	$(BIN)/python benchmarks/bench_features.py
	$(BIN)/python benchmarks/bench_train.py

strip-outputs: setup
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

clean-cache:
	rm -rf data/cache
