# acupath: `make run` and `make test` each do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_VERSION ?= 15
RUN_DB ?= sqlite:///acupath.sqlite3

.PHONY: run test setup lint postgres chromium pdf-libs bench bench-meta screenshots documents network-plot clean

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found (acupath needs Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3 || $(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Start PostgreSQL if it is down; fail loudly if it cannot be reached (integration tests never skip).
postgres:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  echo "starting PostgreSQL $(PG_VERSION)"; \
	  pg_ctlcluster --skip-systemctl-redirect $(PG_VERSION) main start || pg_ctlcluster $(PG_VERSION) main start || true; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi
	@pg_isready -h 127.0.0.1 -p 5432 || { echo "make: PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1; }

# The browser tests (tests/browser) drive Debian's chromium: installed here when missing, never a
# browser that Playwright would download (`playwright install` is never run).
chromium:
	@command -v chromium >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	@command -v chromium >/dev/null || { echo "make: chromium could not be installed (apt-get install chromium)"; exit 1; }

# The PDF documents (acupath.reports.documents): WeasyPrint needs Debian's pango, harfbuzz, fontconfig and
# glib, a font (DejaVu), and the tests read the PDFs with poppler's pdftotext. Installed when missing
# (checked with dpkg, so apt runs only on a machine that lacks one of them).
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 libglib2.0-0 fonts-dejavu-core poppler-utils
pdf-libs:
	@dpkg-query -W -f='$${Status}\n' $(PDF_DEBS) 2>/dev/null | grep -c '^install ok installed$$' | grep -qx $(words $(PDF_DEBS)) \
	  || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(PDF_DEBS); }
	@dpkg-query -W -f='$${Status}\n' $(PDF_DEBS) 2>/dev/null | grep -c '^install ok installed$$' | grep -qx $(words $(PDF_DEBS)) \
	  || { echo "make: the PDF libraries could not be installed (apt-get install $(PDF_DEBS))"; exit 1; }

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

test: setup pdf-libs postgres chromium lint
	$(BIN)/acupath knowledge check
	$(BIN)/pytest -q

run: setup pdf-libs
	$(BIN)/acupath knowledge check
	$(BIN)/acupath db upgrade --db $(RUN_DB)
	$(BIN)/acupath demo --db $(RUN_DB)
	@echo "acupath: development mode (ACUPATH_ENV=development: public signing key, /docs on); pages: http://127.0.0.1:8000/ (sign in; API docs: http://127.0.0.1:8000/docs); demo login lee@harbour.demo / acupath-demo-2026; patient portal: http://127.0.0.1:8000/portal as olivia.nguyen@patient.demo / acupath-demo-2026"
	ACUPATH_ENV=development $(BIN)/acupath serve --db $(RUN_DB) --host 127.0.0.1 --port 8000

# Scoring, score-file memory, CLI start-up, planning, the API (needs PostgreSQL too) and the web pages in turn; bench-meta has its own venv.
bench: setup postgres
	$(BIN)/python -m benchmarks.scoring
	$(BIN)/python -m benchmarks.score_file
	$(BIN)/python -m benchmarks.cli_startup
	$(BIN)/python -m benchmarks.planning
	$(BIN)/python -m benchmarks.api
	$(BIN)/python -m benchmarks.web_pages

# PNGs of the main pages (docs/screenshots/, shown in README): the demo clinic served in development
# mode on a temporary SQLite file, captured by Debian's chromium through Playwright at 1280 px (the plan
# page at 768 px too).
screenshots: setup chromium
	$(BIN)/python -m scripts.screenshots

# PNGs of the first page of each PDF document (docs/documents/, shown in README): the demo clinic on a
# temporary SQLite file with a fixed day, plus a patient with a red flag for the referral letter.
documents: setup pdf-libs
	$(BIN)/python -m scripts.documents

# The network forest plots (docs/network/, shown in README): the two demo clinics on a temporary SQLite
# file with a fixed day, each exporting its signed aggregates, pooled by acupath analytics pool.
network-plot: setup
	$(BIN)/python -m scripts.network_forest

# Meta-analysis speed vs PyMARE and statsmodels, installed only in the separate .venv-bench.
bench-meta:
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found"; exit 1; }
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -c requirements.lock -e . -r benchmarks/requirements-meta.txt
	.venv-bench/bin/python -m benchmarks.meta

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
