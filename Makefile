# MentorDesk: `make run` sets up and starts the app; `make test` sets up and runs every test.
# Both create .venv and install into it when needed (again whenever pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bundle sysdeps clean

$(STAMP): pyproject.toml
	@scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

sysdeps:
	@scripts/system-deps.sh

run: $(STAMP)
	$(BIN)/mentordesk $(ARGS)

test: $(STAMP) sysdeps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check mentordesk tests benchmarks scripts installers
	$(BIN)/mypy mentordesk

bench: $(STAMP) sysdeps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

# The Linux one-folder bundle (PyInstaller) and its AppDir, smoke-tested frozen, also on an
# X server (Xvfb), installed and uninstalled: installers/README.md.
bundle: $(STAMP) sysdeps
	@scripts/system-deps.sh --bundle
	$(BIN)/python -m pip install --quiet -e ".[build]"
	installers/build_linux.sh
	installers/linux/build_appimage.sh
	dist/MentorDesk.AppDir/AppRun --smoke-test

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
