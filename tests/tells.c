/*
 * tells.c - narration of options and calls no lesson makes, made here so
 * tests/truth.bats can read what sockstep.h says of them (truth-3, rows
 * 9 to 12). One case per run (each explanation is said once a run):
 *
 *   tells CASE [--no-color]
 *
 * CASE: linger-off, linger-0, linger-5, rcvtimeo-0, sndtimeo-0,
 * shut-rdwr, reuse-tcp, reuse-udp, reuse-off, sndbuf-1024: a connected
 * pair on 127.0.0.1 (a port the kernel chooses) is made first where the
 * case needs one. listen-inuse: two SO_REUSEADDR sockets bound to one
 * port, and both listen() (the second fails); prints "tells: port N".
 */
#define _POSIX_C_SOURCE 200809L
#include "../lessons/common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "tells",
    .summary = "narrate one option or call no lesson uses",
    .example = "  tests/tells linger-5",
};

/* A client connected to a listener on 127.0.0.1: its fd, or -1. */
static int connected_client(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM, 0), c;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (l == -1 || bind(l, (struct sockaddr *)&a, sizeof a) == -1 ||
        listen(l, 1) == -1 || getsockname(l, (struct sockaddr *)&a, &len))
        return -1;
    c = socket(AF_INET, SOCK_STREAM, 0);
    if (c == -1 || connect(c, (struct sockaddr *)&a, sizeof a) == -1)
        return -1;
    return c;
}

/* Two sockets on one port, both listening: the second listen() fails. */
static int listen_inuse(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int one = 1, x = socket(AF_INET, SOCK_STREAM, 0), y;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    y = socket(AF_INET, SOCK_STREAM, 0);
    if (x == -1 || y == -1 ||
        setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        setsockopt(y, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(x, (struct sockaddr *)&a, sizeof a) ||
        getsockname(x, (struct sockaddr *)&a, &len) ||
        bind(y, (struct sockaddr *)&a, sizeof a) || listen(x, 1))
        return 1;
    printf("tells: port %u\n", (unsigned)ntohs(a.sin_port));
    return listen(y, 1) == -1 && errno == EADDRINUSE ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    const char *what = argc > 1 ? argv[1] : "";
    struct linger lg = {0, 0};
    struct timeval tv = {0, 0};
    int fd, one = 1, zero = 0, size = 1024;

    if (argc > 1) {
        argv[1] = argv[0];
        argc--;
        argv++;
    }
    ss_start(&lesson, &opt, argc, argv);
    if (strcmp(what, "listen-inuse") == 0)
        return listen_inuse();
    fd = strcmp(what, "reuse-udp") == 0 ? socket(AF_INET, SOCK_DGRAM, 0)
                                        : connected_client();
    if (fd == -1)
        return 1;
    if (strcmp(what, "linger-off") == 0 || strcmp(what, "linger-0") == 0 ||
        strcmp(what, "linger-5") == 0) {
        lg.l_onoff = strcmp(what, "linger-off") != 0;
        lg.l_linger = strcmp(what, "linger-5") == 0 ? 5 : 0;
        return setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0;
    }
    if (strcmp(what, "rcvtimeo-0") == 0)
        return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0;
    if (strcmp(what, "sndtimeo-0") == 0)
        return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0;
    if (strcmp(what, "shut-rdwr") == 0)
        return shutdown(fd, SHUT_RDWR) != 0;
    if (strcmp(what, "reuse-tcp") == 0 || strcmp(what, "reuse-udp") == 0)
        return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0;
    if (strcmp(what, "reuse-off") == 0)
        return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero) !=
               0;
    if (strcmp(what, "sndbuf-1024") == 0)
        return setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) != 0;
    fprintf(stderr, "tells: unknown case '%s'\n", what);
    return 2;
}
