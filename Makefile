# The two commands a user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ikqa-installed

.PHONY: run test install index clean-index

run: index
	$(BIN)/ikqa serve

test: install
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

index: install
	$(BIN)/ikqa ingest --if-missing

clean-index:
	rm -rf index/gen-* index/CURRENT index/encoder
