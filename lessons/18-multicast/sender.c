/*
 * Lesson 18: multicast and broadcast
 *
 * The sender. One sendto() to a group reaches every member. IP_MULTICAST_IF
 * picks the interface (loopback by default), IP_MULTICAST_TTL how far it
 * goes (1: the local network), IP_MULTICAST_LOOP whether this machine gets
 * a copy. --broadcast sends to 127.255.255.255 instead, after SO_BROADCAST.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 18-multicast-sender
 *        (or: cc lessons/18-multicast/sender.c -o sender)
 * Run:   build/18-multicast-receiver in two terminals, this sender in a third
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

/* Set by ss_start() when given: --group, --iface, --ttl, --no-loop,
   --broadcast, --show-eacces. */
static const char *group = "239.255.0.1", *iface_opt = "127.0.0.1";
static long ttl_opt = 1;
static int no_loop, broadcast, show_eacces;

static const struct ss_lesson lesson = {
    .name = "18-multicast-sender",
    .summary = "send each line of input as one datagram to a multicast "
               "group (or a broadcast)",
    .example = "  in two terminals: build/18-multicast-receiver\n"
               "  then in a third terminal:\n"
               "  build/18-multicast-sender --message 'hello, group'",
    .options = SS_OPT_PORT | SS_OPT_TIMEOUT | SS_OPT_CLIENT | SS_OPT_MESSAGE,
    .peer = "receivers'",
    .port = 8888,
    .timeout = 30,
    .timeout_help = "seconds sendto() may wait (a line of input is waited "
                    "for as long as it takes, as nc does)",
    .extra = {{.name = "--group",
               .arg = "ADDR",
               .help = "the group",
               .text = &group},
              {.name = "--iface",
               .arg = "ADDR",
               .help = "send out of the interface that has this address",
               .text = &iface_opt},
              {.name = "--ttl",
               .arg = "N",
               .lo = 0,
               .hi = 255,
               .help = "IP_MULTICAST_TTL",
               .num = &ttl_opt},
              {.name = "--no-loop",
               .help = "IP_MULTICAST_LOOP 0",
               .flag = &no_loop},
              {.name = "--broadcast",
               .help = "send to 127.255.255.255 instead",
               .flag = &broadcast},
              {.name = "--show-eacces",
               .help = "with --broadcast: leave SO_BROADCAST off (EACCES)",
               .flag = &show_eacces}},
};

/* The next datagram in *data: --message once, or each line of input
   without its newline. Returns its length, -1 at the end. A person
   typing is waited for as long as it takes, as nc does. */
static ssize_t next_line(const struct ss_options *o, const char **data,
                         char **line, size_t *cap, long sent)
{
    ssize_t n;

    if (o->message != NULL) {
        *data = o->message;
        return sent > 0 ? -1 : (ssize_t)strlen(o->message);
    }
    n = getline(line, cap, stdin);
    *data = *line;
    return n > 0 && (*line)[n - 1] == '\n' ? n - 1 : n;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in to;
    struct in_addr iface;
    struct timeval wait = {0, 0};
    char *line = NULL;
    const char *data;
    size_t cap = 0;
    unsigned char ttl, loop;
    ssize_t n, k;
    long sent = 0;
    int fd, one = 1, status = 0;

    ss_start(&lesson, &opt, argc, argv);
    ttl = (unsigned char)ttl_opt;
    loop = no_loop ? 0 : 1;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(opt.port);
    if (broadcast) {
        to.sin_addr.s_addr = htonl(0x7fffffff); /* 127.255.255.255 */
    } else if (inet_pton(AF_INET, group, &to.sin_addr) != 1 ||
               (ntohl(to.sin_addr.s_addr) & 0xf0000000) != 0xe0000000) {
        fprintf(stderr,
                "%s: --group: expected a multicast address, "
                "224.0.0.0 to 239.255.255.255 (see --help)\n",
                lesson.name);
        return 2;
    }
    if (inet_pton(AF_INET, iface_opt, &iface) != 1) {
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
    /* sendto() waits only while the send buffer is full: --timeout at most */
    wait.tv_sec = opt.timeout;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }
    if (broadcast && !show_eacces &&
        setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }
    /* Out of which interface, how far, and a copy for this machine:
       options of the sending socket (a char each, as the BSDs want). */
    if (!broadcast &&
        (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &iface, sizeof iface) ==
             -1 ||
         setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) == -1 ||
         setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) ==
             -1)) {
        perror("setsockopt");
        goto fail;
    }
    printf("sending to %s\n", ss_addr(&to).s);

    while ((n = next_line(&opt, &data, &line, &cap, sent)) >= 0) {
        heading("datagram %ld: %zd bytes", sent + 1, n);
        if (broadcast && show_eacces)
            ss_expect_error(EACCES);
        do
            k = sendto(fd, data, (size_t)n, 0, (struct sockaddr *)&to,
                       sizeof to);
        while (k == -1 && errno == EINTR); /* a signal: send again */
        if (k == -1) {
            perror("sendto");
            status = 1;
            break;
        }
        sent++;
    }
    if (status == 0 && ferror(stdin)) {
        perror("getline");
        status = 1;
    }
    heading("sent %ld datagram%s", sent, sent == 1 ? "" : "s");
    free(line);
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return status;

fail:
    free(line);
    close(fd);
    return 1;
}
