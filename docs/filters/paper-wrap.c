/*
 * paper-wrap.c - the handout's transcripts wrapped for paper by the
 * narrator itself. docs/runs.sh makes each transcript unwrapped
 * (SOCKSTEP_NOWRAP: one note of the narration a line), so that
 * docs/filters/transcripts.lua can tell one note from the next; for the
 * PDF it hands the lines it shows to this program, which prints each as
 * the narrator prints it at 78 columns: ss_wrap() of lessons/common, the
 * same code, not a copy of it.
 *
 * Reads lines on standard input, writes them wrapped on standard output;
 * with --each, a line holding only a form feed after the rows of each
 * (the filter keeps a long line's rows together on a page).
 * A line is what the narrator printed: "[child N] " before a child's
 * lines; a call line (no indent) breaks between its arguments; a note
 * keeps its indent, and a kernel line, a likely cause, a "try:" and a
 * "ready:" line (and an unindented line that is no call) go on 4 columns
 * further in.
 *
 * Build: cc -std=c11 -Wall -Wextra -Werror -pedantic \
 *            -o build/paper-wrap docs/filters/paper-wrap.c (mk/handout.mk)
 */
#define _POSIX_C_SOURCE 200809L
#include "../../lessons/common/sockstep.h"

#define PAPER_COLUMNS 78

static int starts(const char *s, const char *with)
{
    return strncmp(s, with, strlen(with)) == 0;
}

int main(int argc, char **argv)
{
    char *line = NULL, *text, *end;
    size_t cap = 0;
    ssize_t n;
    int lead, hang, each = argc == 2 && strcmp(argv[1], "--each") == 0;

    if (argc > 1 && !each) {
        fprintf(stderr, "usage: paper-wrap [--each] <LINES\n");
        return 2;
    }
    ss_nar.width = PAPER_COLUMNS;
    while ((n = getline(&line, &cap, stdin)) != -1) {
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        /* A child's tag goes before each of its lines (ss_emit). */
        ss_nar.tag[0] = '\0';
        text = line;
        if (starts(line, "[child ") && (end = strstr(line, "] ")) != NULL &&
            (size_t)(end + 2 - line) < sizeof ss_nar.tag) {
            snprintf(ss_nar.tag, sizeof ss_nar.tag, "%.*s",
                     (int)(end + 2 - line), line);
            text = end + 2;
        }
        for (lead = 0; text[lead] == ' '; lead++)
            ;
        text += lead;
        hang = lead == 0 || starts(text, "kernel: ") ||
                       starts(text, "likely cause: ") ||
                       starts(text, "try: ") || starts(text, "ready: ")
                   ? 4
                   : 0;
        if (*text == '\0' && ss_nar.tag[0] != '\0')
            printf("%s\n", ss_nar.tag); /* ss_emit tags no empty line */
        else
            ss_wrap(lead, hang, "", text, "");
        if (each)
            printf("\f\n");
    }
    free(line);
    if (ferror(stdin) || fflush(stdout) == EOF) {
        perror("paper-wrap");
        return 1;
    }
    return 0;
}
