# cachepong: plain GNU Makefile.  `make` builds build/cachepong; `make test`
# and `make report` are the two commands of the README.  Every target that
# builds first runs `make deps`, which installs missing Debian packages.
#
# Variables: SAN=asan|tsan builds a sanitizer variant under build/$(SAN)/;
# CROSS=aarch64-linux-gnu- builds the kernels' aarch64 test under build/aarch64/.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
CC        ?= cc
SAN       ?=
BUILD     := build$(if $(SAN),/$(SAN))
PKG_CONFIG ?= pkg-config

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
CPPFLAGS  += -MMD -MP -D_GNU_SOURCE -Isrc -Ikernels -Itopology -Icounters -I$(BUILD)
LDLIBS    += -lpthread -lm -lrt

ifeq ($(SAN),asan)
CFLAGS    += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS   += -fsanitize=address,undefined
endif
ifeq ($(SAN),tsan)
CFLAGS    += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS   += -fsanitize=thread
endif

# ---- feature probes: optional libraries are compiled in when present ----
probe = $(shell printf '#include <$(1)>\nint main(void){return 0;}\n' | \
	$(CC) -x c - -o /dev/null $(2) >/dev/null 2>&1 && echo yes)
HAVE_HWLOC  := $(call probe,hwloc.h,-lhwloc)
HAVE_NUMA   := $(call probe,numa.h,-lnuma)
HAVE_PAPI   := $(call probe,papi.h,-lpapi)
HAVE_LIKWID := $(call probe,likwid.h,-llikwid)
HAVE_CMOCKA := $(call probe,setjmp.h>\n#include <stdarg.h>\n#include <stddef.h>\n#include <cmocka.h,-lcmocka)
ifeq ($(HAVE_HWLOC),yes)
CPPFLAGS += -DHAVE_HWLOC=1
LDLIBS   += -lhwloc
endif
ifeq ($(HAVE_NUMA),yes)
CPPFLAGS += -DHAVE_NUMA=1
LDLIBS   += -lnuma
endif
ifeq ($(HAVE_PAPI),yes)
CPPFLAGS += -DHAVE_PAPI=1
LDLIBS   += -lpapi
endif
ifeq ($(HAVE_LIKWID),yes)
CPPFLAGS += -DHAVE_LIKWID=1 -DLIKWID_PERFMON
LDLIBS   += -llikwid
endif

# ---- sources: every .c of these folders is part of the binary ----
SRC_DIRS  := src kernels topology counters
SRCS      := $(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
OBJS      := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/src/main.o,$(OBJS))
BIN       := $(BUILD)/cachepong

.PHONY: all deps deps-test test test-unit test-cli bench report install clean FORCE
all: deps $(BIN)

deps:
	@sh tools/deps.sh build
deps-test:
	@sh tools/deps.sh test

# V=1 shows the whole command lines
Q := $(if $(V),,@)

$(BIN): $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c | $(BUILD)/version.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The revision is rewritten only when it changes, so builds stay incremental.
$(BUILD)/version.h: FORCE
	@mkdir -p $(BUILD)
	@rev=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	 git diff --quiet HEAD -- 2>/dev/null || rev="$$rev-dirty"; \
	 printf '#define CP_VERSION "%s"\n#define CP_GIT_REV "%s"\n' '$(VERSION)' "$$rev" > $@.tmp; \
	 cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# `make kernels/cas.s`: the generated assembly of one file, as built.
%.s: %.c FORCE $(BUILD)/version.h
	$(CC) $(filter-out -MMD -MP,$(CPPFLAGS)) $(CFLAGS) -fverbose-asm -S -o $@ $<

# ---- tests: unit tests (cmocka), CLI tests, sanitizer builds ----
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-unused-parameter $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

unit-bins: $(UNIT_BINS)
.PHONY: unit-bins

# The kernels for aarch64, run under qemu-user by tests/run.sh: static, so
# qemu needs no sysroot.
AARCH64_CC ?= aarch64-linux-gnu-gcc
KERNEL_SRCS := $(wildcard kernels/*.c)
build/aarch64/pp_cross: tests/aarch64/pp_cross.c $(KERNEL_SRCS) $(wildcard kernels/*.h) src/cp.c src/cp.h
	@mkdir -p $(dir $@)
	$(AARCH64_CC) -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -Ikernels -static \
		-o $@ tests/aarch64/pp_cross.c $(KERNEL_SRCS) src/cp.c -lpthread

test: deps deps-test
	@$(MAKE) --no-print-directory $(BIN) unit-bins
	@$(MAKE) --no-print-directory SAN=asan build/asan/cachepong unit-bins
	@$(MAKE) --no-print-directory SAN=tsan build/tsan/cachepong
	@if command -v $(AARCH64_CC) >/dev/null; then $(MAKE) --no-print-directory build/aarch64/pp_cross; fi
	@sh tests/run.sh

bench: all
	@sh bench/pingpong.sh

report: all
	@sh tools/report.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/cachepong/plots \
		$(DESTDIR)$(PREFIX)/share/cachepong/counters $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/cachepong
	install -m 644 plots/*.gp $(DESTDIR)$(PREFIX)/share/cachepong/plots/
	install -m 644 counters/*.txt $(DESTDIR)$(PREFIX)/share/cachepong/counters/ 2>/dev/null || true
	install -m 644 doc/cachepong.1 $(DESTDIR)$(PREFIX)/share/man/man1/cachepong.1

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)
