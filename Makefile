# vo-tools — see README.  `make`, `make check`, `make check-asan`,
# `make install PREFIX=/usr/local DESTDIR=`, `make bench`, `make demo`.

CC ?= cc
CFLAGS ?= -O2 -g
PKGS = libcurl expat jansson
VT_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Werror -Ilib $(shell pkg-config --cflags $(PKGS))
VT_LIBS = $(shell pkg-config --libs $(PKGS)) -lm

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

BUILD ?= build
BIN ?= bin

PROGS = $(patsubst cmd/%.c,$(BIN)/%,$(wildcard cmd/*.c))
LIBOBJ = $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(wildcard lib/*.c))
UNITS = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/*.c))
BENCHTOOLS = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

all: $(PROGS) $(UNITS)

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(VT_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/cmd/%.o: cmd/%.c
	@mkdir -p $(dir $@)
	$(CC) $(VT_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libvo.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/%: $(BUILD)/cmd/%.o $(BUILD)/libvo.a
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libvo.a $(VT_LIBS)

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libvo.a
	@mkdir -p $(dir $@)
	$(CC) $(VT_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libvo.a $(VT_LIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libvo.a
	@mkdir -p $(dir $@)
	$(CC) $(VT_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libvo.a $(VT_LIBS)

check: all
	VT_BIN=$(abspath $(BIN)) VT_UNIT=$(abspath $(BUILD))/unit scripts/run-tests

check-asan:
	$(MAKE) BUILD=build-asan BIN=bin-asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	VT_BIN=$(CURDIR)/bin-asan VT_UNIT=$(CURDIR)/build-asan/unit VT_ASAN=1 scripts/run-tests

bench: all $(BENCHTOOLS)
	VT_BIN=$(abspath $(BIN)) VT_BENCHTOOLS=$(abspath $(BUILD))/bench bench/run
	VT_BIN=$(abspath $(BIN)) bench/tap-small
	VT_BIN=$(abspath $(BIN)) bench/cutouts

demo: all
	scripts/demo

install: $(PROGS)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGS); do install -m 755 $$p $(DESTDIR)$(BINDIR)/; done
	for m in man/*.1; do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/; done
	for m in man/*.7; do install -m 644 $$m $(DESTDIR)$(MANDIR)/man7/; done
	for m in man/*.5; do [ -e "$$m" ] || continue; mkdir -p $(DESTDIR)$(MANDIR)/man5; install -m 644 $$m $(DESTDIR)$(MANDIR)/man5/; done

clean:
	rm -rf build build-asan bin bin-asan

.PHONY: all check check-asan bench demo install clean
.SECONDARY:

# ---- fuzzing: libFuzzer harnesses in fuzz/ (see fuzz/README) ----------------
# `make fuzz` runs each harness FUZZ_SECONDS (FUZZ=NAME... for some only);
# `make fuzz-smoke` runs each briefly (CI); `make fuzz-cov` measures coverage.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 15
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SAN = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_HARNESS_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib -Ifuzz \
	$(shell pkg-config --cflags $(PKGS))
FUZZ_NAMES = $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_COV = -O1 -g -fprofile-instr-generate -fcoverage-mapping

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" $(FUZZ_BUILD)/libvo.a
	$(MAKE) BUILD=$(FUZZ_BUILD) fuzz-bins FUZZ_FLAVOUR="$(FUZZ_SAN)"

fuzz-cov-build:
	$(MAKE) BUILD=$(FUZZ_BUILD)-cov CC=$(FUZZ_CC) CFLAGS="$(FUZZ_COV)" $(FUZZ_BUILD)-cov/libvo.a
	$(MAKE) BUILD=$(FUZZ_BUILD)-cov fuzz-bins FUZZ_FLAVOUR="$(FUZZ_COV)"

fuzz-bins: $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_NAMES))

$(BUILD)/fuzz/%: fuzz/fuzz_%.c fuzz/fuzz.h $(BUILD)/libvo.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_HARNESS_CFLAGS) $(FUZZ_FLAVOUR) -fsanitize=fuzzer -o $@ $< $(BUILD)/libvo.a $(VT_LIBS) -lpthread

fuzz: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) fuzz/run -t $(FUZZ_SECONDS) $(FUZZ)

fuzz-smoke: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) fuzz/run --smoke -t $(FUZZ_SMOKE_SECONDS) $(FUZZ)

fuzz-cov: fuzz-cov-build
	FUZZ_BUILD=$(FUZZ_BUILD) fuzz/coverage $(FUZZ)

.PHONY: fuzz fuzz-smoke fuzz-cov fuzz-build fuzz-cov-build fuzz-bins

-include $(wildcard $(BUILD)/*/*.d)
