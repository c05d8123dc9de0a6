/*
 * Lesson 08: a UDP receiver, recvfrom()
 *
 * One whole datagram per recvfrom(), with the sender's address.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 08-udp-receiver
 *        (or: cc lessons/08-udp-receiver/receiver.c -o 08-receiver)
 * Run:   build/08-udp-receiver, then build/09-udp-sender in a second terminal
 *        (or any sender: nc -u 127.0.0.1 9999)
 */
#define _POSIX_C_SOURCE 200809L

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
    .example = "  build/08-udp-receiver --count 3\n"
               "  then in a second terminal: build/09-udp-sender",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 9999,
    .timeout = 300,
    .timeout_help = "seconds recvfrom() waits for each datagram",
    .count_help = "how many datagrams to receive",
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, from;
    socklen_t len;
    struct timeval wait;
    /* Small on purpose, so that a cut datagram is easy to see. A UDP
       datagram over IPv4 carries at most 65507 bytes: a receiver that
       must take any of them whole uses a buffer of 65536. */
    char buf[512];
    ssize_t n;
    long received = 0;
    int fd;

    ss_start(&lesson, &opt, argc, argv);

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* recvfrom() waits at most --timeout seconds. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    say("no listen() and no accept(): from now on every datagram sent to "
        "this address and port is queued for this socket");
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("receiving on %s\n", ss_addr(&addr).s);

    while (opt.count == 0 || received < opt.count) {
        heading("waiting for datagram %ld", received + 1);
        len = sizeof from; /* in-out: reset before every call */
        /* MSG_TRUNC: on Linux recvfrom() then returns the datagram's real
           length, even when only sizeof buf bytes of it fit in buf. */
        n = recvfrom(fd, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&from,
                     &len);
        if (n == -1 && errno == EINTR)
            continue; /* a signal (Ctrl-Z, then fg): wait again */
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* UDP never says "the sender has finished": only silence. */
            if (received == 0) {
                printf("no datagram within --timeout %d s\n", opt.timeout);
                goto fail;
            }
            printf("no more datagrams within --timeout %d s\n", opt.timeout);
            break;
        }
        if (n == -1) {
            perror("recvfrom");
            goto fail;
        }
        received++;

        if (n == 0) {
            printf("datagram %ld from %s is empty: 0 bytes\n", received,
                   ss_addr(&from).s);
            say("recvfrom() = 0 is an empty datagram, not an end: with TCP "
                "recv() = 0 means the peer closed, but UDP has no "
                "connection to close, so the receiver goes on");
            continue;
        }
        printf("datagram %ld from %s: ", received, ss_addr(&from).s);
        ss_put_data(stdout, buf,
                    (size_t)n < sizeof buf ? (size_t)n : sizeof buf);
        putchar('\n');
        if ((size_t)n > sizeof buf) {
            printf("datagram of %ld bytes from %s, only %u kept\n", (long)n,
                   ss_addr(&from).s, (unsigned)sizeof buf);
            say("the next recvfrom() returns the next datagram, never the "
                "rest of this one");
        }
    }

    heading("done: received %ld datagram%s", received,
            received == 1 ? "" : "s");
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    close(fd);
    return 1;
}
