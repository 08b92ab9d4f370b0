# make bench-fetch: one `earshot run --all` over BENCH_FEEDS synthetic RSS
# feeds of BENCH_ITEMS items from loopback servers, then again with every
# feed answering 304: wall time, feeds/s, peak RSS and their ratio, with the
# servers' own ceiling measured by curl alone. BENCH_MENTIONS is the percent
# of items naming a brand. Not a test.
BENCH_FEEDS ?= 2000
BENCH_ITEMS ?= 50
BENCH_HOSTS ?= 16
BENCH_MENTIONS ?= 5

.PHONY: bench-fetch
bench-fetch: $(EARSHOT)
	@scripts/bench-fetch $(EARSHOT) $(BUILD)/bench-fetch $(BENCH_FEEDS) $(BENCH_ITEMS) $(BENCH_HOSTS) \
	    $(BENCH_MENTIONS)
