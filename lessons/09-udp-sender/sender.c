/*
 * Lesson 09: a UDP sender, sendto()
 *
 * A UDP sender needs no connection: no connect(), no accept(), not even a
 * bind(). Each sendto() names its destination and sends one datagram, and
 * the kernel gives the socket a port at the first one. sendto() returning
 * N only means the kernel took the N bytes: nothing says they arrived, and
 * sending to a port where nobody receives succeeds too.
 *
 * Each line of input goes as one datagram, without its newline (an empty
 * line is an empty datagram); --message TEXT sends TEXT alone. A line
 * longer than 65507 bytes, the most a UDP datagram over IPv4 carries, ends
 * the program with exit status 1.
 *
 * Build: make 09-udp-sender
 *        (or: cc lessons/09-udp-sender/sender.c -o sender)
 * Run:   first, in another terminal: build/08-udp-receiver
 *        then: build/09-udp-sender            (type lines, Ctrl-D ends)
 *        or:   build/09-udp-sender --message hello
 *
 * Every socket call below narrates itself: sockstep.h wraps each one in a
 * macro of the same name that prints it as strace would. Build with
 * -DSOCKSTEP_PLAIN for the same program without the narration.
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
    .summary = "send each line of input as one UDP datagram (at most 65507 "
               "bytes)",
    .example = "  first, in another terminal: build/08-udp-receiver\n"
               "  then: printf 'one\\ntwo\\n' | build/09-udp-sender\n"
               "  (a line longer than 65507 bytes ends it with exit status 1)",
    .options = SS_OPT_NET | SS_OPT_CLIENT | SS_OPT_MESSAGE,
    .port = 9999,
    .timeout = 30,
    .timeout_help = "seconds sendto() may wait (a line of input is waited "
                    "for as long as it takes, as nc does)",
};

/* What read_line() returns besides a line's length. */
enum { END = -1, TOO_LONG = -3, FAILED = -4 };

/*
 * The next line of standard input, into line (cap bytes), waiting for it
 * as long as it takes: a person at the keyboard may think. Returns its
 * length without the newline, or END, TOO_LONG or FAILED (reported).
 */
static long read_line(char *line, size_t cap)
{
    size_t n;

    /* fgets() does not say how many bytes it stored, and a NUL byte in
       the input would fool strlen(): fill line with '\n' first, and the
       last '\0' is then the one fgets() put after the text. */
    memset(line, '\n', cap);
    if (fgets(line, (int)cap, stdin) == NULL) {
        if (ferror(stdin)) {
            perror("fgets"); /* an error, not the end of the input */
            return FAILED;
        }
        return END;
    }
    for (n = cap - 1; line[n] != '\0'; n--)
        ;
    if (n == cap - 1 && line[n - 1] != '\n')
        return TOO_LONG; /* the buffer is full and the line goes on */
    if (n > 0 && line[n - 1] == '\n')
        n--;
    return (long)n;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in to, local;
    socklen_t len;
    struct timeval wait;
    char line[MAX_DATAGRAM + 2]; /* the text, its '\n', fgets()'s '\0' */
    long size, sent_ok = 0;
    ssize_t sent;
    int fd, err = 0;

    ss_start(&lesson, &opt, argc, argv);

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* sendto() waits only while the send buffer is full: at most
       --timeout seconds. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
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
        if (opt.message != NULL && sent_ok == 1)
            break;
        if (opt.message != NULL) {
            size = (long)strlen(opt.message); /* at most MAX_DATAGRAM */
            memcpy(line, opt.message, (size_t)size);
        } else {
            size = read_line(line, sizeof line);
        }
        if (size == TOO_LONG)
            printf("line %ld is longer than %d bytes, the most a UDP "
                   "datagram over IPv4 carries\n",
                   sent_ok + 1, MAX_DATAGRAM);
        if (size == END)
            break;
        if (size < 0)
            goto fail;

        heading("datagram %ld", sent_ok + 1);
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

    heading("done");
    /* No bind(): which address did the kernel give the socket? */
    len = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("sent %ld datagram%s from %s\n", sent_ok, sent_ok == 1 ? "" : "s",
           ss_addr(&local).s);
    say("no bind() was called: the kernel chose this port at the first "
        "sendto() (it is 0 if nothing was sent). 0.0.0.0 fixes no address: "
        "each datagram leaves from its route's, 127.0.0.1 over loopback");
    /* Has the kernel recorded an error for this socket since? */
    len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) {
        perror("getsockopt");
        goto fail;
    }
    if (err != 0) {
        printf("the kernel recorded an error: %s\n", strerror(err));
        goto fail;
    }
    if (sent_ok > 0)
        say("no error is recorded, even if nobody receives at %s: Linux "
            "does not report an ICMP 'port unreachable' to an unconnected "
            "UDP socket (a connected one gets ECONNREFUSED)",
            ss_addr(&to).s);
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    close(fd);
    return 1;
}
