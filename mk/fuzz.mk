# make fuzz: builds each libFuzzer harness in tests/fuzz/ with clang and runs
# it FUZZ_SECONDS (default 60) on a seed corpus: the feed parser on a copy of
# tests/data/parse, the JSON API and HTML page maps on the samples of
# tests/data/feeds (and json_read against jansson's reader on the JSON
# ones), the configuration reader on the bundled configurations, the
# sentiment tokeniser, scorer and explanations on tests/data/sentiment.
# `make fuzz FUZZERS=parse` runs one.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZERS      ?= parse json jsonread html conf sentiment
FUZZ_DIR      = $(BUILD)/fuzz
FUZZ_LIB      = src/parse.c src/parse_xml.c src/parse_xml_item.c src/xml_repair.c \
                src/parse_jsonfeed.c src/parse_json.c src/parse_html.c src/parse_map.c \
                src/text.c src/text_date.c src/item.c src/util.c src/buf.c src/log.c \
                src/json_arena.c src/json_read.c
FUZZ_SRC_parse = $(FUZZ_LIB)
FUZZ_SRC_json  = $(FUZZ_LIB)
FUZZ_SRC_jsonread = src/json_read.c src/text.c src/util.c src/buf.c
FUZZ_SRC_html  = $(FUZZ_LIB)
FUZZ_SRC_sentiment = $(SCORE_SRC) src/log.c src/util.c src/buf.c
FUZZ_SRC_conf  = src/conf.c src/conf_read.c src/conf_value.c $(FUZZ_LIB)
FUZZ_SEED_parse = tests/data/parse/*
FUZZ_SEED_json  = tests/data/feeds/*.json tests/data/parse/*.json
FUZZ_SEED_jsonread = $(FUZZ_SEED_json)
FUZZ_SEED_html  = tests/data/feeds/*.html tests/data/parse/*.html
FUZZ_SEED_sentiment = tests/data/sentiment/*
FUZZ_SEED_conf  = feeds/sample/*.conf feeds/sample/*.feed

.PHONY: fuzz
fuzz:
	@if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	    echo "fuzz: skipped, $(FUZZ_CC) is not installed (apt-get install -y clang)"; \
	    exit 0; \
	fi; \
	for f in $(FUZZERS); do \
	    case $$f in parse) src="$(FUZZ_SRC_parse)"; seed="$(FUZZ_SEED_parse)";; \
	                json) src="$(FUZZ_SRC_json)"; seed="$(FUZZ_SEED_json)";; \
	                jsonread) src="$(FUZZ_SRC_jsonread)"; seed="$(FUZZ_SEED_jsonread)";; \
	                html) src="$(FUZZ_SRC_html)"; seed="$(FUZZ_SEED_html)";; \
	                sentiment) src="$(FUZZ_SRC_sentiment)"; seed="$(FUZZ_SEED_sentiment)";; \
	                conf) src="$(FUZZ_SRC_conf)"; seed="$(FUZZ_SEED_conf)";; \
	                *) echo "fuzz: no fuzzer '$$f'"; exit 2;; esac; \
	    mkdir -p $(FUZZ_DIR)/$$f-corpus && \
	    $(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 \
	        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	        $(CPPFLAGS) -o $(FUZZ_DIR)/fuzz_$$f tests/fuzz/fuzz_$$f.c $$src $(LDLIBS) && \
	    cp $$seed $(FUZZ_DIR)/$$f-corpus/ && \
	    $(FUZZ_DIR)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_DIR)/$$f- $(FUZZ_DIR)/$$f-corpus || exit 1; \
	done
