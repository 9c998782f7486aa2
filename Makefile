# vpclab — every target sets itself up: nothing but Python >= 3.11 is needed on the machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make run: validate the bundled examples, then serve the EC2 endpoint on loopback with a demo
## network loaded; it prints the lines to paste to point the aws CLI and boto3 at it
run: $(STAMP)
	$(BIN)/vpclab validate examples/*.yaml
	$(BIN)/vpclab serve --state :memory: --load examples/two-peered-vpcs.yaml

## make test: the whole test suite (kept under ten minutes)
test: $(STAMP)
	$(BIN)/python -m pytest

## make bench: benchmarks, printed as ratios against a baseline measured in the same run
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench

## make lint: ruff over the code (style and likely bugs)
lint: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,dev]'
	$(BIN)/ruff check src tests bench tools

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist
