# leadpilot: `make help` lists the targets.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
WORKERS ?= auto
# The tests marked slow (end to end: killed runs, a real Prefect server, a million-row import,
# model quality) run in CI (CI=true) and with `make test SLOW=1`.
SLOW ?= $(if $(filter true,$(CI)),1,)
STAMP := $(VENV)/.synced
# The render tests (tests/flows/test_rendering.py) show the sheet and the rep pages as a rep
# sees them: headless Chromium, LibreOffice headless and poppler, all Debian packages.
RENDER_PACKAGES := chromium-headless-shell libreoffice-calc-nogui poppler-utils
RENDER_BINARIES := chromium-headless-shell soffice pdftotext pdftoppm
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1

.PHONY: help install demo test lint bench clean render-tools

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv and install the locked dependencies (once)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

demo: install ## Generate the demo data, train, run today's pipeline, print the top leads
	$(VENV)/bin/leadpilot demo

render-tools: ## Install Chromium, LibreOffice and poppler for the render tests (root + apt)
	@missing=""; for b in $(RENDER_BINARIES); do command -v $$b >/dev/null || missing="$$missing $$b"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing the render tools (missing:$$missing): $(RENDER_PACKAGES)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(RENDER_PACKAGES) >/dev/null \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(RENDER_PACKAGES) >/dev/null; }; \
	else \
	  echo "Render tests skipped (missing:$$missing): as root, apt-get install -y --no-install-recommends $(RENDER_PACKAGES)"; \
	fi

test: install render-tools ## Lint, then the tests (SLOW=1 or CI=true: the slow ones too; WORKERS=0: one process)
	$(VENV)/bin/ruff check flows features scoring tests bench
	$(VENV)/bin/python -m pytest -n $(WORKERS) --dist loadscope --durations=10 $(if $(SLOW),,-m "not slow")

lint: install ## Ruff over the code
	$(VENV)/bin/ruff check flows features scoring tests bench

clean: ## Remove what runs produce (warehouse, models, sheets, demo data); keeps .venv
	rm -rf data/warehouse data/out data/models data/prefect data/demo data/rejects data/logs
