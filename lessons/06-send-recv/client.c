/*
 * Lesson 06: send() and recv(), the client
 *
 * Sends each line it reads, checks the echo; shutdown() at the end.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 06-send-recv  (or: cc lessons/06-send-recv/client.c -o 06-client)
 * Run:   build/06-send-recv-server, then this client in a second terminal
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
    .name = "06-send-recv-client",
    .summary = "an echo client: send each line of input, check its echo",
    .example = "  build/06-send-recv-client --port 8888 <lines.txt",
    .options = SS_OPT_NET | SS_OPT_CLIENT,
    .port = 8888,
    .timeout_help = "seconds for each network wait; your typing is not timed",
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in server;
    struct timeval tv = {0, 0};
    char line[4096], back[4096];
    size_t n, sent, got;
    ssize_t k;
    const char *call = NULL; /* the call that failed, for fail: below */
    int fd, c;

    ss_start(&lesson, &opt, argc, argv);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* Each wait on the network ends after --timeout seconds (lesson 05).
       The wait for your next line does not: take as long as you like. */
    tv.tv_sec = opt.timeout;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
        call = "setsockopt";
        goto fail;
    }
    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_addr = opt.host;
    server.sin_port = htons(opt.port);
    if (connect(fd, (struct sockaddr *)&server, sizeof server) == -1) {
        call = "connect";
        goto fail;
    }
    ss_ask("type lines; Ctrl-D ends");
    for (;;) {
        /* The next line, its '\n' too, 4096 bytes at most: a longer line
           goes in pieces. Any byte counts, a NUL byte too. */
        for (n = 0; n < sizeof line && (c = getchar()) != EOF;) {
            line[n++] = (char)c;
            if (c == '\n')
                break;
        }
        if (n == 0)
            break; /* the end of the input, or a read error (below) */
        /* send() may take fewer bytes than asked: send the rest.
           MSG_NOSIGNAL: if the server has gone, EPIPE and no SIGPIPE. */
        for (sent = 0; sent < n; sent += (size_t)k) {
            k = send(fd, line + sent, n - sent, MSG_NOSIGNAL);
            if (k == -1 && errno == EINTR) {
                k = 0; /* a signal (Ctrl-Z, then fg): send again */
                continue;
            }
            if (k == -1) {
                call = "send";
                goto fail;
            }
        }
        /* recv() returns what has come so far: read until all n came. */
        for (got = 0; got < n; got += (size_t)k) {
            k = recv(fd, back + got, n - got, 0);
            if (k == -1 && errno == EINTR) {
                k = 0;
                continue;
            }
            if (k == -1) { /* EAGAIN: no echo within --timeout */
                call = "recv";
                goto fail;
            }
            if (k == 0)
                break; /* the server has closed its side */
        }
        printf("echo: "); /* escaped: what came cannot drive the terminal */
        ss_put_data(stdout, back, got);
        putchar('\n');
        if (got < n || memcmp(back, line, n) != 0) {
            printf("%s: %zu of %zu bytes came back\n",
                   got < n ? "the server closed its side" : "the echo differs",
                   got, n);
            goto fail;
        }
    }
    if (ferror(stdin)) {
        call = "getchar";
        goto fail;
    }
    /* End of input: a FIN says so. The server closes too: recv() says 0. */
    if (shutdown(fd, SHUT_WR) == -1) {
        call = "shutdown";
        goto fail;
    }
    do /* a signal (Ctrl-Z, then fg) cuts the wait short: wait again */
        k = recv(fd, back, sizeof back, 0);
    while (k == -1 && errno == EINTR);
    if (k == -1) {
        call = "recv";
        goto fail;
    }
    if (k > 0)
        printf("the server sent %zd bytes more than the echo\n", k);
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return k == 0 ? 0 : 1;

fail: /* errno is still the failed call's */
    if (call != NULL && (errno == EAGAIN || errno == EWOULDBLOCK ||
                         errno == EINPROGRESS)) /* connect() timed out */
        fprintf(stderr, "%s: no answer within --timeout\n", call);
    else if (call != NULL)
        perror(call);
    close(fd);
    return 1;
}
