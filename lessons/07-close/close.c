/*
 * Lesson 07: shutdown() and close()
 *
 * A TCP connection has two directions, and each side closes its own:
 * shutdown(fd, SHUT_WR) ends only the sending side (the peer's recv()
 * returns 0) while data still flows the other way; close() ends both. The
 * side that closes first keeps the connection in TIME_WAIT for a minute
 * after the other has gone, and when that side is the server, its port
 * stays taken: a restarted server then needs SO_REUSEADDR. Both ends live
 * in this one process, so /proc shows their states side by side.
 *
 * Build: make 07-close       (or: cc lessons/07-close/close.c -o close)
 * Run:   build/07-close --port 8888
 *        (it runs alone: it is its own server and its own client; watch
 *        from a second terminal with: ss -tan | grep 8888)
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "07-close",
    .summary = "half-close, close, TIME_WAIT, and why servers set "
               "SO_REUSEADDR",
    .example = "  build/07-close --port 8888",
    .port = 8888,
    .options = 0,
    .count = 0,
};

/* TCP states as /proc/net/tcp numbers them. */
enum { FIN_WAIT2 = 5, TIME_WAIT = 6, CLOSE_WAIT = 8 };

/*
 * Wait (at most a second) until /proc/net/tcp lists the connection from
 * local port `from` to port `to` in `state`: the packets that move it
 * there may still be on their way through the kernel. 1 once it is seen,
 * 0 if not, -1 where there is no /proc/net/tcp.
 */
static int wait_state(unsigned from, unsigned to, int state)
{
    struct timespec pause = {0, 10000000L}; /* 10 ms */
    struct ss_procsock s;
    int tries, found = 0;

    for (tries = 0; tries < 100 && !found; tries++) {
        FILE *f = fopen("/proc/net/tcp", "r");
        if (f == NULL)
            return -1;
        while (ss_proc_next(f, &s))
            if (ntohs(s.local.sin_port) == from &&
                ntohs(s.remote.sin_port) == to && s.state == state)
                found = 1;
        fclose(f);
        if (!found)
            nanosleep(&pause, NULL);
    }
    return found;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, peer;
    struct timeval wait;
    socklen_t len;
    char buf[64];
    ssize_t n;
    unsigned port, cport, cport2;
    int lfd = -1, cfd = -1, sfd = -1, rc, one = 1;

    ss_start(&lesson, &opt, argc, argv);
    wait.tv_sec = opt.timeout; /* every recv() waits at most --timeout */
    wait.tv_usec = 0;

    ss_title("1. a server: socket, bind, listen (lessons 01 to 03)");
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(lfd);
    if (lfd == -1)
        return 1;

    ss_next("setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, [1], %u)", lfd,
            (unsigned)sizeof one);
    rc = setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("step 6 shows what this is for");

    ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", lfd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    ss_next("bind(%d, %s, %u)", lfd, ss_addr(&addr).s, (unsigned)sizeof addr);
    rc = bind(lfd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    ss_next("listen(%d, 5)", lfd);
    rc = listen(lfd, 5);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    len = sizeof addr;
    ss_next("getsockname(%d, &addr, &len)", lfd);
    rc = getsockname(lfd, (struct sockaddr *)&addr, &len);
    ss_ret_as(rc, "getsockname(%d, %s, %u)", lfd, ss_addr(&addr).s,
              (unsigned)len);
    if (rc == -1)
        goto fail;
    port = ntohs(addr.sin_port);
    printf("listening on %s\n", ss_addr(&addr).s);

    ss_title("2. a client connects, the server accepts, they talk");
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    cfd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(cfd);
    if (cfd == -1)
        goto fail;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", cfd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    /* Our own listener, with an empty queue: the handshake is instant. */
    ss_next("connect(%d, %s, %u)", cfd, ss_addr(&addr).s,
            (unsigned)sizeof addr);
    rc = connect(cfd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    len = sizeof peer;
    ss_next("accept(%d, &peer, &len)", lfd);
    sfd = accept(lfd, (struct sockaddr *)&peer, &len);
    ss_ret_as(sfd, "accept(%d, %s, %u)", lfd, ss_addr(&peer).s, (unsigned)len);
    if (sfd == -1)
        goto fail;
    cport = ntohs(peer.sin_port); /* the client's port */
    ss_say("fd %d is the client's end, fd %d the server's end of one "
           "connection",
           cfd, sfd);
    ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", sfd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(sfd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    ss_next("send(%d, %s, 6, MSG_NOSIGNAL)", cfd, ss_bytes("hello\n", 6).s);
    n = send(cfd, "hello\n", 6, MSG_NOSIGNAL);
    ss_ret(n);
    if (n == -1)
        goto fail;
    ss_next("recv(%d, buf, %u, 0)", sfd, (unsigned)sizeof buf);
    n = recv(sfd, buf, sizeof buf, 0);
    ss_ret_as(n, "recv(%d, %s, %u, 0)", sfd, ss_bytes(buf, n > 0 ? n : 0).s,
              (unsigned)sizeof buf);
    if (n == -1)
        goto fail;

    /* region: shutdown */
    ss_title("3. the client half-closes: shutdown(SHUT_WR)");
    ss_next("shutdown(%d, SHUT_WR)", cfd);
    rc = shutdown(cfd, SHUT_WR);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("the client will send nothing more: its kernel sends a FIN. It "
           "can still receive.");
    wait_state(port, cport, CLOSE_WAIT);
    wait_state(cport, port, FIN_WAIT2);
    ss_kernel(cfd);
    ss_kernel(sfd);
    ss_say("FIN_WAIT2: the client has sent its FIN, and it was ACKed. "
           "CLOSE_WAIT: the server has received it and waits for its own "
           "program to close.");

    ss_next("recv(%d, buf, %u, 0)", sfd, (unsigned)sizeof buf);
    n = recv(sfd, buf, sizeof buf, 0);
    ss_ret(n);
    if (n == -1)
        goto fail;
    if (n == 0)
        ss_say("recv() = 0 is the end of the stream: the peer has closed "
               "its sending side, and nothing more will ever arrive on "
               "fd %d",
               sfd);

    ss_next("send(%d, %s, 4, MSG_NOSIGNAL)", sfd, ss_bytes("bye\n", 4).s);
    n = send(sfd, "bye\n", 4, MSG_NOSIGNAL);
    ss_ret(n);
    if (n == -1)
        goto fail;
    ss_next("recv(%d, buf, %u, 0)", cfd, (unsigned)sizeof buf);
    n = recv(cfd, buf, sizeof buf, 0);
    ss_ret_as(n, "recv(%d, %s, %u, 0)", cfd, ss_bytes(buf, n > 0 ? n : 0).s,
              (unsigned)sizeof buf);
    if (n == -1)
        goto fail;
    ss_say("the other direction still works: the server sent after its "
           "recv() returned 0, and the client, whose sending side is "
           "shut, received it. This is how a client says 'that was my "
           "whole request' and still reads the answer.");
    /* endregion: shutdown */

    /* region: close */
    ss_title("4. both close: the client first");
    ss_next("close(%d)", cfd);
    rc = close(cfd);
    ss_ret(rc);
    cfd = -1;
    if (rc == -1)
        goto fail;
    ss_next("close(%d)", sfd);
    rc = close(sfd);
    ss_ret(rc);
    sfd = -1;
    if (rc == -1)
        goto fail;
    ss_say("the server's close() sent the second FIN; the client's kernel "
           "ACKed it and the server's end was gone at once");
    wait_state(cport, port, TIME_WAIT);
    ss_kernel_port("tcp", cport, 0);
    ss_say("TIME_WAIT stays with the side that sent the first FIN, the "
           "client, for 60 s on Linux: a late packet of this connection "
           "cannot be taken for part of a new one, and a lost last ACK can "
           "be sent again. It holds the client's port %u, not the server's "
           "port %u, so it does not stand in the server's way.",
           cport, port);
    /* endregion: close */

    /* region: server-first */
    ss_title("5. a second client; this time the server closes first");
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    cfd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(cfd);
    if (cfd == -1)
        goto fail;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", cfd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_next("connect(%d, %s, %u)", cfd, ss_addr(&addr).s,
            (unsigned)sizeof addr);
    rc = connect(cfd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    len = sizeof peer;
    ss_next("accept(%d, &peer, &len)", lfd);
    sfd = accept(lfd, (struct sockaddr *)&peer, &len);
    ss_ret_as(sfd, "accept(%d, %s, %u)", lfd, ss_addr(&peer).s, (unsigned)len);
    if (sfd == -1)
        goto fail;
    cport2 = ntohs(peer.sin_port);

    ss_next("close(%d)", sfd);
    rc = close(sfd);
    ss_ret(rc);
    sfd = -1;
    if (rc == -1)
        goto fail;
    ss_say("a server that hangs up on its client: its FIN goes first");
    ss_next("recv(%d, buf, %u, 0)", cfd, (unsigned)sizeof buf);
    n = recv(cfd, buf, sizeof buf, 0);
    ss_ret(n);
    if (n == -1)
        goto fail;
    if (n == 0)
        ss_say("the client sees the end of the stream, and closes too");
    ss_next("close(%d)", cfd);
    rc = close(cfd);
    ss_ret(rc);
    cfd = -1;
    if (rc == -1)
        goto fail;
    wait_state(port, cport2, TIME_WAIT);
    ss_kernel_port("tcp", port, 0);
    ss_say("now a TIME_WAIT holds the server's own port %u, for 60 s, "
           "with no process behind it. (Step 4's TIME_WAIT is the one on "
           "the first client's port %u.)",
           port, cport);

    ss_next("close(%d)", lfd);
    rc = close(lfd);
    ss_ret(rc);
    lfd = -1;
    if (rc == -1)
        goto fail;
    ss_say("the server has stopped; picture it being restarted now");
    /* endregion: server-first */

    /* region: reuseaddr */
    ss_title("6. restart the server on port %u", port);
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(lfd);
    if (lfd == -1)
        goto fail;
    ss_next("bind(%d, %s, %u)", lfd, ss_addr(&addr).s, (unsigned)sizeof addr);
    rc = bind(lfd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == 0) {
        ss_say("no TIME_WAIT stood in the way on this system");
    } else if (errno == EADDRINUSE) {
        ss_say("no program has port %u, yet bind() fails: the TIME_WAIT "
               "of step 5 still holds it, and this socket did not set "
               "SO_REUSEADDR",
               port);
    } else {
        goto fail;
    }
    ss_next("close(%d)", lfd);
    rc = close(lfd);
    ss_ret(rc);
    lfd = -1;
    if (rc == -1)
        goto fail;

    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(lfd);
    if (lfd == -1)
        goto fail;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, [1], %u)", lfd,
            (unsigned)sizeof one);
    rc = setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_next("bind(%d, %s, %u)", lfd, ss_addr(&addr).s, (unsigned)sizeof addr);
    rc = bind(lfd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("with SO_REUSEADDR the same bind() succeeds, TIME_WAIT or not. "
           "On Linux it takes SO_REUSEADDR on both sockets: the new one, "
           "and the one in TIME_WAIT, which inherited it from the "
           "listening socket of step 1. So a server sets it every time it "
           "starts, the first time included.");
    ss_next("close(%d)", lfd);
    rc = close(lfd);
    ss_ret(rc);
    if (rc == -1)
        return 1;
    /* endregion: reuseaddr */
    return 0;

fail:
    if (sfd != -1) {
        ss_next("close(%d)", sfd);
        ss_ret(close(sfd));
    }
    if (cfd != -1) {
        ss_next("close(%d)", cfd);
        ss_ret(close(cfd));
    }
    if (lfd != -1) {
        ss_next("close(%d)", lfd);
        ss_ret(close(lfd));
    }
    return 1;
}
