# make bench-match: match-stage throughput, 200 brands over 100,000 synthetic
# items from a fixed seed, printed as items/s.
BENCH_MATCH = $(BUILD)/bench/bench_match

.PHONY: bench-match
bench-match: $(BENCH_MATCH)
	$(BENCH_MATCH)

MATCH_SRC = src/match.c src/match_literal.c src/match_prefilter.c src/match_context.c

$(BENCH_MATCH): tests/bench_match.c $(MATCH_SRC) src/match.h src/match_int.h src/log.c src/util.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 $(LDFLAGS) -o $@ tests/bench_match.c \
	    $(MATCH_SRC) src/log.c src/util.c $(LDLIBS)

# make bench-score: sentiment scoring throughput with the bundled lexicon.
BENCH_SCORE = $(BUILD)/bench/bench_score

.PHONY: bench-score
bench-score: $(BENCH_SCORE)
	$(BENCH_SCORE)

SCORE_SRC = src/sentiment.c src/sentiment_explain.c src/token.c src/lexicon.c \
	src/lexicon_load.c
SCORE_HDR = src/sentiment.h src/sentiment_int.h src/token.h src/lexicon.h \
	src/lexicon_int.h

$(BENCH_SCORE): tests/bench_score.c $(SCORE_SRC) $(SCORE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 $(LDFLAGS) -o $@ tests/bench_score.c \
	    $(SCORE_SRC) src/log.c src/util.c src/buf.c $(LDLIBS)

# make bench-sentiment: `earshot score` against the npm peers vader-sentiment
# and sentiment (AFINN) on BENCH_SENTENCES generated short sentences, as a
# table of sentences/s with ratios, plus the lexicon load time. The peers are
# installed into PEER_DIR (see mk/eval.mk) and skipped when they cannot be.
BENCH_SENTENCES ?= 200000
PEER_DIR        ?= $(BUILD)/peers

.PHONY: bench-sentiment
bench-sentiment: $(EARSHOT) $(BENCH_SCORE)
	@mkdir -p $(BUILD)/bench
	@scripts/bench-sentences $(BENCH_SENTENCES) >$(BUILD)/bench/sentences.txt
	@if why=$$(scripts/sentiment-peers $(PEER_DIR) 2>&1); then \
		scripts/bench-sentiment $(EARSHOT) $(BENCH_SCORE) \
		    $(BUILD)/bench/sentences.txt $(PEER_DIR); \
	else \
		echo "bench-sentiment: npm peers skipped: $$why"; \
		scripts/bench-sentiment $(EARSHOT) $(BENCH_SCORE) \
		    $(BUILD)/bench/sentences.txt; \
	fi

# The loopback feed server of make bench, make bench-fetch and
# tests/t_bench_serve.sh, in C: curl alone needed a second for 1000 feeds
# from Python's http.server, which capped what the benches could measure.
# The scripts find it in $BENCH_SERVE.
BENCH_SERVE_BIN = $(BUILD)/bench/bench_serve

BENCH_SERVE_SRC = tests/bench_serve.c tests/bench_serve_files.c src/util.c

$(BENCH_SERVE_BIN): $(BENCH_SERVE_SRC) tests/bench_serve.h src/util.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 $(LDFLAGS) -o $@ $(BENCH_SERVE_SRC)

bench bench-fetch test valgrind: $(BENCH_SERVE_BIN)
bench bench-fetch test valgrind: export BENCH_SERVE = $(abspath $(BENCH_SERVE_BIN))

# make bench: earshot end to end at BENCH_SIZES feeds of BENCH_ITEMS items
# (RSS, Atom, JSON Feed and a JSON API, BENCH_MENTIONS per cent of posts
# naming one of 50 brands) from BENCH_HOSTS loopback addresses: a full pass
# and an all-304 pass (each run BENCH_REPEAT times, the median kept; by
# default 7 times up to 1,000 feeds and 5 above),
# per-stage times (run --stats), growth between sizes, a second full pass
# of new items over the largest history (BENCH_HISTORY=0 leaves it out),
# and the same job in Python with feedparser on BENCH_PEER_SIZES (by
# default the first and the largest), run BENCH_PEER_REPEAT times (by
# default 3 up to 4,000 feeds, 1 above; skipped when feedparser is
# missing). See scripts/bench.
BENCH_SIZES ?= 1000 4000 16000
BENCH_PEER_SIZES ?= $(firstword $(BENCH_SIZES)) $(lastword $(BENCH_SIZES))
BENCH_HISTORY ?= 1
BENCH_REPEAT ?=
BENCH_PEER_REPEAT ?=

.PHONY: bench
bench: $(EARSHOT)
	@BENCH_SIZES="$(BENCH_SIZES)" BENCH_ITEMS=$(BENCH_ITEMS) BENCH_HOSTS=$(BENCH_HOSTS) \
	    BENCH_MENTIONS=$(BENCH_MENTIONS) BENCH_PEER_SIZES="$(BENCH_PEER_SIZES)" \
	    BENCH_HISTORY=$(BENCH_HISTORY) BENCH_REPEAT=$(BENCH_REPEAT) \
	    BENCH_PEER_REPEAT="$(BENCH_PEER_REPEAT)" \
	    scripts/bench $(EARSHOT) $(BUILD)/bench/e2e
