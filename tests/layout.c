/*
 * layout.c - call lines laid out by the narrator's ss_wrap(), for
 * tests/width.bats: each line below is printed as a call line, wrapped
 * to the width the environment gives (COLUMNS, SOCKSTEP_NOWRAP) as a
 * lesson's would be. The lines are made up, not calls made: long lists,
 * a buffer with ", " inside its quotes, a failure's result, a path
 * longer than a line, words after a call.
 */
#define _POSIX_C_SOURCE 200809L
#include "../lessons/common/sockstep.h"

/* A line as ss_post() prints it: " = result" with spaces that are not
   break points. */
static void call(const char *name, const char *args, const char *result)
{
    char line[800];
    size_t k, at;

    at = (size_t)snprintf(line, sizeof line, "%s(%s)", name, args);
    snprintf(line + at, sizeof line - at, " = %s", result);
    for (k = at; line[k] != '\0'; k++)
        if (line[k] == ' ')
            line[k] = SS_NBSP;
    ss_wrap(0, 4, "", line, "");
}

int main(void)
{
    call("getpeername", "3, &addr, &len",
         "-1 ENOTCONN (Transport endpoint is not connected)");
    call("bind", "3, 127.0.0.1:52463, 16",
         "-1 EADDRINUSE (Address already in use)");
    call("sendto",
         "5, \"hello, world, and more, and more, \"..., 4096, "
         "MSG_NOSIGNAL|MSG_DONTWAIT, 127.0.0.1:9999, 16",
         "4096");
    call("poll",
         "[{fd=3, events=POLLIN}, {fd=4, events=POLLIN}, {fd=5, "
         "events=POLLIN}, {fd=6, events=POLLIN}, {fd=7, events=POLLIN|"
         "POLLOUT}], 5, 30000",
         "1");
    call("connect",
         "3, /tmp/a-directory-with-a-long-name/another-one-inside-it/and-"
         "the-server.sock, 110",
         "-1 ENOENT (No such file or directory)");
    call("setsockopt", "3, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=30, tv_usec=0}, 16",
         "0");
    ss_wrap(0, 4, "fault: ",
            "no fault acted in this process: of its calls that send or "
            "receive on a socket (8), none is one the faults change",
            "");
    return 0;
}
