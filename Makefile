# Set-up and the two jobs: `make demo` (a full audit of the bundled sandbox app, ending in a report) and `make test`.
# Everything is installed into .venv; nothing outside the project folder is touched except, when OpenJDK 17 is
# missing and we run as root, the Debian package that provides it.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
AGENT := auditor/_agent/agent.js
AGENT_SOURCES := $(wildcard hooks/src/*.ts) hooks/package-lock.json hooks/tsconfig.json

.PHONY: demo test agent java deps lint clean

demo: deps agent java
	$(VENV)/bin/consent-audit demo

test: deps agent java lint
	$(PY) -m pytest -q

agent: $(AGENT)

deps: $(STAMPS)/deps

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/deps: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet hatchling editables
	CONSENT_AUDIT_SKIP_AGENT_BUILD=1 $(PY) -m pip install --quiet --no-build-isolation --editable '.[test]'
	@mkdir -p $(STAMPS) && touch $@

hooks/node_modules/.package-lock.json: hooks/package-lock.json hooks/package.json
	npm ci --prefix hooks --no-audit --no-fund --silent

$(AGENT): $(AGENT_SOURCES) hooks/node_modules/.package-lock.json | $(STAMPS)/deps
	$(PY) -m auditor.agent

# The sandbox plays Android on OpenJDK 17 (Frida's Java bridge does not hook HotSpot 18+).
java:
	@if javac -version 2>&1 | grep -q '^javac 17\.'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing OpenJDK 17 (openjdk-17-jdk-headless)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless >/dev/null; \
	else \
		echo "OpenJDK 17 is required: install it with 'sudo apt-get install openjdk-17-jdk-headless' (Debian/Ubuntu)"; \
		echo "or put a JDK 17 first on PATH (JAVA_HOME/bin); found: $$(javac -version 2>&1 || echo none)"; exit 2; \
	fi

lint: deps
	$(VENV)/bin/ruff check --quiet auditor tests
	$(VENV)/bin/mypy --no-error-summary

clean:
	rm -rf $(STAMPS) $(VENV) hooks/node_modules auditor/_agent build dist
