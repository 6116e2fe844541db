# cachepong: plain GNU Makefile.  `make` builds build/cachepong; `make test`
# and `make report` are the two commands of the README.  Every target that
# builds first runs `make deps`, which installs missing Debian packages.
#
# Variables: SAN=asan|tsan builds a sanitizer variant under build/$(SAN)/;
# SAN=fuzz (with CC=clang) the libFuzzer targets of tests/fuzz under build/fuzz/;
# CROSS=aarch64-linux-gnu- builds the kernels' aarch64 test under build/aarch64/.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
CC        ?= cc
SAN       ?=
BUILD     ?= build$(if $(SAN),/$(SAN))
PKG_CONFIG ?= pkg-config

CFLAGS    ?= -O2 -g
override CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
# src/ by layer, each using only those before it (tools/layers.py checks):
# common (cp.h, parsing, statistics, the options as data), harness (agents,
# the sampling engine, timer, pinning, shared memory), out (results,
# metadata, CSV), exp (one file per experiment, typed requests), sweep (the
# engine that runs cells), suite (the registry of experiments, presets,
# plan files, the matrix), report, fleet, cli (the command line: options
# into requests, the tools' commands)
SRC_LAYERS := common harness out exp sweep suite report fleet cli
override CPPFLAGS  += -MMD -MP -D_GNU_SOURCE $(SRC_LAYERS:%=-Isrc/%) -Ikernels -Itopology -Icounters -I$(BUILD) -I$(BUILD)/config
override LDLIBS    += -lpthread -lm -lrt

ifeq ($(SAN),asan)
override CFLAGS    += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS   += -fsanitize=address,undefined
endif
ifeq ($(SAN),fuzz)
override CFLAGS    += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS   += -fsanitize=address,undefined
endif
ifeq ($(SAN),tsan)
override CFLAGS    += -fsanitize=thread -fno-omit-frame-pointer
override LDFLAGS   += -fsanitize=thread
endif

# ---- configuration: probed after `make deps`, recorded in $(BUILD)/config/ ----
# The public targets (all, test, report, install, bench) install the Debian
# packages first and then build in a sub-make, so the probes of
# tools/configure.sh see what was just installed.  Each answer is a header
# (have_<lib>.h) that only the sources using the library include, and the
# compile and link flags are recorded too: a changed answer, CFLAGS, SAN,
# PREFIX or compiler rebuilds what it affects, with no `make clean`.
# WITHOUT=papi,likwid leaves libraries out on purpose.
OUTER_GOALS := all test report install bench deps deps-test deps-deb deb clean test-fresh fuzz test-vm test-slurm
CONFIG_GOALS := $(filter-out $(OUTER_GOALS),$(or $(MAKECMDGOALS),all))
ifneq ($(CONFIG_GOALS),)
CONFIG_LINE := $(shell CC='$(CC)' CFLAGS='$(CFLAGS)' CPPFLAGS='$(CPPFLAGS)' LDFLAGS='$(LDFLAGS)' \
	PREFIX='$(PREFIX)' WITHOUT='$(WITHOUT)' sh tools/configure.sh $(BUILD))
$(info $(CONFIG_LINE))
include $(BUILD)/config/config.mk
ifneq ($(CONFIG_ERROR),)
$(error $(CONFIG_ERROR))
endif
override LDLIBS += $(CONFIG_LDLIBS)
endif
CONFIG_FLAGS := $(BUILD)/config/flags
CONFIG_LINK  := $(BUILD)/config/link

# ---- sources: every .c of these folders is part of the binary ----
SRC_DIRS  := $(SRC_LAYERS:%=src/%) kernels topology counters
SRCS      := $(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
OBJS      := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/src/cli/main.o,$(OBJS))
BIN       := $(BUILD)/cachepong

# written by the binary from its own tables, so they cannot disagree with
# it: the bash completion and the JSON Schema documents
COMPLETION := $(BUILD)/completion/cachepong
SCHEMAS    := $(BUILD)/schema/.written
GENERATED  := $(COMPLETION) $(SCHEMAS)

.PHONY: all deps deps-test deps-deb deb generated test test-unit test-cli bench report install clean test-fresh fuzz test-vm test-slurm FORCE
all: deps
	@$(MAKE) --no-print-directory $(BIN) $(GENERATED)
generated: $(GENERATED)

deps:
	@sh tools/deps.sh build
deps-test:
	@sh tools/deps.sh test
deps-deb:
	@sh tools/deps.sh deb

# V=1 shows the whole command lines
Q := $(if $(V),,@)

$(BIN): $(OBJS) $(CONFIG_LINK)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/%.o: %.c $(CONFIG_FLAGS) | $(BUILD)/version.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The revision is rewritten only when it changes, so builds stay incremental.
$(BUILD)/version.h: FORCE
	@mkdir -p $(BUILD)
	@rev=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	 git diff --quiet HEAD -- 2>/dev/null || rev="$$rev-dirty"; \
	 [ -n "$$CACHEPONG_GIT_REV" ] && rev=$$CACHEPONG_GIT_REV; \
	 printf '#define CP_VERSION "%s"\n#define CP_GIT_REV "%s"\n' '$(VERSION)' "$$rev" > $@.tmp; \
	 cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(COMPLETION): $(BIN)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(BIN) completion bash > $@.tmp && mv $@.tmp $@
$(SCHEMAS): $(BIN)
	@mkdir -p $(dir $@)
	@echo "  GEN     $(dir $@)*.schema.json"
	$(Q)for n in $$($(BIN) schema list); do $(BIN) schema $$n --out $(dir $@)$$n.schema.json || exit 1; done
	$(Q)touch $@

# `make kernels/cas.s`: the generated assembly of one file, as built.
%.s: %.c FORCE $(BUILD)/version.h
	$(CC) $(filter-out -MMD -MP,$(CPPFLAGS)) $(CFLAGS) -fverbose-asm -S -o $@ $<

# ---- tests: unit tests (cmocka), CLI tests, sanitizer builds ----
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) $(CONFIG_FLAGS) $(CONFIG_LINK)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(if $(HAVE_CMOCKA),,echo "cmocka is missing (libcmocka-dev): run make deps-test" >&2; exit 1;)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-unused-parameter $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

# the faults the tests put in (tests/faults/*.c, LD_PRELOAD shims): plain
# flags, never a sanitizer's (its runtime must come first in the process)
FAULT_LIBS := $(patsubst tests/faults/%.c,build/tests/lib%.so,$(wildcard tests/faults/*.c))
build/tests/lib%.so: tests/faults/%.c
	@mkdir -p $(dir $@)
	@echo "  SHIM    $@"
	$(Q)$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

unit-bins: $(UNIT_BINS) $(if $(SAN),,$(FAULT_LIBS))
.PHONY: unit-bins

# libFuzzer targets (SAN=fuzz CC=clang): one binary per line of
# tests/fuzz/targets.def, the library objects built with the fuzzer's
# coverage and ASan/UBSan.
FUZZ_NAMES := $(shell sed -n 's/^FUZZ.\([a-z0-9_]*\),.*/\1/p' tests/fuzz/targets.def)
FUZZ_BINS  := $(FUZZ_NAMES:%=$(BUILD)/fuzz_%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz.c $(LIB_OBJS) $(CONFIG_FLAGS) $(CONFIG_LINK)
	@echo "  FUZZ    $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -DFUZZ_NAME=$* -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

fuzz-bins: $(FUZZ_BINS)
.PHONY: fuzz-bins
FUZZ_BUILD = $(MAKE) --no-print-directory SAN=fuzz CC=clang BUILD=build/fuzz fuzz-bins

# FUZZ_TIME=600 make fuzz: each target for that many seconds (default 300)
fuzz: deps deps-test
	@$(FUZZ_BUILD)
	@sh tests/fuzz/run.sh $(or $(FUZZ_TIME),300) && echo "fuzz: no failure"

# The kernels for aarch64, run under qemu-user by tests/run.sh: static, so
# qemu needs no sysroot.
AARCH64_CC ?= aarch64-linux-gnu-gcc
KERNEL_SRCS := $(wildcard kernels/*.c)
build/aarch64/pp_cross: tests/aarch64/pp_cross.c $(KERNEL_SRCS) $(wildcard kernels/*.h) src/common/cp.c src/common/cp.h
	@mkdir -p $(dir $@)
	$(AARCH64_CC) -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc/common -Ikernels -static \
		-o $@ tests/aarch64/pp_cross.c $(KERNEL_SRCS) src/common/cp.c -lpthread -lm

# the fresh-root test (tests/fresh/run.sh): a Debian root with nothing but
# gcc, make, git, python3; the README's commands there; needs root
test-fresh:
	@sh tests/fresh/run.sh

# the qemu NUMA guests (tests/vm/run.sh): several sockets and nodes on a real
# kernel, huge pages and THP, the CLI tests inside; `make test` runs it too
test-vm: deps deps-test
	@$(MAKE) --no-print-directory $(BIN)
	@sh tests/vm/run.sh

# a real Slurm on this machine (tests/slurm/run.sh): a fleet of two tasks
# and its comparison; `make test` runs it too
test-slurm: deps deps-test
	@$(MAKE) --no-print-directory $(BIN)
	@sh tests/slurm/run.sh

test: deps deps-test
	@$(MAKE) --no-print-directory $(BIN) $(GENERATED) unit-bins
	@$(MAKE) --no-print-directory SAN=asan BUILD=build/asan build/asan/cachepong unit-bins
	@$(MAKE) --no-print-directory SAN=tsan BUILD=build/tsan build/tsan/cachepong
	@if command -v clang >/dev/null; then $(FUZZ_BUILD); fi
	@if command -v $(AARCH64_CC) >/dev/null; then $(MAKE) --no-print-directory build/aarch64/pp_cross; fi
	@sh tests/run.sh

bench: all
	@sh bench/pingpong.sh

# BUDGET=30s make report: a shorter standard sweep (default 5m)
report: all
	@sh tools/report.sh $(if $(BUDGET),--budget $(BUDGET))

install: all
	@$(MAKE) --no-print-directory install-files
# The data files where the binary looks (PREFIX/share/cachepong, see
# src/common/cp_datadir.c), the completion where bash-completion looks
# (PREFIX/share/bash-completion/completions), the examples with the docs.
SHARE := $(DESTDIR)$(PREFIX)/share
install-files: $(BIN) $(GENERATED)
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/cachepong/plots $(SHARE)/cachepong/counters \
		$(SHARE)/cachepong/schema $(SHARE)/cachepong/tools/slurm $(SHARE)/man/man1 \
		$(SHARE)/bash-completion/completions $(SHARE)/doc/cachepong/examples
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/cachepong
	install -m 644 plots/*.gp $(SHARE)/cachepong/plots/
	install -m 644 counters/*.txt $(SHARE)/cachepong/counters/
	install -m 644 $(BUILD)/schema/*.schema.json $(SHARE)/cachepong/schema/
	install -m 755 tools/slurm/cachepong-task.sbatch $(SHARE)/cachepong/tools/slurm/
	install -m 644 doc/cachepong.1 $(SHARE)/man/man1/cachepong.1
	install -m 644 $(COMPLETION) $(SHARE)/bash-completion/completions/cachepong
	install -m 644 doc/examples/* $(SHARE)/doc/cachepong/examples/

# `make deb [DEBDIR=DIR]`: the Debian package (debian/, dpkg-buildpackage)
# built in a copy of this tree, its files put in DIR (default: ..); a file
# already there of the same name is never overwritten.
deb: deps deps-deb
	@sh tools/deb.sh "$(VERSION)" "$(or $(DEBDIR),..)"

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)
