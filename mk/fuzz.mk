# make fuzz: builds the parse fuzzer with clang and runs it FUZZ_SECONDS
# (default 60) on a copy of tests/data/parse as the seed corpus.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_DIR      = $(BUILD)/fuzz
FUZZ_SRC      = tests/fuzz/fuzz_parse.c src/parse.c src/parse_xml.c src/text.c \
                src/item.c src/util.c src/buf.c src/log.c

.PHONY: fuzz
fuzz:
	@if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	    echo "fuzz: skipped, $(FUZZ_CC) is not installed (apt-get install -y clang)"; \
	    exit 0; \
	fi; \
	mkdir -p $(FUZZ_DIR)/corpus && \
	$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    $(CPPFLAGS) -o $(FUZZ_DIR)/fuzz_parse $(FUZZ_SRC) $(LDLIBS) && \
	cp tests/data/parse/* $(FUZZ_DIR)/corpus/ && \
	$(FUZZ_DIR)/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/ \
	    $(FUZZ_DIR)/corpus
