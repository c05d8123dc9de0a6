/*
 * Lesson 06: send() and recv(), the client
 *
 * The client sends each line of its input to an echo server, reads the
 * echo and checks it. It reads WHILE it sends, as poll() says the socket
 * can: a client that sent a long line whole before reading would stall,
 * once both directions' buffers are full. At the end of the input,
 * shutdown(SHUT_WR) tells the server that nothing more will come.
 *
 * Build: make 06-send-recv  (or: cc lessons/06-send-recv/client.c -o client)
 * Run:   build/06-send-recv-server
 *        and in a second terminal: build/06-send-recv-client
 *        then type lines, and Ctrl-D to finish (or pipe lines in)
 *
 * Every socket call below narrates itself: sockstep.h wraps each one in a
 * macro of the same name that prints it as strace would. Build with
 * -DSOCKSTEP_PLAIN for the same program without the narration.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "06-send-recv-client",
    .summary = "an echo client: send each line of input, print its echo",
    .example = "  build/06-send-recv-server\n"
               "  then in a second terminal: build/06-send-recv-client\n"
               "A line of up to 64 KiB is sent whole, a longer one in pieces.",
    .options = SS_OPT_NET | SS_OPT_CLIENT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds for each wait: connect, typing, an echo",
};

/* The most sent at once: 64 KiB, far more than a person types (a Linux
   terminal passes at most 4095 characters a line). A longer line goes in
   pieces, so two buffers of this size serve any input. */
enum { PIECE = 65536 };

/* Send n bytes and read their echo at the same time, as poll() says the
   socket can: POLLOUT, room to send; POLLIN, echo to read. Sending all
   first could stall for good: once our receive buffer is full the server
   cannot send, so it stops reading, and then we cannot send either. */
static int exchange(int fd, const char *out, char *back, size_t n, int secs)
{
    struct pollfd p;
    size_t sent = 0, got = 0;
    ssize_t k;
    int rc;

    while (got < n) {
        p.fd = fd;
        p.events = sent < n ? POLLIN | POLLOUT : POLLIN;
        rc = poll(&p, 1, secs * 1000);
        if (rc == -1 && errno != EINTR) { /* EINTR: Ctrl-Z, fg */
            perror("poll");
            return -1;
        }
        if (rc == 0) {
            printf("no echo for %d s (--timeout): the client gives up\n", secs);
            return -1;
        }
        if (rc > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
            k = recv(fd, back + got, n - got, 0);
            if (k == 0) {
                printf("the server closed the connection, with %zu of %zu "
                       "bytes echoed\n",
                       got, n);
                return -1;
            }
            if (k == -1 && errno != EINTR) {
                perror("recv");
                return -1;
            }
            got += k > 0 ? (size_t)k : 0;
        }
        if (rc > 0 && sent < n && (p.revents & POLLOUT)) {
            /* MSG_DONTWAIT: take what fits now and never wait, so that
               the echo is read as soon as it comes. MSG_NOSIGNAL: if the
               server has gone, send() fails with EPIPE, no SIGPIPE. */
            k = send(fd, out + sent, n - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (k == -1 && errno != EINTR && errno != EAGAIN) {
                perror("send");
                return -1;
            }
            sent += k > 0 ? (size_t)k : 0;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in server;
    struct timeval tv = {0, 0};
    struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {-1, POLLIN, 0}};
    char line[PIECE + 1], back[PIECE];
    size_t n;
    ssize_t got;
    long lines = 0;
    int fd, rc, status = 0, tty = isatty(STDIN_FILENO);

    ss_start(&lesson, &opt, argc, argv);

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* connect() and the last recv() wait at most --timeout (lesson 05). */
    tv.tv_sec = opt.timeout;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
        perror("setsockopt");
        goto fail;
    }
    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_addr = opt.host;
    server.sin_port = htons(opt.port);
    do
        rc = connect(fd, (struct sockaddr *)&server, sizeof server);
    while (rc == -1 && errno == EINTR);
    if (rc == -1 && errno == EINPROGRESS)
        printf("no answer for %d s (--timeout): the client gives up\n",
               opt.timeout);
    if (rc == -1) {
        perror("connect");
        goto fail;
    }

    p[1].fd = fd;
    for (;;) {
        ss_ask("type a line and press Enter (Ctrl-D ends)");
        /* On a terminal, wait for typing or for the server, whichever
           comes first. (A terminal's read() returns one line, so no line
           waits unseen in stdin's buffer while poll() waits.) */
        rc = tty ? poll(p, 2, opt.timeout * 1000) : 1;
        if (rc == -1 && errno == EINTR)
            continue;
        if (rc == -1) {
            perror("poll");
            goto fail;
        }
        if (rc == 0) {
            printf("no typing for %d s (--timeout): the client gives up\n",
                   opt.timeout);
            goto fail;
        }
        if (tty && p[1].revents != 0) {
            got = recv(fd, back, sizeof back, 0);
            if (got == -1)
                perror("recv");
            if (got == 0)
                printf("the server closed the connection (its --timeout "
                       "for typing may have run out)\n");
            if (got <= 0)
                goto fail;
            printf("unasked: ");
            ss_put_data(stdout, back, (size_t)got);
            putchar('\n');
            continue;
        }

        if (fgets(line, sizeof line, stdin) == NULL)
            break; /* end of input (Ctrl-D), or an error: see below */
        n = strlen(line);
        /* fgets() ends what it read with '\0', so a NUL byte in the
           input would cut the line short: refuse it. */
        if (n == 0 || (line[n - 1] != '\n' && n < PIECE && !feof(stdin))) {
            fprintf(stderr, "%s: a NUL byte in line %ld: only text goes\n",
                    lesson.name, lines + 1);
            goto fail;
        }
        heading("line %ld: %zu bytes", lines + 1, n);
        lines += line[n - 1] == '\n' || n < PIECE;

        if (exchange(fd, line, back, n, opt.timeout) == -1)
            goto fail;
        /* What came back, escaped: it cannot drive the terminal. */
        printf("echo: ");
        ss_put_data(stdout, back, n);
        putchar('\n');
        if (memcmp(back, line, n) != 0) {
            printf("the echo differs from what was sent\n");
            status = 1;
        }
    }
    if (ferror(stdin)) {
        perror("fgets");
        goto fail;
    }

    heading("end of input after %ld line%s", lines, lines == 1 ? "" : "s");
    if (shutdown(fd, SHUT_WR) == -1) {
        perror("shutdown");
        goto fail;
    }
    /* Read on until the server closes its side too: recv() returns 0. */
    while ((got = recv(fd, back, sizeof back, 0)) != 0) {
        if (got == -1 && errno == EINTR)
            continue;
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            printf("the server did not close for %d s (--timeout): the "
                   "client gives up\n",
                   opt.timeout);
        else if (got == -1)
            perror("recv");
        if (got == -1)
            goto fail;
        printf("unasked: ");
        ss_put_data(stdout, back, (size_t)got);
        putchar('\n');
    }
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return status;

fail:
    close(fd);
    return 1;
}
