# `make eval`: how well the sentiment scorer reads labelled review sentences.
# SHARED is a directory of *.txt files of `sentence<TAB>label` (1 positive,
# 0 negative); EVAL_FLAGS is passed to `earshot score` (e.g. --lexicon FILE).
SHARED     ?= ../shared/data/sentiment
EVAL_FLAGS ?=

.PHONY: eval
eval: $(EARSHOT)
	@if ls $(SHARED)/*.txt >/dev/null 2>&1; then \
		scripts/eval-sentiment $(EARSHOT) $(SHARED) $(EVAL_FLAGS); \
	else \
		echo "make eval: skipped: no labelled sentences (*.txt) in $(SHARED);" \
		    "set SHARED=DIR to point at them"; \
	fi
