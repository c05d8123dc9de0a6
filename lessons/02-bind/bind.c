/*
 * Lesson 02: bind()
 *
 * bind() gives a socket its own address: an IP address and a port. The
 * address goes in a struct sockaddr_in with the port and the IP address in
 * network byte order (high byte first), which is what htons() is for. One
 * address and port belongs to one socket: a second socket that asks for
 * the same one gets EADDRINUSE, and this lesson does that on purpose.
 * With --port 0 the kernel chooses a free port, and getsockname() tells
 * which.
 *
 * Build: make 02-bind        (or: cc lessons/02-bind/bind.c -o bind)
 * Run:   build/02-bind --port 8888
 *        build/02-bind --port 0
 *        (it runs alone; lesson 03 goes on from here with listen())
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

static const struct ss_lesson lesson = {
    .name = "02-bind",
    .summary = "give a TCP socket an address and port; then try it twice",
    .example = "  build/02-bind --port 8888\n"
               "  build/02-bind --port 0      (the kernel chooses the port)",
    .port = 8888,
    .options = 0,
    .count = 0,
};

/* "22 b8": the bytes of one field exactly as they sit in memory. */
static void say_bytes(const char *field, const void *p, size_t n,
                      const char *meaning)
{
    const unsigned char *b = p;
    char hex[64];
    size_t i, o = 0;

    for (i = 0; i < n && o + 4 < sizeof hex; i++)
        o += (size_t)snprintf(hex + o, sizeof hex - o, "%s%02x",
                              i > 0 ? " " : "", b[i]);
    ss_say("%-10s %-24s %s", field, hex, meaning);
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr;
    socklen_t len;
    unsigned short port;
    char text[64];
    int fd, fd2, rc;

    ss_start(&lesson, &opt, argc, argv);

    ss_title("1. a TCP socket");
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    fd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(fd);
    if (fd == -1)
        return 1;
    ss_say("lesson 01: a new socket has no address yet");

    /* region: sockaddr */
    ss_title("2. the address, in network byte order");
    memset(&addr, 0, sizeof addr); /* sin_zero must be zero */
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;        /* inet_pton() made it, network order */
    addr.sin_port = htons(opt.port); /* host to network byte order, short */
    /* endregion: sockaddr */
    ss_say("htons(%u) = 0x%04x: %u is 0x%04x, and the network wants its "
           "high byte first; on this %s-endian machine htons() %s",
           (unsigned)opt.port, (unsigned)addr.sin_port, (unsigned)opt.port,
           (unsigned)opt.port, htons(1) == 1 ? "big" : "little",
           htons(1) == 1 ? "changes nothing"
                         : "swaps the two bytes, so they sit in memory "
                           "in network order");
    ss_say("struct sockaddr_in, %u bytes, as they sit in memory:",
           (unsigned)sizeof addr);
    say_bytes("sin_family", &addr.sin_family, sizeof addr.sin_family,
              "AF_INET, in this machine's order");
    snprintf(text, sizeof text, "port %u, high byte first", (unsigned)opt.port);
    say_bytes("sin_port", &addr.sin_port, sizeof addr.sin_port, text);
    say_bytes("sin_addr", &addr.sin_addr, sizeof addr.sin_addr, opt.host_text);
    say_bytes("sin_zero", addr.sin_zero, sizeof addr.sin_zero, "padding, zero");
    if (opt.port == 0)
        ss_say("port 0 is not a real port: it asks the kernel to choose a "
               "free one (an 'ephemeral' port) when bind() runs");

    /* region: bind */
    ss_title("3. bind");
    ss_next("bind(%d, %s, %u)", fd, ss_addr(&addr).s, (unsigned)sizeof addr);
    rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_kernel(fd);

    /* Which address did we get? With port 0, only the kernel knows. */
    len = sizeof addr;
    ss_next("getsockname(%d, &addr, &len)", fd);
    rc = getsockname(fd, (struct sockaddr *)&addr, &len);
    ss_ret_as(rc, "getsockname(%d, %s, %u)", fd, ss_addr(&addr).s,
              (unsigned)len);
    if (rc == -1)
        goto fail;
    port = ntohs(addr.sin_port); /* back to this machine's byte order */
    /* endregion: bind */
    if (opt.port == 0)
        ss_say("the kernel chose port %u; ntohs() turned the bytes "
               "%02x %02x back into the number",
               (unsigned)port, (unsigned)(port >> 8), (unsigned)(port & 0xff));
    ss_say("fd %d now owns %s", fd, ss_addr(&addr).s);

    /* region: again */
    /* The same address and port for a second socket: this must fail. */
    ss_title("4. a second socket, the same address and port");
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    fd2 = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(fd2);
    if (fd2 == -1)
        goto fail;
    ss_next("bind(%d, %s, %u)", fd2, ss_addr(&addr).s, (unsigned)sizeof addr);
    rc = bind(fd2, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    /* endregion: again */
    if (rc == 0 || errno != EADDRINUSE) {
        ss_say("expected EADDRINUSE here, and did not get it");
        ss_next("close(%d)", fd2);
        ss_ret(close(fd2));
        goto fail;
    }
    ss_say("this failure is the lesson: fd %d already owns %s, so fd %d "
           "cannot have it too. A server started twice on one port fails "
           "exactly here.",
           fd, ss_addr(&addr).s, fd2);
    ss_say("Neither socket set SO_REUSEADDR. On Linux, had both set it, "
           "this bind() would succeed as long as neither socket listens, "
           "but the second listen() would then fail with EADDRINUSE: "
           "SO_REUSEADDR never lets two sockets listen on one address and "
           "port. It is for a restarted server (lesson 07).");

    ss_title("5. close both");
    ss_next("close(%d)", fd2);
    ss_ret(close(fd2));
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    ss_say("%s is free again", ss_addr(&addr).s);
    return 0;

fail:
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return 1;
}
