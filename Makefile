# fupin - one non-recursive Makefile.
#   make demo     install what is missing, build, index corpus/, run a sample query
#   make test     install what is missing, build, run every test (ends "N passed, N failed")
#   make bench    benchmarks (prints tables)
#   make asan     everything under AddressSanitizer + UBSan, and the tests
#   make fuzz     libFuzzer targets for a set time (FUZZ_SECONDS)
#   make install  PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
CGIDIR  ?= $(PREFIX)/lib/cgi-bin
MANDIR  ?= $(PREFIX)/share/man
CC      ?= cc
CXX     ?= c++
BUILD   ?= build
BIN     ?= bin
CFLAGS  ?= -O2 -g
CXXFLAGS ?= -O2 -g
WARN    := -Wall -Wextra -Werror
PKGS    := xapian-core libzstd libutf8proc jansson zlib fcgi opencc gumbo uchardet
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -MMD -MP -D_GNU_SOURCE $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lpthread -lm
# Programs link the archive, so each takes only the objects it uses, and
# --as-needed then drops the libraries it does not call: fupin.cgi, started
# once per CGI request, does not load gumbo or uchardet.
LINKAS  := -Wl,--as-needed

COMMON_C   := $(sort $(wildcard common/*.c))
COMMON_CXX := common/xap.cc
INDEX_C    := $(filter-out indexer/main.c,$(sort $(wildcard indexer/*.c)))
SEARCH_C   := $(filter-out searcher/main.c searcher/cgi.c,$(sort $(wildcard searcher/*.c)))
TEST_C     := $(sort $(wildcard tests/test_*.c))
TOOL_C     := $(sort $(wildcard tests/tools/*.c))

obj = $(patsubst %.c,$(BUILD)/%.o,$(patsubst %.cc,$(BUILD)/%.o,$(1)))
COMMON_O := $(call obj,$(COMMON_C) $(COMMON_CXX))
INDEX_O  := $(call obj,$(INDEX_C))
SEARCH_O := $(call obj,$(SEARCH_C))
LIBS_O   := $(SEARCH_O) $(INDEX_O) $(COMMON_O)
LIBA     := $(BUILD)/libfupin.a
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_C))
TOOLS    := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_C))
FUZZ_C   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAYS  := $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/fuzz/replay_%,$(FUZZ_C))
PROGS    := $(BIN)/fupin-index $(BIN)/fupin-search $(BIN)/fupin.cgi

.PHONY: all build deps test check demo bench asan fuzz install clean
all: $(PROGS)
build: $(PROGS) $(TESTS) $(TOOLS) $(REPLAYS)

deps:
	@scripts/install-deps build

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -std=c11 -c $< -o $@
$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(WARN) -std=c++17 -c $< -o $@

$(LIBA): $(LIBS_O)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^
$(BIN)/fupin-index: $(BUILD)/indexer/main.o $(LIBA)
	@mkdir -p $(@D)
	$(CXX) $(CFLAGS) $(LDFLAGS) $(LINKAS) -o $@ $^ $(LDLIBS)
$(BIN)/fupin-search: $(BUILD)/searcher/main.o $(LIBA)
	@mkdir -p $(@D)
	$(CXX) $(CFLAGS) $(LDFLAGS) $(LINKAS) -o $@ $^ $(LDLIBS)
$(BIN)/fupin.cgi: $(BUILD)/searcher/cgi.o $(LIBA)
	@mkdir -p $(@D)
	$(CXX) $(CFLAGS) $(LDFLAGS) $(LINKAS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CXX) $(CFLAGS) $(LDFLAGS) $(LINKAS) -o $@ $^ $(LDLIBS)
$(BUILD)/tools/%: $(BUILD)/tests/tools/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CXX) $(CFLAGS) $(LDFLAGS) $(LINKAS) -o $@ $^ $(LDLIBS)

# Fuzz targets built with a plain main that replays saved inputs (make test
# runs them over tests/fuzz/corpus/NAME); `make fuzz` builds them for libFuzzer.
$(BUILD)/fuzz/replay_%.o: tests/fuzz/fuzz_%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -std=c11 -DFUPIN_FUZZ_REPLAY_MAIN -c $< -o $@
$(BUILD)/fuzz/replay_%: $(BUILD)/fuzz/replay_%.o $(LIBA)
	@mkdir -p $(@D)
	$(CXX) $(CFLAGS) $(LDFLAGS) $(LINKAS) -o $@ $^ $(LDLIBS)

# README command 2.  install-deps runs first, in its own make, so that the
# pkg-config flags above are read once the packages are there.
test check:
	@scripts/install-deps test
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) BIN=$(BIN) scripts/run-tests

# README command 1: the main job on the bundled corpus.
demo:
	@scripts/install-deps build
	@$(MAKE) --no-print-directory all
	rm -rf fupin.db
	$(BIN)/fupin-index -d fupin.db corpus/
	$(BIN)/fupin-search -d fupin.db 驻村 第一书记

bench:
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) BIN=$(BIN) scripts/bench/run

# Warnings stay on but are not errors here: gcc's flow analysis gives false
# positives under the sanitizers (-Wnonnull, -Wmaybe-uninitialized); the
# normal build keeps -Werror.
asan:
	@scripts/install-deps test
	@$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/bin WARN="-Wall -Wextra" \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	  CXXFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" build
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  BUILD=build/asan BIN=build/asan/bin scripts/run-tests

FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps test
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

# The CGI goes where web servers look for CGI programs (Debian's Apache and
# lighttpd: /usr/lib/cgi-bin, i.e. PREFIX=/usr), with its man page.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(CGIDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(BIN)/fupin-index $(BIN)/fupin-search $(DESTDIR)$(BINDIR)/
	install -m 755 $(BIN)/fupin.cgi $(DESTDIR)$(CGIDIR)/fupin.cgi
	install -m 644 searcher/fupin.cgi.8 $(DESTDIR)$(MANDIR)/man8/fupin.cgi.8

clean:
	rm -rf build bin fupin.db

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
