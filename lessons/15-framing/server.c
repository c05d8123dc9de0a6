/*
 * Lesson 15: message framing, the server
 *
 * TCP keeps no message boundaries: here each message is a 4-byte length
 * (big-endian) and then that many bytes. The server receives exactly 4
 * bytes, then exactly that many, however they are cut; it refuses a length
 * over --max before reading it, and sends each message back, framed alike.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 15-framing-server  (or: cc lessons/15-framing/server.c -o server)
 * Run:   build/15-framing-server, and in a second terminal
 *        build/15-framing-client
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static long max_len = 65536; /* --max */

static const struct ss_lesson lesson = {
    .name = "15-framing-server",
    .summary = "receive length-prefixed messages whole, however they are "
               "cut, and send each back",
    .example = "  build/15-framing-server\n"
               "  then in a second terminal: build/15-framing-client",
    .options = SS_OPT_NET | SS_OPT_NAMES | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds accept() waits for a client, and each recv() "
                    "for a client's next bytes",
    .count = 0,
    .count_help = "clients to serve, one after another",
    .extra = {{.name = "--max",
               .arg = "N",
               .lo = 0,
               .hi = 16777216,
               .help = "the longest message taken, in bytes",
               .num = &max_len}},
};

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

/* The end of one client: why receiving stopped, in everyday words. */
static void ended(int rc, long msg, size_t got, size_t want, int head,
                  int timeout)
{
    if (rc == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
        printf("the client sent nothing for --timeout %d s, %zu of %zu "
               "bytes into message %ld: the server closes it\n",
               timeout, got, want, msg);
    else if (rc == -1)
        perror("recv");
    else if (got == 0 && head)
        printf("the client closed the connection after %ld message%s\n",
               msg - 1, msg == 2 ? "" : "s");
    else
        printf("the client closed in the middle of message %ld, after %zu "
               "of its %zu %s bytes\n",
               msg, got, want, head ? "length" : "message");
}

/* Receive messages and send each back, until the client stops. */
static long serve(int conn, char *buf, uint32_t max, int timeout)
{
    uint32_t len;
    size_t got;
    long msg;

    for (msg = 1;; msg++) {
        int rc = recv_exactly(conn, buf, 4, &got);
        if (rc != 1) {
            ended(rc, msg, got, 4, 1, timeout);
            return msg - 1;
        }
        memcpy(&len, buf, 4);
        len = ntohl(len); /* big-endian on the wire, the host's order here */
        if (len > max) {
            printf("message %ld would be %lu bytes, over --max %lu: "
                   "refused unread, and the connection closed\n",
                   msg, (unsigned long)len, (unsigned long)max);
            say("nothing was allocated for it: a length is only a number "
                "the peer chose, and a server that believed it would try "
                "to take 4 GiB for a length of 0xFFFFFFFF");
            return msg - 1;
        }
        rc = recv_exactly(conn, buf + 4, len, &got);
        if (rc != 1) {
            ended(rc, msg, got, len, 0, timeout);
            return msg - 1;
        }
        printf("message %ld, %lu byte%s: ", msg, (unsigned long)len,
               len == 1 ? "" : "s");
        ss_put_data(stdout, buf + 4, len);
        putchar('\n');
        /* The echo: the same 4-byte length and bytes, in one send(). */
        if (send_all(conn, buf, 4 + (size_t)len) == -1) {
            perror("send");
            return msg;
        }
    }
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct addrinfo hints, *res;
    struct sockaddr_storage addr, client;
    socklen_t len;
    struct timeval wait;
    uint32_t max;
    char *buf;
    int fd, conn, rc, one = 1;
    long served = 0, msgs;

    ss_start(&lesson, &opt, argc, argv);
    max = (uint32_t)max_len;
    /* One buffer for the longest message allowed, made once: what a
       client's length says is checked against it, never allocated. */
    buf = malloc(4 + (size_t)max);
    if (buf == NULL) {
        perror("malloc");
        return 1;
    }

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(opt.host_text, opt.port_text, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        free(buf);
        return 1;
    }
    fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd == -1) {
        perror("socket");
        freeaddrinfo(res);
        free(buf);
        return 1;
    }
    /* accept() and each recv() wait at most --timeout, send() too; the
       sockets accept() returns inherit both (on Linux). */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }
    if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
        perror("bind");
        goto fail;
    }
    freeaddrinfo(res);
    res = NULL;
    if (listen(fd, SOMAXCONN) == -1) {
        perror("listen");
        goto fail;
    }
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("listening on %s\n", ss_addr(&addr).s);

    while (opt.count == 0 || served < opt.count) {
        heading("waiting for client %ld", served + 1);
        len = sizeof client;
        conn = accept(fd, (struct sockaddr *)&client, &len);
        if (conn == -1 && (errno == EINTR || errno == ECONNABORTED))
            continue;
        if (conn == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (served == 0) {
                printf("no client connected within --timeout %d s\n",
                       opt.timeout);
                goto fail;
            }
            printf("no more clients within --timeout %d s\n", opt.timeout);
            break;
        }
        if (conn == -1) {
            perror("accept");
            goto fail;
        }
        served++;
        msgs = serve(conn, buf, max, opt.timeout);
        printf("client %s: %ld message%s\n", ss_addr(&client).s, msgs,
               msgs == 1 ? "" : "s");
        if (close(conn) == -1)
            perror("close");
    }

    heading("done: served %ld client%s", served, served == 1 ? "" : "s");
    free(buf);
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    if (res != NULL)
        freeaddrinfo(res);
    free(buf);
    close(fd);
    return 1;
}
