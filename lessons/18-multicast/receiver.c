/*
 * Lesson 18: multicast and broadcast
 *
 * The receiver. A datagram sent to a multicast group (224.0.0.0 to
 * 239.255.255.255) reaches every socket that joined it (IP_ADD_MEMBERSHIP)
 * on the interface it joined on, and whose port matches. This one joins
 * --group on loopback by default, and also takes broadcasts to its port.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 18-multicast-receiver
 *        (or: cc lessons/18-multicast/receiver.c -o receiver)
 * Run:   this receiver in two terminals, build/18-multicast-sender in a third
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* struct ip_mreq: not in POSIX */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

/* Set by ss_start() when given: --group, --iface, --no-join. */
static const char *group = "239.255.0.1", *iface = "127.0.0.1";
static int no_join;

static const struct ss_lesson lesson = {
    .name = "18-multicast-receiver",
    .summary = "join a multicast group on an interface and print the "
               "datagrams sent to it",
    .example = "  in two terminals: build/18-multicast-receiver\n"
               "  then in a third terminal: build/18-multicast-sender",
    .options = SS_OPT_PORT | SS_OPT_TIMEOUT | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds recvfrom() waits for each datagram",
    .count = 0,
    .count_help = "datagrams to receive, then leave the group",
    .extra = {{.name = "--group",
               .arg = "ADDR",
               .help = "the group",
               .text = &group},
              {.name = "--iface",
               .arg = "ADDR",
               .help = "join on the interface that has this address",
               .text = &iface},
              {.name = "--no-join",
               .help = "do not join the group",
               .flag = &no_join}},
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, from;
    struct ip_mreq mreq;
    struct timeval wait;
    socklen_t len;
    char buf[65536];
    ssize_t got;
    long received = 0;
    int fd, one = 1;

    ss_start(&lesson, &opt, argc, argv);
    memset(&mreq, 0, sizeof mreq);
    /* 224.0.0.0/4: the first four bits of a multicast address are 1110. */
    if (inet_pton(AF_INET, group, &mreq.imr_multiaddr) != 1 ||
        (ntohl(mreq.imr_multiaddr.s_addr) & 0xf0000000) != 0xe0000000) {
        fprintf(stderr,
                "%s: --group: expected a multicast address, "
                "224.0.0.0 to 239.255.255.255 (see --help)\n",
                lesson.name);
        return 2;
    }
    if (inet_pton(AF_INET, iface, &mreq.imr_interface) != 1) {
        fprintf(stderr,
                "%s: --iface: expected an IPv4 address of this "
                "machine, such as 127.0.0.1 (see --help)\n",
                lesson.name);
        return 2;
    }

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* Several receivers on one machine share the port: each must say so
       before bind(), with SO_REUSEADDR. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }
#ifdef IP_MULTICAST_ALL
    {
        /* Only the groups this socket joins (Linux gives a socket every
           group joined on the machine, by default). */
        int all = 0;
        if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &all, sizeof all) ==
            -1) {
            perror("setsockopt");
            goto fail;
        }
    }
#endif
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }
    /* Every address of this machine, so that datagrams to the group and
       broadcasts to the port both come in: joining picks the group. The
       one lesson not bound to loopback: on a real network, a datagram
       from another machine to this port comes in too. */
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(opt.port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    if (!no_join && setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
                               sizeof mreq) == -1) {
        perror("setsockopt");
        goto fail;
    }
    printf("receiving on %s\n", ss_addr(&addr).s);
    if (!no_join)
        printf("member of %s on the interface with address %s\n", group, iface);
    else
        printf("a member of no group (--no-join)\n");

    while (opt.count == 0 || received < opt.count) {
        len = sizeof from;
        got = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (got == -1 && errno == EINTR)
            continue;
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            printf("no %sdatagram within --timeout %d s\n",
                   received > 0 ? "more " : "", opt.timeout);
            break;
        }
        if (got == -1) {
            perror("recvfrom");
            goto fail;
        }
        received++;
        printf("from %s: ", ss_addr(&from).s);
        ss_put_data(stdout, buf, (size_t)got);
        putchar('\n');
    }

    /* close() would leave the group too; said here, it is seen. */
    if (!no_join && setsockopt(fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq,
                               sizeof mreq) == -1)
        perror("setsockopt");
    heading("received %ld datagram%s", received, received == 1 ? "" : "s");
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return received > 0 ? 0 : 1;

fail:
    close(fd);
    return 1;
}
