/*
 * Lesson 15: message framing, the client
 *
 * Each line of input, without its newline, goes as one message: a 4-byte
 * big-endian length, then the bytes. Each echo is read back the same way:
 * exactly 4 bytes, then exactly as many as they say. --bytewise and
 * --together change only how the bytes are cut, never what the server gets.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 15-framing-client  (or: cc lessons/15-framing/client.c -o client)
 * Run:   build/15-framing-server, then this client in a second terminal:
 *        type lines, and Ctrl-D to finish (or pipe lines in)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static int bytewise, together; /* --bytewise, --together */

static const struct ss_lesson lesson = {
    .name = "15-framing-client",
    .summary = "send each line of input as one length-prefixed message, "
               "print the echo",
    .example = "  build/15-framing-server\n"
               "  then in a second terminal:\n"
               "  printf 'hello\\nworld\\n' | build/15-framing-client "
               "--bytewise",
    .options = SS_OPT_NET | SS_OPT_NAMES | SS_OPT_CLIENT,
    .port = 8888,
    .timeout_help = "seconds for each network wait (connect, an echo); "
                    "your typing is not timed",
    .extra = {{.name = "--bytewise",
               .help = "send one byte per send(), 20 ms apart",
               .flag = &bytewise},
              {.name = "--together",
               .help = "send all messages in one send(), at the end of input",
               .flag = &together}},
};

/* The longest line sent as one message; the messages waiting to go. */
enum { LINE = 4096, OUT = 65536 };

/*
 * Receive exactly n bytes. recv() returns whatever has arrived, from one
 * byte up, so it is called until all n are in. Returns 1 when all came, 0
 * when the peer closed first, -1 on an error (errno; EAGAIN: --timeout
 * ran out). *got says how many bytes came, in every case.
 */
static int recv_exactly(int fd, char *buf, size_t n, size_t *got)
{
    ssize_t k;

    for (*got = 0; *got < n; *got += (size_t)k) {
        k = recv(fd, buf + *got, n - *got, 0);
        if (k == -1 && errno == EINTR)
            k = 0; /* a signal: call again */
        else if (k == -1)
            return -1;
        else if (k == 0)
            return 0;
    }
    return 1;
}

/* Send all n bytes: send() may take fewer than it is given. */
static int send_all(int fd, const char *buf, size_t n)
{
    ssize_t k;
    size_t off;

    for (off = 0; off < n; off += (size_t)k) {
        k = send(fd, buf + off, n - off, MSG_NOSIGNAL);
        if (k == -1 && errno == EINTR)
            k = 0;
        else if (k == -1)
            return -1;
    }
    return 0;
}

/* Send the waiting messages, then receive and print one echo each. */
static int exchange(int fd, const char *out, size_t used, long waiting,
                    int timeout)
{
    struct timespec pause = {0, 20000000}; /* 20 ms */
    char back[4 + LINE];
    uint32_t len = 0;
    size_t i, got;
    int rc = 0;

    if (!bytewise)
        rc = send_all(fd, out, used);
    for (i = 0; bytewise && i < used && rc == 0; i++) {
        if (i > 0) /* --bytewise: one byte per send(), 20 ms apart */
            nanosleep(&pause, NULL);
        rc = send_all(fd, out + i, 1);
    }
    if (rc == -1) {
        perror("send");
        return -1;
    }
    for (; waiting > 0; waiting--) {
        rc = recv_exactly(fd, back, 4, &got);
        if (rc == 1) {
            memcpy(&len, back, 4);
            len = ntohl(len);
            if (len > LINE) {
                printf("the server's echo would be %lu bytes: more than "
                       "any line sent\n",
                       (unsigned long)len);
                return -1;
            }
            rc = recv_exactly(fd, back + 4, len, &got);
        }
        if (rc == 0)
            printf("the server closed the connection before the echo "
                   "was whole\n");
        else if (rc == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            printf("no whole echo within --timeout %d s\n", timeout);
        else if (rc == -1)
            perror("recv");
        if (rc != 1)
            return -1;
        printf("echo, %lu byte%s: ", (unsigned long)len, len == 1 ? "" : "s");
        ss_put_data(stdout, back + 4, len);
        putchar('\n');
    }
    return 0;
}

/* What is left of timeout seconds since start, in *left; 0 if nothing is
   (lesson 05's). A timeout of 0 s in SO_SNDTIMEO would mean: for ever. */
static int time_left(const struct timespec *start, int timeout,
                     struct timeval *left)
{
    struct timespec now;
    long long us;

    if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
        return 0;
    us = (long long)timeout * 1000000 -
         ((long long)(now.tv_sec - start->tv_sec) * 1000000 +
          (now.tv_nsec - start->tv_nsec) / 1000);
    if (us <= 0)
        return 0;
    left->tv_sec = us / 1000000;
    left->tv_usec = us % 1000000;
    return 1;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct addrinfo hints, *list, *ai;
    struct timeval wait, left;
    struct timespec start;
    char *line = NULL, out[OUT];
    size_t cap = 0;
    ssize_t got;
    size_t n, used = 0;
    uint32_t len;
    long waiting = 0, sent = 0;
    int fd = -1, rc, cut, more, full, one = 1;

    ss_start(&lesson, &opt, argc, argv);

    /* Lesson 10: every address of --host in turn, until one connects. */
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(opt.host_text, opt.port_text, &hints, &list);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd == -1) {
            perror("socket");
            continue;
        }
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1) {
            perror("setsockopt");
            goto next;
        }
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
            perror("setsockopt");
            goto next;
        }
        if (clock_gettime(CLOCK_MONOTONIC, &start) == -1) {
            perror("clock_gettime");
            goto next;
        }
        cut = 0;
        for (;;) {
            rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
            if (rc == 0 || errno != EINTR)
                break;
            /* A signal ended the wait, not the handshake: connect() again
               waits for it, for what is left of --timeout (lesson 05). */
            if (!time_left(&start, opt.timeout, &left))
                break;
            rc = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &left, sizeof left);
            if (rc == -1) {
                perror("setsockopt");
                goto next;
            }
            cut = 1;
        }
        /* After a retry, each send() may wait the whole --timeout again. */
        if (rc == 0 && cut &&
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1) {
            perror("setsockopt");
            goto next;
        }
        if (rc == 0)
            break;
        if (errno == EINPROGRESS || errno == EALREADY || errno == EINTR)
            printf("no answer within --timeout %d s\n", opt.timeout);
        else
            perror("connect");
    next:
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd == -1) {
        printf("could not connect to %s port %s\n", opt.host_text,
               opt.port_text);
        return 1;
    }
    /* --bytewise: each byte its own segment, not held back by Nagle. */
    if (bytewise &&
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }

    do {
        /* Your typing is waited for as long as it takes: only the
           waits on the network end after --timeout. */
        ss_ask("type a line and press Enter (Ctrl-D ends)");
        got = getline(&line, &cap, stdin); /* -1 at the end of input */
        more = got != -1;
        n = more ? (size_t)got - (line[got - 1] == '\n') : 0;
        if (n > LINE) {
            printf("line %ld is longer than %d bytes: not sent\n", sent + 1,
                   LINE);
            goto fail;
        }
        if (more) {
            /* The frame: the length in network byte order, the bytes. */
            len = htonl((uint32_t)n);
            memcpy(out + used, &len, 4);
            memcpy(out + used + 4, line, n);
            used += 4 + n;
            waiting++;
            sent++;
            heading("message %ld: %zu byte%s", sent, n, n == 1 ? "" : "s");
        }
        /* Send what waits: each message at once, or with --together at
           the end of input (or when out has no room for another line). */
        full = used + 4 + LINE > sizeof out;
        if (waiting > 0 && (!together || !more || full)) {
            if (exchange(fd, out, used, waiting, opt.timeout) == -1)
                goto fail;
            used = 0;
            waiting = 0;
        }
    } while (more);
    if (ferror(stdin)) {
        perror("getline");
        goto fail;
    }

    heading("end of input after %ld message%s", sent, sent == 1 ? "" : "s");
    free(line);
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    free(line);
    close(fd);
    return 1;
}
