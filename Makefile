# The front door: `make run` and `make test` need nothing installed first but Python 3.11+.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .sam-venv
# checkov in a venv of its own: it pins boto3 1.35 and networkx 2.6, which would break aws-sam-cli's.
CHECKOV_VENV := .checkov-venv
CHECKOV_VERSION := 3.3.30
PORT ?= 3000
MODEL_DIR ?= model
# sam build needs the Lambda runtime's Python (3.12) on PATH; pyenv provides it on our machines.
PY312 := $(or $(shell ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | tail -1),$(shell command -v python3.12 2>/dev/null))
SAM_PATH := $(if $(PY312),$(dir $(PY312)):,)$(abspath $(SAM_VENV))/bin:$(PATH)
export HF_HUB_OFFLINE ?= 1

.PHONY: help run test lint typecheck unit integration e2e browser browser-deps template build lambda-size model bench load deploy clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[local,scoring]'
	@touch $@

$(VENV)/.dev-installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.run-installed

$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet 'aws-sam-cli>=1.130' 'cfn-lint>=1.20' 'aws-sam-translator>=1.90'
	@touch $@

$(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	@touch $@

run: $(VENV)/.run-installed ## serve the API, demo page and console on http://127.0.0.1:$PORT
	PORT=$(PORT) $(BIN)/moderation serve

test: $(VENV)/.dev-installed $(SAM_VENV)/.installed browser-deps ## lint, type-check, every test, template checks
	$(MAKE) lint typecheck
	$(BIN)/pytest -n 2 --dist loadfile
	$(MAKE) template lambda-size

lint: $(VENV)/.dev-installed ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed ## mypy (strict)
	$(BIN)/mypy layers/common tools functions tests bench scripts

unit: $(VENV)/.dev-installed ## unit tests only (no AWS, no network)
	$(BIN)/pytest tests/unit

integration: $(VENV)/.dev-installed ## handlers with events/ under moto
	$(BIN)/pytest tests/integration

e2e: $(VENV)/.dev-installed ## the local stack over HTTP
	$(BIN)/pytest tests/e2e

browser: $(VENV)/.dev-installed browser-deps ## the console in headless Chromium
	$(BIN)/pytest tests/browser

# Debian's chromium: Playwright's own browser downloads are not reachable from our machines.
browser-deps: ## install Chromium for the browser test (apt-get, as root) when it is missing
	@test -x /usr/bin/chromium || { \
		echo "installing chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -x /usr/bin/chromium || { echo "chromium is still missing; install it (apt-get install chromium)"; exit 1; }

template: $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION) ## sam validate --lint; cfn-lint and checkov on the translated template
	PATH=$(SAM_PATH) sam validate --lint --region us-east-1
	AWS_DEFAULT_REGION=us-east-1 $(SAM_VENV)/bin/python scripts/translate_template.py template.yaml \
		> .aws-sam-translated.json
	@# W2001: the translator inlines parameter defaults (AllowedOrigins), so it looks unused.
	$(SAM_VENV)/bin/cfn-lint --regions us-east-1 --ignore-checks W2001 -- .aws-sam-translated.json
	@# Suppressions: kind-wide ones in .checkov.yaml, one resource's in its Metadata; each says why.
	$(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml -f .aws-sam-translated.json
	@rm -f .aws-sam-translated.json

build: $(SAM_VENV)/.installed ## sam build with python3.12; the scoring layer takes the model in $MODEL_DIR
	@test -n "$(PY312)" || { echo "python3.12 not found (pyenv install 3.12)"; exit 1; }
	PATH=$(SAM_PATH) SAM_CLI_TELEMETRY=0 MODEL_DIR=$(abspath $(MODEL_DIR)) sam build

# The default model's real shape with random weights: the size check needs no download.
SIZE_MODEL_DIR := build/size-check-model
lambda-size: $(VENV)/.dev-installed $(SAM_VENV)/.installed ## sam build with a default-shaped model; fail over Lambda's 250 MB
	$(BIN)/python scripts/size_fixture_model.py $(SIZE_MODEL_DIR)
	$(MAKE) build MODEL_DIR=$(abspath $(SIZE_MODEL_DIR))
	@test -f .aws-sam/build/ScoringLayer/model/model.onnx || { echo "the scoring layer holds no model"; exit 1; }
	$(BIN)/python scripts/check_lambda_size.py .aws-sam/build

model: $(VENV)/.dev-installed ## export a Detoxify checkpoint to $MODEL_DIR (CHECKPOINT=, HF_CONFIG=)
	$(BIN)/moderation model export --out $(MODEL_DIR) \
		$(if $(CHECKPOINT),--checkpoint $(CHECKPOINT)) $(if $(HF_CONFIG),--hf-config $(HF_CONFIG))

bench: $(VENV)/.dev-installed ## Detoxify vs our scorer, side by side; writes bench/results.json
	$(BIN)/python bench/run.py

load: $(VENV)/.dev-installed ## N clients posting and listing against a local stack on loopback (CLIENTS=16 DURATION=20)
	$(BIN)/python scripts/load.py --clients $(or $(CLIENTS),16) --duration $(or $(DURATION),20)

deploy: build ## sam deploy --guided (needs AWS credentials)
	PATH=$(SAM_PATH) sam deploy --guided

clean: ## remove virtual environments and build output
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
