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
# sam build needs the Lambda runtime's Python (3.12) on PATH: found on PATH, through pyenv or uv.
FIND := $(PYTHON) scripts/machine_setup.py
PY312 := $(shell $(FIND) python3.12 2>/dev/null)
SAM_PATH := $(if $(PY312),$(dir $(PY312)):,)$(abspath $(SAM_VENV))/bin:$(PATH)

.PHONY: help run local-aws test fuzz lint typecheck unit integration e2e browser browser-deps template build lambda-size docs docs-serve lock model starter-model spam-seed bench bench-spam eval load deploy clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# What ships is installed at the versions the layers ship (generated from uv.lock): the tests run them.
LAYER_PINS := layers/common/requirements.txt layers/scoring/requirements.txt
LOCKED := $(foreach pins,$(LAYER_PINS),-c $(pins))

$(VENV)/.run-installed: $(BIN)/activate pyproject.toml $(LAYER_PINS)
	$(BIN)/pip install --quiet -e '.[local,scoring]' $(LOCKED)
	@touch $@

$(VENV)/.dev-installed: $(BIN)/activate pyproject.toml $(LAYER_PINS)
	$(BIN)/pip install --quiet -e '.[dev]' $(LOCKED)
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

# HOST_FOR_CONTAINERS: how sam local's containers reach this machine (Docker Engine on Linux: 172.17.0.1).
local-aws: $(VENV)/.run-installed ## a local DynamoDB for `sam local` (LOCAL_AWS_PORT=5000); writes .aws-sam/local-env.json
	$(BIN)/moderation local-aws --port $(or $(LOCAL_AWS_PORT),5000) \
		$(if $(HOST_FOR_CONTAINERS),--host-for-containers $(HOST_FOR_CONTAINERS))

test: $(VENV)/.dev-installed $(SAM_VENV)/.installed browser-deps ## lint, type-check, every test (fuzzing derandomized), the docs' strict build, template and layer checks
	$(MAKE) lint typecheck
	$(BIN)/pytest -n 2 --dist loadfile
	$(MAKE) docs template lambda-size

lint: $(VENV)/.dev-installed ## ruff; the CI workflow against GitHub's workflow schema
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

typecheck: $(VENV)/.dev-installed ## mypy (strict)
	$(BIN)/mypy layers/common tools functions tests bench scripts

unit: $(VENV)/.dev-installed ## unit tests only (no AWS, no network)
	$(BIN)/pytest tests/unit

integration: $(VENV)/.dev-installed ## handlers with events/ under moto
	$(BIN)/pytest tests/integration

e2e: $(VENV)/.dev-installed ## the local stack over HTTP
	$(BIN)/pytest tests/e2e

# `make test` derandomises Hypothesis and Schemathesis (profile `ci`): the same cases every run.
fuzz: $(VENV)/.dev-installed ## long random fuzzing: random seeds, more examples (EXAMPLES=500)
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(or $(EXAMPLES),500) $(BIN)/pytest tests/e2e/test_fuzz.py \
		tests/unit/test_policy.py tests/unit/test_cursor.py tests/integration/test_hostile_input.py

browser: $(VENV)/.dev-installed browser-deps ## the console in headless Chromium
	$(BIN)/pytest tests/browser

# A Chromium already there (CHROMIUM=/path, Debian's, Chrome, Playwright's), else Playwright's
# download, else apt-get when root on Debian; the browser test drives the one this finds.
browser-deps: $(VENV)/.dev-installed ## find Chromium for the browser test, or install it the platform's way
	@chromium=$$($(BIN)/python scripts/machine_setup.py chromium --install) && echo "chromium: $$chromium"

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
	@test -n "$(PY312)" || $(FIND) python3.12 >/dev/null
	PATH=$(SAM_PATH) SAM_CLI_TELEMETRY=0 MODEL_DIR=$(abspath $(MODEL_DIR)) sam build

# The default model's real shape with random weights: the size check needs no download.
SIZE_MODEL_DIR := build/size-check-model
# One build serves both checks: the layers' contents and the total size.
lambda-size: $(VENV)/.dev-installed $(SAM_VENV)/.installed ## sam build with a default-shaped model; fail on non-run-time code in a layer or over 250 MB
	$(BIN)/python scripts/size_fixture_model.py $(SIZE_MODEL_DIR)
	$(MAKE) build MODEL_DIR=$(abspath $(SIZE_MODEL_DIR))
	@test -f .aws-sam/build/ScoringLayer/model/model.onnx || { echo "the scoring layer holds no model"; exit 1; }
	$(BIN)/python scripts/check_layer_contents.py .aws-sam/build
	$(BIN)/python scripts/check_lambda_size.py .aws-sam/build

# The site's generated pages (configuration, HTTP API, layers) are written first; strict: any warning
# (a broken link or anchor, a page missing from the nav or outside it) fails the build.
docs: $(VENV)/.dev-installed ## regenerate the generated pages, then build the docs site strictly into build/site
	$(BIN)/python -m moderation_tools.docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

docs-serve: $(VENV)/.dev-installed ## serve the docs site on http://127.0.0.1:$DOCS_PORT (8000), rebuilt as pages change
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:$(or $(DOCS_PORT),8000)

lock: $(VENV)/.dev-installed ## re-resolve uv.lock from pyproject.toml, then write the layers' requirements from it
	$(BIN)/uv lock
	$(BIN)/python scripts/lock_layers.py

model: $(VENV)/.dev-installed ## download Detoxify's MODEL_TYPE (default unbiased-small) and export it to $MODEL_DIR; offline: CHECKPOINT= HF_CONFIG=
	$(BIN)/moderation model export --out $(MODEL_DIR) $(if $(MODEL_TYPE),--model-type $(MODEL_TYPE)) \
		$(if $(CHECKPOINT),--checkpoint $(CHECKPOINT)) $(if $(HF_CONFIG),--hf-config $(HF_CONFIG))

starter-model: $(VENV)/.dev-installed ## regenerate the committed starter model (layers/scoring/starter) from alt-profanity-check
	$(BIN)/moderation model starter --out layers/scoring/starter

spam-seed: $(VENV)/.dev-installed ## count the hand-written spam seed (tools/moderation_tools/spam) into layers/common/moderation/spam/seed.json; held-out figures
	$(BIN)/python -m moderation_tools.spam.seed

bench: $(VENV)/.dev-installed ## Detoxify vs our scorer, side by side; writes bench/results.json
	$(BIN)/python bench/run.py

bench-spam: $(VENV)/.dev-installed ## the submit path with the spam filter on vs off: cold start and warm p50; writes bench/spam-results.json
	$(BIN)/python -m bench.spam

eval: $(VENV)/.dev-installed ## decide the labelled evaluation set with the model in $MODEL_DIR; table per class
	$(BIN)/moderation eval --model-dir $(MODEL_DIR)

load: $(VENV)/.dev-installed ## N clients posting and listing against a local stack on loopback (CLIENTS=16 DURATION=20)
	$(BIN)/python scripts/load.py --clients $(or $(CLIENTS),16) --duration $(or $(DURATION),20)

deploy: build ## sam deploy --guided (needs AWS credentials)
	PATH=$(SAM_PATH) sam deploy --guided

clean: ## remove virtual environments and build output
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
