# `make eval`: how well the sentiment scorer reads labelled review sentences.
# SHARED is a directory of *.txt files of `sentence<TAB>label` (1 positive,
# 0 negative); EVAL_FLAGS is passed to `earshot score` (e.g. --lexicon FILE).
# The npm peers vader-sentiment and sentiment (AFINN) are installed into
# PEER_DIR and measured in the same table; without node, npm or network
# they are skipped with a note. EVAL_PEERS=no leaves them out.
SHARED     ?= ../shared/data/sentiment
EVAL_FLAGS ?=
EVAL_PEERS ?= yes
PEER_DIR   ?= $(BUILD)/peers

.PHONY: eval
eval: $(EARSHOT)
	@if ls $(SHARED)/*.txt >/dev/null 2>&1; then \
		peers=; \
		if [ "$(EVAL_PEERS)" = yes ]; then \
			if why=$$(scripts/sentiment-peers $(PEER_DIR) 2>&1); then \
				peers=$(PEER_DIR); \
			else echo "make eval: npm peers skipped: $$why"; fi; \
		fi; \
		PEERS=$$peers scripts/eval-sentiment $(EARSHOT) $(SHARED) $(EVAL_FLAGS); \
	else \
		echo "make eval: skipped: no labelled sentences (*.txt) in $(SHARED);" \
		    "set SHARED=DIR to point at them"; \
	fi
