# Set-up and the two jobs: `make demo` (a full audit of the bundled sandbox app, ending in a report) and `make test`.
# Everything is installed into .venv; nothing outside the project folder is touched except, when OpenJDK 17 is
# missing and we run as root, the Debian package that provides it.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
AGENT := auditor/_agent/agent.js
AGENT_SOURCES := $(wildcard hooks/src/*.ts) hooks/package-lock.json hooks/tsconfig.json

.PHONY: demo test bench agent node java browser redis cc jars deps lint clean

demo: deps agent java
	$(VENV)/bin/consent-audit demo

test: deps agent java browser redis cc jars lint
	$(PY) -m pytest -q

# Per-call cost of a hooked call in the sandbox: our agent against a bare counting hook and a naive full-stack hook,
# and zero events lost at 100,000 calls (bench/hook_overhead.py; a few minutes). Fails when a goal is missed.
bench: deps agent java
	$(PY) bench/hook_overhead.py --strict

agent: $(AGENT)

deps: $(STAMPS)/deps

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/deps: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet hatchling editables
	CONSENT_AUDIT_SKIP_AGENT_BUILD=1 $(PY) -m pip install --quiet --no-build-isolation --editable '.[test]'
	@mkdir -p $(STAMPS) && touch $@

hooks/node_modules/.package-lock.json: hooks/package-lock.json hooks/package.json | node
	npm ci --prefix hooks --no-audit --no-fund --silent

# Node.js and npm install the agent's dependencies (and run the catalog proof's TypeScript parser); the installed tool
# needs neither. Installed like OpenJDK (as root, with apt, when missing), otherwise the message says how.
NODE_MAJOR_MIN := 18
node:
	@if command -v node >/dev/null && command -v npm >/dev/null \
		&& [ "$$(node -p 'process.versions.node.split(".")[0]')" -ge $(NODE_MAJOR_MIN) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Node.js and npm (nodejs, npm)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else \
		echo "Node.js $(NODE_MAJOR_MIN) or later with npm is required to build the agent: install it with"; \
		echo "'sudo apt-get install nodejs npm' (Debian/Ubuntu) or from nodejs.org; found: $$(node --version 2>&1 || echo none)"; \
		exit 2; \
	fi

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

# The report's browser tests open reports in Debian's headless Chromium through ChromeDriver; a CJK font renders the
# Chinese report. Without them those tests skip and say so at the end of the run; CI (.ci/run) sets
# CONSENT_AUDIT_REQUIRE_BROWSER=1, which makes a missing browser a failure.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-zenhei
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
		&& fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing $(BROWSER_PACKAGES) (the report's browser tests)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; } \
			|| echo "could not install $(BROWSER_PACKAGES): the browser tests will skip"; \
	else \
		echo "the report's browser tests need: sudo apt-get install $(BROWSER_PACKAGES) (they skip without it)"; \
	fi

# The distributed batch tests start their own redis-server (Debian's) on a private port and stop it; it is
# installed like OpenJDK (as root, when missing). Elsewhere, without it, those tests skip and say why.
redis:
	@if command -v redis-server >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing redis-server (the distributed batch tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	else \
		echo "the distributed batch tests need: sudo apt-get install redis-server (they skip without it)"; \
	fi

# The catalog's proof reads OkHttp 3's real classes from Debian's jar (libokhttp-java 3.13.1), with javap.
jars:
	@if [ -f /usr/share/java/okhttp.jar ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing libokhttp-java (the catalog proof reads OkHttp's classes)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libokhttp-java >/dev/null; \
	else \
		echo "the catalog proof needs OkHttp's jar: sudo apt-get install libokhttp-java"; exit 2; \
	fi

# The native layer's tests compile a small C program (tests/fixtures/native/props.c) with gcc.
cc:
	@if command -v gcc >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing gcc (the native layer's tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null; \
	else \
		echo "the native layer's tests need a C compiler: sudo apt-get install gcc"; exit 2; \
	fi

lint: deps
	$(VENV)/bin/ruff check --quiet auditor tests bench
	$(VENV)/bin/mypy --no-error-summary

clean:
	rm -rf $(STAMPS) $(VENV) hooks/node_modules auditor/_agent build dist
