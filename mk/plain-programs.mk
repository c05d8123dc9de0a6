# make plain also builds the whole plain programs of lessons/plain/ (the
# ones the handout prints for typing in) into build/plain-programs/, with
# the strictest flags a student could use: C11, POSIX.1-2008 and nothing
# more (_POSIX_C_SOURCE), every warning an error. CC=clang does the same
# with clang.
PLAIN_PROGRAMS := $(patsubst lessons/plain/%.c,$(BUILD)/plain-programs/%, \
                    $(wildcard lessons/plain/*.c))
PLAIN_PROGRAM_FLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
                       -Werror -pedantic

plain: $(PLAIN_PROGRAMS)
$(PLAIN_PROGRAMS): $(BUILD)/plain-programs/%: lessons/plain/%.c
	@mkdir -p $(@D)
	$(CC) $(PLAIN_PROGRAM_FLAGS) $(CFLAGS) $< -o $@
