/*
 * Lesson 09: a UDP sender, sendto()
 *
 * A UDP sender needs no connection: no connect(), no accept(), not even a
 * bind(). Each sendto() names its destination and sends one datagram; the
 * kernel gives the socket a port at the first one. sendto() returning N
 * only means the kernel took the N bytes: nothing says they arrived, and
 * sending to a port where nobody listens succeeds too.
 *
 * Build: make 09-udp-sender
 *        (or: cc lessons/09-udp-sender/sender.c -o sender)
 * Run:   first, in another terminal: build/08-udp-receiver --port 9999
 *        then: build/09-udp-sender --port 9999     (type lines, Ctrl-D ends)
 *        or:   build/09-udp-sender --port 9999 --message hello
 *        or:   seq 1 100 | build/09-udp-sender --port 9999
 *
 * Each line of standard input is sent as one datagram, without its
 * newline: the datagram's own boundary marks where the message ends. An
 * empty line is sent as an empty datagram (0 bytes). --message TEXT sends
 * TEXT, as it is, as a single datagram instead. At most 65507 bytes fit in
 * one UDP datagram over IPv4. Exit 0 if every sendto() succeeded, else 1.
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

static const struct ss_lesson lesson = {
    .name = "09-udp-sender",
    .summary = "a UDP sender: sendto() each line of input as one datagram",
    .example = "  first, in another terminal: build/08-udp-receiver "
               "--port 9999\n"
               "  then: printf 'one\\ntwo\\n' | build/09-udp-sender "
               "--port 9999",
    .port = 9999,
    .options = SS_OPT_MESSAGE,
    .count = 0,
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in to, local;
    socklen_t len;
    struct timeval wait;
    char *line = NULL; /* grown by getline() to fit the longest line */
    size_t cap = 0;
    int fd, rc, err = 0, bound = 0, status = 0;
    long number = 0, sent_ok = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* region: setup */
    ss_next("socket(AF_INET, SOCK_DGRAM, 0)");
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    ss_ret(fd);
    if (fd == -1)
        return 1;
    ss_say("a UDP socket: no connect(), no accept(), no bind(); it has no "
           "address yet and no peer");
    ss_kernel(fd);

    /* sendto() waits at most --timeout seconds: a send timeout. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_SNDTIMEO, {%d s}, %u)", fd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("sendto() normally returns at once; it would wait only while "
           "the socket's send buffer is full, and then at most %d s",
           opt.timeout);

    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr = opt.host;
    to.sin_port = htons(opt.port);
    if (opt.message != NULL)
        ss_say("sending --message as one datagram to %s", ss_addr(&to).s);
    else if (isatty(STDIN_FILENO))
        ss_say("each line you type goes as one datagram, without its "
               "newline, to %s",
               ss_addr(&to).s);
    else
        ss_say("reading standard input: each line goes as one datagram, "
               "without its newline, to %s",
               ss_addr(&to).s);
    /* endregion: setup */

    /* region: sendto */
    for (;;) {
        const char *data;
        size_t size;
        ssize_t sent;

        if (opt.message != NULL) {
            if (number == 1)
                break;
            data = opt.message;
            size = strlen(opt.message);
        } else {
            ssize_t got;
            ss_ask("type a line and press Enter (Ctrl-D ends)");
            got = getline(&line, &cap, stdin);
            if (got == -1) {
                if (ferror(stdin)) {
                    ss_say("could not read standard input: %s",
                           strerror(errno));
                    status = 1;
                }
                break;
            }
            if (got > 0 && line[got - 1] == '\n')
                got--; /* the datagram is the line's text */
            data = line;
            size = (size_t)got;
        }
        number++;

        ss_title("datagram %ld", number);
        do {
            ss_next("sendto(%d, %s, %lu, 0, %s, %u)", fd,
                    ss_bytes(data, (long)size).s, (unsigned long)size,
                    ss_addr(&to).s, (unsigned)sizeof to);
            sent = sendto(fd, data, size, 0, (struct sockaddr *)&to, sizeof to);
            ss_ret(sent);
        } while (sent == -1 && errno == EINTR); /* a signal: send again */
        if (sent == -1) {
            status = 1;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                ss_timed_out("the kernel did not take the datagram",
                             opt.timeout);
                break;
            }
            continue; /* this datagram is not sent; try the next one */
        }
        sent_ok++;
        if (size == 0)
            ss_say("an empty datagram, 0 bytes: still a datagram; the "
                   "receiver's recvfrom() returns 0 for it");
        if (sent_ok == 1)
            ss_say("sendto() returned %ld: the kernel took the %ld "
                   "byte%s as one datagram and sent it to %s. That is all "
                   "it means: UDP has no acknowledgement, so nothing here "
                   "says whether anyone received it, or even listens",
                   (long)sent, (long)sent, sent == 1 ? "" : "s",
                   ss_addr(&to).s);
        else
            ss_say("the kernel took datagram %ld; whether it arrives, "
                   "the sender cannot know",
                   number);

        if (!bound) {
            /* The socket had no address: what did the kernel pick? */
            len = sizeof local;
            ss_next("getsockname(%d, &local, &len)", fd);
            rc = getsockname(fd, (struct sockaddr *)&local, &len);
            ss_ret_as(rc, "getsockname(%d, %s, %u)", fd, ss_addr(&local).s,
                      (unsigned)len);
            if (rc == -1)
                goto fail;
            bound = 1;
            ss_say("no bind() was called: at the first sendto() the kernel "
                   "gave the socket port %u (0.0.0.0 means any local "
                   "address). Every datagram leaves from this port, and "
                   "the receiver sees it as the sender's port",
                   (unsigned)ntohs(local.sin_port));
            ss_kernel(fd);
        }
    }
    /* endregion: sendto */
    free(line);
    line = NULL;

    /* region: error */
    if (sent_ok > 0) {
        /* Did the kernel record an error for this socket since? */
        len = sizeof err;
        ss_next("getsockopt(%d, SOL_SOCKET, SO_ERROR, &err, &len)", fd);
        rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        ss_ret_as(rc, "getsockopt(%d, SOL_SOCKET, SO_ERROR, [%d], %u)", fd, err,
                  (unsigned)len);
        if (rc == 0 && err == 0)
            ss_say("no error is pending. Had nobody listened at %s, the "
                   "kernel there would normally have answered with an "
                   "ICMP 'port unreachable'; Linux does not report that to "
                   "an unconnected UDP socket like this one, so every "
                   "sendto() succeeds. A UDP socket that called connect() "
                   "would get ECONNREFUSED from its next call instead",
                   ss_addr(&to).s);
        else if (rc == 0)
            ss_say("pending error %s (%s): the kernel recorded it for "
                   "this socket after an earlier datagram",
                   ss_errname(err).s, strerror(err));
    }
    /* endregion: error */

    ss_title("done: sent %ld of %ld datagram%s", sent_ok, number,
             number == 1 ? "" : "s");
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return status;

fail:
    free(line);
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return 1;
}
