# make bench-match: match-stage throughput, 200 brands over 100,000 synthetic
# items from a fixed seed, printed as items/s.
BENCH_MATCH = $(BUILD)/bench/bench_match

.PHONY: bench-match
bench-match: $(BENCH_MATCH)
	$(BENCH_MATCH)

$(BENCH_MATCH): tests/bench_match.c src/match.c src/match.h src/log.c src/util.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 $(LDFLAGS) -o $@ tests/bench_match.c \
	    src/match.c src/log.c src/util.c $(LDLIBS)
