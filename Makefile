# The README's commands. `make test` is also what CI runs (.ci/run).
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: install web test run stack bench lint migration clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen

test: install
	PATH="$(dir $(abspath $(UV))):$$PATH" deploy/dev/test.sh

# The web app is built when web/dist is missing or older than its sources.
web:
	web/scripts/build.sh

run: install web
	$(UV) run --frozen python -m skillcert_devtools.run

stack: install web
	$(UV) run --frozen python deploy/dev/stack.py

bench: install
	deploy/dev/infra.sh
	$(UV) run --frozen python deploy/bench/submissions.py

lint: install
	$(UV) run --frozen ruff check . && $(UV) run --frozen ruff format --check .

migration: install
	$(UV) run --frozen python deploy/dev/new_migration.py $(SERVICE) "$(MSG)"

clean:
	rm -rf var .tools web/dist web/node_modules
