# make plain-portable  every plain program (lessons/plain/*.c, whatever
#                      is there) built three ways, each with
#                      PORTABLE_FLAGS (C11, _POSIX_C_SOURCE=200809L, every
#                      warning an error, -pedantic, -O2): by gcc against
#                      glibc into build/portable/gcc/, by clang into
#                      build/portable/clang/, by musl-gcc against musl
#                      into build/portable/musl/; and each one classed by
#                      tests/plain-portable (POSIX only, beyond POSIX,
#                      Linux-only, and why) into build/portable/classes.
#                      A program that defines _GNU_SOURCE, _DEFAULT_SOURCE
#                      or _BSD_SOURCE, or does not define _POSIX_C_SOURCE
#                      200809L itself, fails, one line naming it. It ends
#                      with the classes and one line of counts.
#
# Why three: glibc shows more than POSIX even under _POSIX_C_SOURCE (its
# <sys/socket.h> has MSG_DONTWAIT, SOCK_CLOEXEC), musl's headers hide
# most of it, and clang warns where gcc does not. What none of them hides
# (a socket name POSIX does not define, a Linux header such as
# <sys/epoll.h>, which both C libraries ship) is what tests/plain-portable
# reads in the source. A Linux-only program (epoll-echo.c) is built all
# three ways too, as it builds on Linux with either C library; its class
# says it needs Linux, and the book says so (docs/getting-started.md,
# tests/plain-portable.bats holds the two together).
#
# PORTABLE_SRCS and PORTABLE_DIR may be given (tests/plain-portable.bats
# builds a sample of its own so): the rules are made per source, so a
# source may be anywhere; a program's name is its file's without .c.

PORTABLE_SRCS  ?= $(sort $(wildcard lessons/plain/*.c))
PORTABLE_DIR   ?= $(BUILD)/portable
PORTABLE_GCC   ?= gcc
PORTABLE_CLANG ?= clang
MUSL_CC        ?= musl-gcc
PORTABLE_FLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
                  -Werror -pedantic -O2

portable_name = $(basename $(notdir $(1)))
PORTABLE_NAMES := $(foreach s,$(PORTABLE_SRCS),$(call portable_name,$(s)))
PORTABLE_TWICE := $(strip $(foreach n,$(sort $(PORTABLE_NAMES)),$(if \
    $(word 2,$(filter $(n),$(PORTABLE_NAMES))),$(n))))
$(if $(PORTABLE_TWICE),$(error two plain sources give one name: \
    $(PORTABLE_TWICE)))

PORTABLE_CLASSES := $(addprefix $(PORTABLE_DIR)/class/,$(PORTABLE_NAMES))
PORTABLE_BINS    := $(foreach c,gcc clang musl,$(addprefix \
                      $(PORTABLE_DIR)/$(c)/,$(PORTABLE_NAMES)))

# portable_rules SOURCE,NAME: its class first (a feature macro beyond
# POSIX stops it there, the builds not tried), then its three builds.
define portable_rules
$(PORTABLE_DIR)/class/$(2): $(1) tests/plain-portable
	@mkdir -p $$(@D)
	@tests/plain-portable $(1) >$$@.tmp || { rm -f $$@.tmp; exit 1; }
	@mv $$@.tmp $$@
$(PORTABLE_DIR)/gcc/$(2): $(1) $(PORTABLE_DIR)/class/$(2)
	@mkdir -p $$(@D)
	$$(PORTABLE_GCC) $$(PORTABLE_FLAGS) $(1) -o $$@
$(PORTABLE_DIR)/clang/$(2): $(1) $(PORTABLE_DIR)/class/$(2)
	@mkdir -p $$(@D)
	$$(PORTABLE_CLANG) $$(PORTABLE_FLAGS) $(1) -o $$@
$(PORTABLE_DIR)/musl/$(2): $(1) $(PORTABLE_DIR)/class/$(2)
	@mkdir -p $$(@D)
	$$(MUSL_CC) $$(PORTABLE_FLAGS) $(1) -o $$@
endef
$(foreach s,$(PORTABLE_SRCS),$(eval $(call portable_rules,$(s),$(call \
    portable_name,$(s)))))

.PHONY: plain-portable plain-portable-builds

# The builds in a sub-make with -k: every program's failure shows, not
# only the first one's. Then the classes, and the counts.
plain-portable:
	@$(if $(PORTABLE_SRCS),:,echo "make plain-portable: no plain program" \
	    "(PORTABLE_SRCS is empty)"; exit 1)
	@for c in $(PORTABLE_GCC) $(PORTABLE_CLANG) $(MUSL_CC); do \
	    command -v $$c >/dev/null || { echo "make plain-portable: no" \
	        "$$c (Debian's gcc, clang and musl-tools: ./install-deps)"; \
	        exit 1; }; \
	done
	@$(MAKE) --no-print-directory -k plain-portable-builds || { \
	    echo "make plain-portable: failed (above): a plain program" \
	        "stays within C11 and POSIX.1-2008"; exit 1; }
	@cat $(PORTABLE_CLASSES) >$(PORTABLE_DIR)/classes
	@cat $(PORTABLE_DIR)/classes
	@echo "make plain-portable: $(words $(PORTABLE_NAMES)) plain programs" \
	    "built warning-free by $(PORTABLE_GCC), $(PORTABLE_CLANG) and" \
	    "$(MUSL_CC) ($(PORTABLE_FLAGS)):" \
	    "$$(cut -f2 $(PORTABLE_DIR)/classes | grep -cx posix) POSIX only," \
	    "$$(cut -f2 $(PORTABLE_DIR)/classes | grep -cx beyond) beyond POSIX," \
	    "$$(cut -f2 $(PORTABLE_DIR)/classes | grep -cx linux) Linux-only"

plain-portable-builds: $(PORTABLE_CLASSES) $(PORTABLE_BINS)
