# vpclab — every target sets itself up: nothing but Python >= 3.11 is needed on the machine.
#
# Dependencies are installed from uv.lock (exact versions and hashes, from PyPI), not re-resolved:
# the same lock gives the same environment on every machine. uv itself, pinned below, lives in its
# own small venv ($(UV_VENV)), because `uv sync` removes from .venv whatever the lock does not list.
#   make lock     after editing pyproject.toml: update uv.lock (other pins kept); commit it with it
#   make upgrade  re-resolve every dependency to its newest allowed version; commit the new uv.lock
PYTHON     ?= python3
VENV       ?= .venv
BIN        := $(VENV)/bin
STAMP      := $(VENV)/.installed
UV_VERSION := 0.13.9
UV_VENV    ?= .venv-uv
UV         := $(UV_VENV)/bin/uv
UV_STAMP   := $(UV_VENV)/.uv-$(UV_VERSION)
## make run PORT=N: the endpoint's port. Not 4566, LocalStack's default (nor 4510-4597, its other
## ports, nor moto's 5000 or the usual 8000/8080), so that vpclab can run beside them.
PORT       ?= 8720

# uv uses the machine's python3 and never downloads an interpreter; it installs into $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
SYNC = $(UV) sync --locked --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"

.PHONY: run test bench lint install lock upgrade regen clean

$(UV_STAMP):
	rm -rf $(UV_VENV)
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'
	touch $@

# re-synced when pyproject.toml or uv.lock change; --locked fails if uv.lock does not match pyproject.toml
$(STAMP): pyproject.toml uv.lock $(UV_STAMP)
	$(SYNC) --extra test
	touch $@

$(VENV)/.installed-bench: $(STAMP)
	$(SYNC) --inexact --extra test --extra bench
	touch $@

$(VENV)/.installed-dev: $(STAMP)
	$(SYNC) --inexact --extra test --extra dev
	touch $@

# the AWS SDK for JavaScript v3 for tests/interop/test_js_sdk.py, from its lock file, with the
# machine's Node.js (Debian: nodejs, npm); without npm the check is skipped, with the reason
JS_DIR   := tests/interop/js
JS_STAMP := $(JS_DIR)/node_modules/.installed
$(JS_STAMP): $(JS_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: tests/interop/test_js_sdk.py (the JavaScript SDK check) will be skipped"; fi

# Debian packages the tests use when present: graphviz (`vpclab export svg|png`) and chromium (the web
# page's browser tests, driven by Playwright with executable_path=/usr/bin/chromium). Installed with
# apt-get when the machine has it and we are root (CI, the lab machine); otherwise those tests skip,
# with the reason. The stamp is re-made when this list changes.
DEBIAN_PACKAGES := graphviz chromium
DEB_STAMP := $(VENV)/.installed-debian-$(subst $(eval) ,-,$(DEBIAN_PACKAGES))
$(DEB_STAMP): $(STAMP)
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get install -y -q --no-install-recommends $(DEBIAN_PACKAGES) >/dev/null \
		|| echo "apt-get could not install $(DEBIAN_PACKAGES): the tests that need them will be skipped"; \
	else echo "not root or no apt-get: $(DEBIAN_PACKAGES) not installed; the tests that need them will be skipped"; fi
	touch $@

install: $(STAMP)

## make run: validate the bundled examples, then serve the EC2 endpoint on loopback with a demo
## network loaded; it prints the lines to paste to point the aws CLI and boto3 at it
run: $(STAMP)
	$(BIN)/vpclab validate examples/*.yaml
	$(BIN)/vpclab serve --port $(PORT) --state :memory: --load examples/two-peered-vpcs.yaml

## make test: check that uv.lock matches pyproject.toml, then the whole test suite (kept under ten
## minutes) on every core: pytest-xdist, each test file in one worker so a file's tests keep their order
test: $(STAMP) $(JS_STAMP) $(DEB_STAMP)
	$(UV) lock --check
	$(BIN)/python -m pytest -n auto --dist loadfile

## make bench: benchmarks, printed as ratios against a baseline measured in the same run
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench

## make lint: ruff over the code (style and likely bugs)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench tools

## make regen: rewrite every generated file (the ControlPlane stub, docs/api-coverage.md, docs/rules.md,
## the golden files); review `git diff` before committing
regen: $(STAMP)
	$(BIN)/python tools/gen_plane_stub.py
	$(BIN)/python tools/gen_api_coverage.py
	$(BIN)/python tools/gen_rules_doc.py
	$(BIN)/python tools/regen_golden.py
	$(BIN)/python tools/regen_reach_golden.py
	$(BIN)/python tools/regen_scenarios.py
	$(BIN)/python tools/regen_ra_golden.py

## make lock: after editing pyproject.toml, bring uv.lock in line with it (other pins kept); commit it
lock: $(UV_STAMP)
	$(UV) lock --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"

## make upgrade: re-resolve from PyPI to the newest versions pyproject.toml allows; commit the new uv.lock
upgrade: $(UV_STAMP)
	$(UV) lock --upgrade --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"

clean:
	rm -rf $(VENV) $(UV_VENV) .pytest_cache .hypothesis build dist
