# earshot — plain GNU make. `make` builds ./earshot; `make help` lists targets.
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/earshot
CC      ?= cc
BUILD   ?= build

PKGS       = libcurl libxml-2.0 jansson libpcre2-8 sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -pthread
ifeq ($(WERROR),1)
CFLAGS += -Werror
endif
CPPFLAGS += -Isrc -DEARSHOT_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lm -pthread

SRC     = $(wildcard src/*.c)
OBJ     = $(SRC:src/%.c=$(BUILD)/%.o)
LIBOBJ  = $(filter-out $(BUILD)/main.o,$(OBJ))
TESTSRC = $(wildcard tests/test_*.c)
TESTBIN = $(TESTSRC:tests/%.c=$(BUILD)/tests/%)
EARSHOT = $(if $(filter build,$(BUILD)),./earshot,$(BUILD)/earshot)

.PHONY: all test asan valgrind run install uninstall clean help
all: $(EARSHOT)

$(EARSHOT): $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(wildcard tests/*.h) $(LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS)

-include $(OBJ:.o=.d)

# Unit test binaries and tests/*.sh; tests/run sums them into "N passed, N failed".
test: $(EARSHOT) $(TESTBIN)
	@EARSHOT=$(abspath $(EARSHOT)) tests/run $(BUILD)/tests

# The same tests in a separate build with AddressSanitizer and UBSan.
asan:
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" test

# Every test under valgrind's memcheck: the unit tests directly, the shell
# tests through a wrapper that runs the binary under it. An error or a leak
# makes the process exit 99, which no test expects. (PCRE2's JIT code is
# opaque to valgrind, so the binary runs the regex interpreter there.)
VALGRIND = valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99
valgrind: $(EARSHOT) $(TESTBIN)
	@printf '#!/bin/sh\nEARSHOT_NO_JIT=1 exec $(VALGRIND) $(abspath $(EARSHOT)) "$$@"\n' \
	    >$(BUILD)/vg-earshot
	@chmod +x $(BUILD)/vg-earshot
	@TEST_WRAP="$(VALGRIND)" EARSHOT=$(abspath $(BUILD)/vg-earshot) tests/run $(BUILD)/tests

# Set up (dependencies, build) and run the main job on the offline sample.
run:
	@scripts/deps
	@$(MAKE) --no-print-directory all
	@scripts/run-sample

clean:
	rm -rf build earshot

help:
	@echo "make            build ./earshot"
	@echo "make run        install dependencies, build, run on the offline sample"
	@echo "make test       run all tests (WERROR=1 for warnings as errors)"
	@echo "make asan       run all tests under AddressSanitizer + UBSan"
	@echo "make valgrind   run all tests under valgrind memcheck"
	@echo "make install    install under PREFIX (default /usr/local), honours DESTDIR"
	@echo "make uninstall  remove what make install put there"
	@echo "make bench      the whole pipeline at 1x/4x/16x feeds vs Python (BENCH_SIZES=...)"
	@echo "make bench-match, bench-score   throughput of matching and scoring"
	@echo "make bench-fetch  one run over 2,000 loopback feeds, then all-304 (BENCH_FEEDS=...)"
	@echo "make bench-sentiment   earshot score against the npm sentiment peers"
	@echo "make bench-parse  parsing throughput vs libxml2 and python3-feedparser"
	@echo "make eval       sentiment accuracy on ../shared/data/sentiment (SHARED=DIR)"
	@echo "make fuzz       run the fuzzers (FUZZ_SECONDS=60 each)"
	@echo "make conformance  the parser on feedparser's corpus (SHARED_CORPUS=DIR)"
	@echo "make check-html  the HTML digest rendered in headless Chromium (skips without it)"

# Further targets (install, bench, eval, fuzz, conformance) live in mk/*.mk.
-include mk/*.mk
