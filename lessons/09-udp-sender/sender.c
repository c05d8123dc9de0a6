/*
 * Lesson 09: a UDP sender, sendto()
 *
 * One datagram per sendto(), to the address it names; nothing confirms it.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 09-udp-sender (or cc lessons/09-udp-sender/sender.c -o 09-sender)
 * Run:   build/08-udp-receiver, then this sender in a second terminal
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

/* 65535 (IPv4's largest packet) - 20 (IP header) - 8 (UDP header). */
#define MAX_DATAGRAM 65507

static const struct ss_lesson lesson = {
    .name = "09-udp-sender",
    .summary = "send each line of input as one UDP datagram (65507 bytes "
               "at most)",
    .example = "  first, in another terminal: build/08-udp-receiver\n"
               "  then: seq 3 | build/09-udp-sender    # three datagrams",
    .options = SS_OPT_NET | SS_OPT_CLIENT | SS_OPT_MESSAGE,
    .peer = "receiver's",
    .port = 9999,
    .timeout = 30,
    .timeout_help = "seconds sendto() may wait (a line of input is waited "
                    "for as long as it takes, as nc does)",
};

enum { END = -1, TOO_LONG = -2, FAILED = -3 }; /* read_line() */

/* The next line of input, without its newline, into line (cap bytes at
   most): its length, or END, TOO_LONG or FAILED. getchar() hands over
   any byte, a NUL byte too; the length is what was counted. */
static long read_line(char *line, size_t cap)
{
    size_t n = 0;
    int c;

    while ((c = getchar()) != EOF && c != '\n') {
        if (n == cap)
            return TOO_LONG; /* the buffer is full and the line goes on */
        line[n++] = (char)c;
    }
    if (ferror(stdin))
        return FAILED;
    return c == EOF && n == 0 ? END : (long)n;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in to, local;
    socklen_t len;
    struct timeval wait = {0, 0};
    char line[MAX_DATAGRAM + 1]; /* --message and its '\0' fit */
    long size, sent_ok = 0;
    ssize_t sent;
    int fd, err = 0;

    ss_start(&lesson, &opt, argc, argv);

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

    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr = opt.host;
    to.sin_port = htons(opt.port);
    if (opt.message == NULL)
        printf("sending each line of input to %s as one datagram%s\n",
               ss_addr(&to).s, isatty(STDIN_FILENO) ? " (Ctrl-D ends)" : "");
    for (;;) {
        if (opt.message == NULL)
            size = read_line(line, MAX_DATAGRAM);
        else if (sent_ok == 0) /* --message is at most MAX_DATAGRAM */
            size = (long)snprintf(line, sizeof line, "%s", opt.message);
        else
            size = END;
        if (size == END)
            break;
        if (size == TOO_LONG)
            printf("line %ld is longer than a datagram can be (%d bytes)\n",
                   sent_ok + 1, MAX_DATAGRAM);
        if (size == FAILED)
            perror("getchar");
        if (size < 0)
            goto fail;
        do
            sent = sendto(fd, line, (size_t)size, 0, (struct sockaddr *)&to,
                          sizeof to);
        while (sent == -1 && errno == EINTR); /* a signal: send again */
        if (sent == -1) {
            perror("sendto");
            goto fail;
        }
        sent_ok++;
        printf("datagram %ld: %ld byte%s to %s\n", sent_ok, (long)sent,
               sent == 1 ? "" : "s", ss_addr(&to).s);
    }

    /* No bind(): the kernel chose a port at the first sendto() (it is 0
       if nothing was sent), and 0.0.0.0 fixes no address. */
    len = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("sent %ld datagram%s from %s\n", sent_ok, sent_ok == 1 ? "" : "s",
           ss_addr(&local).s);
    /* Has the kernel recorded an error for this socket? None, even if
       nobody receives: Linux does not report an ICMP "port unreachable" to
       an unconnected UDP socket (a connected one gets ECONNREFUSED). */
    len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) {
        perror("getsockopt");
        goto fail;
    }
    if (err != 0) {
        printf("the kernel recorded an error: %s\n", strerror(err));
        goto fail;
    }
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    close(fd);
    return 1;
}
