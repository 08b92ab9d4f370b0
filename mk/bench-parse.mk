# make bench-parse: parse-stage throughput on a generated corpus
# (BENCH_FEED_COUNT feeds, about 20 kB each, from a fixed seed): earshot's
# parse_feed, a bare libxml2 reader pass over the same bytes, and
# python3-feedparser when installed (skipped otherwise), as MB/s, items/s
# and ratios.
BENCH_PARSE      = $(BUILD)/bench/bench_parse
BENCH_PARSE_CORPUS = $(BUILD)/bench/feeds-$(BENCH_FEED_COUNT)
BENCH_FEED_COUNT ?= 2000

.PHONY: bench-parse
bench-parse: $(BENCH_PARSE) $(BENCH_PARSE_CORPUS)/.done
	@fp=$$(scripts/bench-feedparser $(BENCH_PARSE_CORPUS)); \
	if [ -n "$$fp" ]; then \
		$(BENCH_PARSE) --peer-seconds $${fp% *} $(BENCH_PARSE_CORPUS)/*.xml; \
	else \
		echo "feedparser: skipped"; \
		$(BENCH_PARSE) $(BENCH_PARSE_CORPUS)/*.xml; \
	fi

$(BENCH_PARSE_CORPUS)/.done: scripts/gen-feeds
	scripts/gen-feeds $(BENCH_PARSE_CORPUS) $(BENCH_FEED_COUNT)
	@touch $@

$(BENCH_PARSE): tests/bench_parse.c $(LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 $(LDFLAGS) -o $@ tests/bench_parse.c $(LIBOBJ) $(LDLIBS)
