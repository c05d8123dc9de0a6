/*
 * Lesson 02: bind()
 *
 * An address and a port for a socket, in network byte order; EADDRINUSE.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 02-bind  (or: cc lessons/02-bind/bind.c -o 02-bind)
 * Run:   build/02-bind  (alone; lesson 03 goes on from here with listen())
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/sockstep.h"

/* No --timeout: bind() and getsockname() never wait. */
static const struct ss_lesson lesson = {
    .name = "02-bind",
    .summary = "give a TCP socket an address and port, then try it twice",
    .example = "  build/02-bind\n"
               "  build/02-bind --port 0      # the kernel chooses the port",
    .options = SS_OPT_HOST | SS_OPT_PORT,
    .port = 8888,
};

/* One field of the structure: its bytes as they sit in memory. */
static void dump(const char *field, const void *p, size_t n, const char *is)
{
    const unsigned char *byte = p;
    size_t i;

    printf("  %-10s", field);
    for (i = 0; i < n; i++)
        printf(" %02x", byte[i]);
    printf("%*s    %s\n", (int)(3 * (8 - n)), "", is);
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr;
    socklen_t len;
    char what[64];
    unsigned port;
    int fd, fd2, status = 0;

    ss_start(&lesson, &opt, argc, argv);

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }

    memset(&addr, 0, sizeof addr); /* every byte, sin_zero too: zero */
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;        /* inet_pton() made it: network order */
    addr.sin_port = htons(opt.port); /* host to network byte order */

    printf("struct sockaddr_in, %zu bytes, as bind() gets them:\n",
           sizeof addr);
    dump("sin_family", &addr.sin_family, sizeof addr.sin_family,
         "AF_INET, in this machine's byte order");
    snprintf(what, sizeof what, "port %u, high byte first", (unsigned)opt.port);
    dump("sin_port", &addr.sin_port, sizeof addr.sin_port, what);
    snprintf(what, sizeof what, "%s, in network byte order", opt.host_text);
    dump("sin_addr", &addr.sin_addr, sizeof addr.sin_addr, what);
    dump("sin_zero", addr.sin_zero, sizeof addr.sin_zero, "zero");
    say("htons(%u) put the high byte first; on this %s-endian machine it %s",
        (unsigned)opt.port, htons(1) == 1 ? "big" : "little",
        opt.port == 0   ? "changes nothing you can see: 0 is 00 00"
        : htons(1) == 1 ? "changes nothing"
                        : "swaps the two bytes");

    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    /* Which port did we get? With --port 0, only the kernel knows. */
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    port = ntohs(addr.sin_port); /* back to this machine's byte order */
    if (opt.port == 0) {
        snprintf(what, sizeof what, "port %u, the kernel's choice", port);
        dump("sin_port", &addr.sin_port, sizeof addr.sin_port, what);
    }
    printf("bound to %s\n", ss_addr(&addr).s);

    heading("a second socket, the same address and port");
    fd2 = socket(AF_INET, SOCK_STREAM, 0);
    if (fd2 == -1) {
        perror("socket");
        goto fail;
    }
    say("fd %d has %s, and neither socket set SO_REUSEADDR: this bind() is "
        "meant to fail, as a server started twice on one port does",
        fd, ss_addr(&addr).s);
    ss_expect_error(EADDRINUSE);
    if (bind(fd2, (struct sockaddr *)&addr, sizeof addr) == 0) {
        printf("the second bind() succeeded: not what this lesson expects\n");
        status = 1;
    } else if (errno != EADDRINUSE) {
        perror("bind");
        status = 1;
    } else {
        printf("the second bind() failed with EADDRINUSE, as it must\n");
    }

    if (close(fd2) == -1) {
        perror("close");
        status = 1;
    }
    if (close(fd) == -1) {
        perror("close");
        status = 1;
    }
    return status;

fail:
    close(fd);
    return 1;
}
