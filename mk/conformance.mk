# make conformance: earshot's parser over feedparser's test corpus (not in
# the repo): per folder, how many of the applicable cases (expectations on
# the fields earshot extracts) come out as expected; any crash or hang
# fails the target. SHARED_CORPUS=DIR points at the corpus; skipped when it
# is absent or python3 is missing. CONFORMANCE_VERBOSE=1 lists the failures.
SHARED_CORPUS ?= ../shared/corpus/feedparser
CONFORMANCE_TIMEOUT ?= 10

.PHONY: conformance
conformance: $(EARSHOT)
	@if [ ! -d "$(SHARED_CORPUS)/wellformed" ]; then \
		echo "make conformance: skipped: no feedparser corpus in $(SHARED_CORPUS);" \
		    "set SHARED_CORPUS=DIR to point at it"; \
	elif ! command -v python3 >/dev/null 2>&1; then \
		echo "make conformance: skipped: python3 is not installed"; \
	else \
		scripts/conformance $(EARSHOT) $(SHARED_CORPUS) $(CONFORMANCE_TIMEOUT); \
	fi
