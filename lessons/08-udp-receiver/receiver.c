/*
 * Lesson 08: a UDP receiver, recvfrom()
 *
 * UDP has no connection: a receiver only bind()s an address and then
 * recvfrom() hands it one whole datagram per call, together with the
 * address and port of whoever sent it. Boundaries are kept (one sendto()
 * is one recvfrom()), a datagram too big for the buffer is cut and the rest
 * is lost, and an empty datagram is a real datagram, not an end of file.
 *
 * Build: make 08-udp-receiver
 *        (or: cc lessons/08-udp-receiver/receiver.c -o receiver)
 * Run:   build/08-udp-receiver --port 9999
 *        and in a second terminal: build/09-udp-sender --port 9999
 *        (any sender works too: nc -u 127.0.0.1 9999)
 *
 * It stops after --count N datagrams (exit 0; exit 1 if a wait of --timeout
 * seconds passes before the N-th). Without --count it runs until a wait of
 * --timeout seconds passes with no datagram, then exits 0 if at least one
 * datagram arrived and 1 if none did. Each datagram is printed on a line
 *     datagram 3 from 127.0.0.1:41234: hello
 * with its text as sent, minus one trailing newline; other control bytes
 * are shown as \n, \r or \xNN so that one datagram stays one line.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "08-udp-receiver",
    .summary = "a UDP receiver: bind, then recvfrom() one datagram at a time",
    .example = "  build/08-udp-receiver --port 9999 --count 3\n"
               "  then in a second terminal: build/09-udp-sender --port 9999",
    .port = 9999,
    .options = SS_OPT_COUNT,
    .count = 0,
};

/* A datagram's text on one line: control bytes escaped, the rest as is. */
static void print_text(const char *text, size_t n)
{
    size_t i;

    if (n > 0 && text[n - 1] == '\n')
        n--; /* a line sent with its newline: do not print it twice */
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if ((c < 32 && c != '\t') || c == 127)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, from;
    socklen_t len;
    struct timeval wait;
    /* Deliberately small, so that truncation is easy to see: a UDP
     * datagram may carry up to 65507 bytes; a real receiver would use a
     * 65536-byte buffer to take any of them whole. */
    char buf[512];
    int fd, rc, status = 0;
    long received = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* region: setup */
    ss_next("socket(AF_INET, SOCK_DGRAM, 0)");
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    ss_ret(fd);
    if (fd == -1)
        return 1;
    ss_say("SOCK_DGRAM: a UDP socket; it sends and receives whole "
           "datagrams, with no connection and no delivery guarantee");

    /* recvfrom() waits at most --timeout seconds: a receive timeout. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", fd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("each recvfrom() will wait at most %d s for a datagram, then "
           "fail with EAGAIN",
           opt.timeout);

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    ss_next("bind(%d, %s, %u)", fd, ss_addr(&addr).s, (unsigned)sizeof addr);
    rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("no listen() and no accept(): once bound, datagrams sent to "
           "this address and port are queued for this socket");

    len = sizeof addr;
    ss_next("getsockname(%d, &addr, &len)", fd);
    rc = getsockname(fd, (struct sockaddr *)&addr, &len);
    ss_ret_as(rc, "getsockname(%d, %s, %u)", fd, ss_addr(&addr).s,
              (unsigned)len);
    if (rc == -1)
        goto fail;
    ss_kernel(fd);
    printf("receiving on %s\n", ss_addr(&addr).s);
    /* endregion: setup */

    /* region: recvfrom */
    ss_say("the buffer is deliberately small, %u bytes, so that you can "
           "see a longer datagram being cut; MSG_TRUNC asks Linux to "
           "return the datagram's real length even so",
           (unsigned)sizeof buf);
    while (opt.count == 0 || received < opt.count) {
        ssize_t n;
        size_t kept;

        ss_title("waiting for datagram %ld", received + 1);
        ss_say("recvfrom() blocks until a datagram has arrived (at most "
               "%d s)",
               opt.timeout);
        len = sizeof from;
        ss_next("recvfrom(%d, buf, %u, MSG_TRUNC, &from, &len)", fd,
                (unsigned)sizeof buf);
        n = recvfrom(fd, buf, sizeof buf, MSG_TRUNC,
                     (struct sockaddr *)&from, &len);
        if (n == -1) {
            ss_ret(n);
            if (errno == EINTR)
                continue; /* a signal interrupted the wait: wait again */
            if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
                opt.count == 0 && received > 0) {
                ss_say("without --count this is the normal end: no "
                       "datagram for %d s, so the receiver stops",
                       opt.timeout);
                break;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                ss_timed_out("no datagram arrived", opt.timeout);
                if (opt.count > 0)
                    ss_say("%ld of the %ld datagrams asked for with "
                           "--count arrived",
                           received, opt.count);
            }
            status = 1;
            break;
        }
        kept = (size_t)n < sizeof buf ? (size_t)n : sizeof buf;
        ss_ret_as(n, "recvfrom(%d, %s, %u, MSG_TRUNC, %s, %u)", fd,
                  ss_bytes(buf, (long)kept).s, (unsigned)sizeof buf,
                  ss_addr(&from).s, (unsigned)len);
        received++;

        if (n == 0) {
            printf("datagram %ld from %s is empty: 0 bytes\n", received,
                   ss_addr(&from).s);
            ss_say("an empty datagram is still a datagram: recvfrom() "
                   "returned 0 because it carried 0 bytes. With TCP, "
                   "recv() = 0 means the peer closed the connection; UDP "
                   "has no connection to close, so the receiver goes on");
            continue;
        }
        printf("datagram %ld from %s: ", received, ss_addr(&from).s);
        print_text(buf, kept);
        if ((size_t)n > sizeof buf) {
            printf("truncated: %ld bytes sent, only %u kept; the rest is "
                   "lost\n",
                   (long)n, (unsigned)sizeof buf);
            ss_say("with MSG_TRUNC Linux returned the real length, %ld; "
                   "the kernel copied the first %u bytes into buf and "
                   "threw the rest away: the next recvfrom() returns the "
                   "next datagram, never the rest of this one",
                   (long)n, (unsigned)sizeof buf);
        } else {
            ss_say("one recvfrom(), one whole datagram of %ld byte%s, "
                   "from %s: boundaries are kept, unlike TCP's byte stream",
                   (long)n, n == 1 ? "" : "s", ss_addr(&from).s);
#ifndef __linux__
            if ((size_t)n == sizeof buf)
                ss_say("it filled the buffer, so it may have been longer: "
                       "this system may ignore MSG_TRUNC on input and "
                       "not report the real length");
#endif
        }
    }
    /* endregion: recvfrom */

    ss_title("done: received %ld datagram%s", received,
             received == 1 ? "" : "s");
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    ss_say("the port is free again: datagrams sent to it now are dropped");
    return status;

fail:
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return 1;
}
