/*
 * Lesson 05: connect()
 *
 * A client does not bind or listen: it creates a socket and connect()s it
 * to the server's address and port, and connect() performs TCP's
 * three-way handshake. The kernel gives the client's end a free
 * "ephemeral" port on its own. This client then reads what the server
 * sends until the server closes the connection.
 *
 * Build: make 05-connect    (or: cc lessons/05-connect/connect.c -o connect)
 * Run:   build/04-accept --port 8888
 *        and in a second terminal: build/05-connect --port 8888
 *        (any server works too: nc -l 127.0.0.1 8888)
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "05-connect",
    .summary = "a client: connect to a server, read what it sends, close",
    .example = "  build/04-accept --port 8888\n"
               "  then in a second terminal: build/05-connect --port 8888",
    .port = 8888,
    .options = 0,
    .count = 0,
};

/* Where Linux picks ephemeral ports from; 1 if the file could be read. */
static int port_range(long *lo, long *hi)
{
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    int n = 0;

    if (f != NULL) {
        n = fscanf(f, "%ld %ld", lo, hi);
        fclose(f);
    }
    return n == 2;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in server, local;
    socklen_t len;
    struct timeval wait;
    char buf[4096];
    ssize_t got;
    long total = 0, lo, hi;
    int fd, rc, status = 0;

    ss_start(&lesson, &opt, argc, argv);

    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    fd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(fd);
    if (fd == -1)
        return 1;

    /* region: timeouts */
    /* Set the limits first: connect() and recv() may both wait. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_SNDTIMEO, {%d s}, %u)", fd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("connect() waits at most %d s for the server to answer: on "
           "Linux the send timeout also limits connect()",
           opt.timeout);

    ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", fd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("recv() waits at most %d s for data", opt.timeout);
    /* endregion: timeouts */

    /* region: connect */
    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_addr = opt.host;
    server.sin_port = htons(opt.port);
    ss_title("connecting to %s", ss_addr(&server).s);
    do {
        ss_next("connect(%d, %s, %u)", fd, ss_addr(&server).s,
                (unsigned)sizeof server);
        rc = connect(fd, (struct sockaddr *)&server, sizeof server);
        ss_ret(rc);
        /* EINTR: the handshake goes on in the kernel; wait for it again. */
    } while (rc == -1 && errno == EINTR);
    if (rc == -1) {
        /* EALREADY: the wait ran out on a call made again after EINTR. */
        if (errno == EINPROGRESS || errno == EALREADY)
            ss_timed_out("the server did not answer the handshake",
                         opt.timeout);
        if (errno == ECONNREFUSED) {
            ss_say("the refusal came at once, not after --timeout: %s "
                   "answered our SYN with a RST. A client can only connect "
                   "to a port where a server has called listen() (lesson 03)",
                   opt.host_text);
            if (ntohl(opt.host.s_addr) >> 24 == 127 &&
                ss_kernel_port("tcp", opt.port, 1) == 0)
                ss_say("this machine's /proc/net/tcp has no socket at all "
                       "with port %u",
                       (unsigned)opt.port);
        }
        goto fail;
    }
    ss_say("the three-way handshake is done (our SYN, the server's "
           "SYN-ACK, our ACK): fd %d is connected to %s",
           fd, ss_addr(&server).s);
    ss_kernel(fd);
    /* endregion: connect */

    /* region: getsockname */
    len = sizeof local;
    ss_next("getsockname(%d, &addr, &len)", fd);
    rc = getsockname(fd, (struct sockaddr *)&local, &len);
    ss_ret_as(rc, "getsockname(%d, %s, %u)", fd, ss_addr(&local).s,
              (unsigned)len);
    if (rc == -1)
        goto fail;
    ss_say("we never called bind(): connect() bound the socket for us, "
           "and the kernel chose the free port %u for our end",
           (unsigned)ntohs(local.sin_port));
    if (port_range(&lo, &hi))
        ss_say("Linux takes these ephemeral ports from %ld-%ld "
               "(/proc/sys/net/ipv4/ip_local_port_range)",
               lo, hi);
    /* endregion: getsockname */

    /* region: recv */
    ss_title("reading what the server sends");
    ss_say("recv() returns whatever has arrived (waiting if nothing has), "
           "and 0 once the server has closed the connection");
    for (;;) {
        ss_next("recv(%d, buf, %u, 0)", fd, (unsigned)sizeof buf);
        got = recv(fd, buf, sizeof buf, 0);
        if (got == -1) {
            ss_ret(got);
            if (errno == EINTR)
                continue; /* a signal, not an error: wait again */
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                ss_timed_out("the server neither sent more nor closed",
                             opt.timeout);
            status = 1;
            break;
        }
        ss_ret_as(got, "recv(%d, %s, %u, 0)", fd, ss_bytes(buf, got).s,
                  (unsigned)sizeof buf);
        if (got == 0) {
            ss_say("recv() returned 0: the server closed the connection; "
                   "%ld byte%s arrived in all",
                   total, total == 1 ? "" : "s");
            break;
        }
        total += got;
        ss_say("%ld byte%s arrived; the server sent:", (long)got,
               got == 1 ? "" : "s");
        fwrite(buf, 1, (size_t)got, stdout);
        if (buf[got - 1] != '\n')
            putchar('\n');
    }
    /* endregion: recv */

    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    ss_say("the connection is closed");
    return status;

fail:
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return 1;
}
