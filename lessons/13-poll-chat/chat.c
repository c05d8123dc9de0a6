/*
 * Lesson 13: a chat server with poll()
 *
 * One process serves every client at once: poll() waits on all the
 * sockets together and says which can be read or written without waiting.
 * Each line a client sends goes to every other client. A line that comes
 * in pieces waits for its newline. A client that does not read is dropped
 * when its queue is full, so one stuck reader cannot stall the others.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 13-poll-chat  (or: cc lessons/13-poll-chat/chat.c -o chat)
 * Run:   build/13-poll-chat, then in two or more terminals: nc 127.0.0.1 8888
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/sockstep.h"

#define MAX_CLIENTS 100
#define MAX_LINE    512   /* a line and its newline: longer goes in pieces */
#define QUEUE_MAX   65536 /* bytes that may wait for one client */
#define DROPPED     (-1)  /* why a client goes: its queue was full */
#define LEFT        (-2)  /* it closed its side (recv() returned 0) */

static const struct ss_lesson lesson = {
    .name = "13-poll-chat",
    .summary = "a chat server: each line a client sends goes to all the "
               "others",
    .example = "  build/13-poll-chat\n"
               "  then in two or more terminals: nc 127.0.0.1 8888",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds poll() waits for anything to happen",
    .count = 0,
    .count_help = "clients to take in all; the server ends when the last "
                  "one leaves",
};

struct client {
    int fd, id;
    int gone;          /* 0; or DROPPED, LEFT, an errno: remove it */
    char in[MAX_LINE]; /* what came after the last newline */
    size_t nin;
    char out[QUEUE_MAX]; /* what waits to be sent to this client */
    size_t nout;
};

/* Queue text for every client but `from` that is not going. */
static void to_all(struct client *c, int n, const struct client *from,
                   const char *text, size_t len)
{
    int i;

    for (i = 0; i < n; i++) {
        if (&c[i] == from || c[i].gone)
            continue;
        if (c[i].nout + len > QUEUE_MAX) {
            c[i].gone = DROPPED; /* it has not read for too long */
            continue;
        }
        memcpy(c[i].out + c[i].nout, text, len);
        c[i].nout += len;
    }
}

/* How many bytes after p[0] complete one UTF-8 character (1 to 3), or 0
   when p[0] does not begin one that is whole within len bytes. */
static size_t utf8_more(const char *p, size_t len)
{
    unsigned char b = (unsigned char)p[0];
    size_t k = b > 0xf4 ? 0 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : 0;
    size_t j;

    if (k >= len)
        return 0;
    for (j = 1; j <= k; j++)
        if (((unsigned char)p[j] & 0xc0) != 0x80)
            return 0; /* not a continuation byte (10xxxxxx) */
    return k;
}

/* One line from client `from` (without its newline) goes to the others:
   ESC and the other control bytes (C0, DEL and C1: 0x80-0x9f, as a byte
   or in UTF-8, C2 80 to C2 9F) become '?', so that nobody can move
   another's cursor or retitle their terminal. Other UTF-8 goes as is. */
static void relay(struct client *c, int n, struct client *from,
                  const char *line, size_t len, int cut)
{
    char text[MAX_LINE + 32];
    size_t i, o, k;

    printf("client %d: ", from->id);
    ss_put_data(stdout, line, len);
    if (cut)
        printf(" [no newline in %d bytes: relayed as a line]", MAX_LINE);
    printf("\n");
    if (len > 0 && line[len - 1] == '\r')
        len--; /* a CRLF line (nc -C, telnet) */
    o = (size_t)snprintf(text, sizeof text, "client %d: ", from->id);
    for (i = 0; i < len; i += k + 1) {
        unsigned char b = (unsigned char)line[i];
        k = utf8_more(line + i, len - i); /* the rest of a character */
        if ((b < 0x20 && b != '\t') || (b >= 0x7f && b <= 0x9f) ||
            (b == 0xc2 && k == 1 && (unsigned char)line[i + 1] <= 0x9f))
            text[o++] = '?'; /* a control character, of 1 or 2 bytes */
        else {
            memcpy(text + o, line + i, k + 1);
            o += k + 1;
        }
    }
    text[o++] = '\n';
    to_all(c, n, from, text, o);
}

/* POLLIN (or POLLHUP, POLLERR): read what came, relay each whole line. */
static void take_input(struct client *c, int n, struct client *me)
{
    ssize_t got;
    size_t start = 0, i;

    got = recv(me->fd, me->in + me->nin, sizeof me->in - me->nin, 0);
    if (got == -1 &&
        (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return; /* poll() again */
    if (got <= 0) {
        me->gone = got == 0 ? LEFT : errno;
        return;
    }
    me->nin += (size_t)got;
    for (i = 0; i < me->nin; i++) {
        if (me->in[i] == '\n') {
            relay(c, n, me, me->in + start, i - start, 0);
            start = i + 1;
        }
    }
    if (start == 0 && me->nin == sizeof me->in) {
        relay(c, n, me, me->in, me->nin, 1); /* a line too long */
        start = me->nin;
    }
    memmove(me->in, me->in + start, me->nin - start); /* the partial line */
    me->nin -= start;
}

/* POLLOUT: send what waits, as much as the kernel takes now. */
static void flush(struct client *me)
{
    ssize_t sent;

    /* MSG_DONTWAIT: this send() never waits for a slow reader; what the
       kernel does not take stays queued for the next POLLOUT. */
    sent = send(me->fd, me->out, me->nout, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent == -1 &&
        (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (sent == -1) {
        me->gone = errno; /* EPIPE, ECONNRESET: the client has gone */
        return;
    }
    memmove(me->out, me->out + sent, me->nout - (size_t)sent);
    me->nout -= (size_t)sent;
}

/* Close the clients marked gone, and tell the others; telling may mark
   more (their queues full), so start again until none is left. */
static int sweep(struct client *c, int n)
{
    struct client *g;
    char note[200];
    int i, id, why;

    for (i = 0; i < n; i++) {
        if (!c[i].gone)
            continue;
        g = &c[i];
        id = g->id;
        why = g->gone;
        if (g->nin > 0 && why == LEFT)
            printf("client %d left in the middle of a line: its last %zu "
                   "bytes are dropped\n",
                   id, g->nin);
        if (close(g->fd) == -1)
            perror("close");
        c[i] = c[--n]; /* the last one takes its place */
        if (why == DROPPED) {
            printf("client %d was dropped: it did not read, and its queue "
                   "(%d bytes) was full (%d here)\n",
                   id, QUEUE_MAX, n);
            snprintf(note, sizeof note,
                     "* client %d was dropped: it was not reading\n", id);
        } else if (why == LEFT) {
            printf("client %d left (%d here)\n", id, n);
            snprintf(note, sizeof note, "* client %d left\n", id);
        } else {
            printf("client %d is gone: %s (%d here)\n", id, strerror(why), n);
            snprintf(note, sizeof note, "* client %d is gone (%s)\n", id,
                     strerror(why));
        }
        to_all(c, n, NULL, note, strlen(note)); /* the server's own line */
        i = -1; /* from the start: to_all() may have marked another */
    }
    return n;
}

int main(int argc, char **argv)
{
    static struct client c[MAX_CLIENTS];
    static struct pollfd fds[1 + MAX_CLIENTS];
    struct ss_options opt;
    struct sockaddr_in addr, from;
    socklen_t len;
    char note[200];
    int fd, conn, flags, rc, i, n = 0, one = 1, status = 0, full = 0, left;
    long served = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* Lessons 01 to 04: a TCP socket, bound to --host and --port. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    if (listen(fd, SOMAXCONN) == -1) {
        perror("listen");
        goto fail;
    }
    /* accept() only after poll() says POLLIN, and even then it must not
       wait: on BSD systems a client that resets in between is taken off
       the queue (Linux keeps it, and accept() returns it). */
    flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
        perror("fcntl");
        goto fail;
    }
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("listening on %s\n", ss_addr(&addr).s);
    say("a line that does not fit in %d bytes with its newline is relayed "
        "in pieces; the server keeps at most %d bytes waiting for a client "
        "(besides what the kernel's buffers hold) before it drops it",
        MAX_LINE, QUEUE_MAX);

    while (fd != -1 || n > 0) {
        /* One pollfd per client, rebuilt before every poll(): fds[i + 1]
           is c[i]. POLLOUT only for those with something to send. */
        fds[0].fd = fd; /* -1 once closed: poll() skips it */
        /* 0 while out of descriptors: see accept() below */
        fds[0].events = full ? 0 : POLLIN;
        for (i = 0; i < n; i++) {
            fds[i + 1].fd = c[i].fd;
            fds[i + 1].events = POLLIN | (c[i].nout > 0 ? POLLOUT : 0);
        }
        rc = poll(fds, (nfds_t)n + 1, opt.timeout * 1000);
        if (rc == -1 && errno == EINTR)
            continue;
        if (rc == -1) {
            perror("poll");
            status = 1;
            break;
        }
        if (rc == 0 && n > 0) {
            printf("nothing happened within --timeout %d s: closing %d "
                   "idle client%s\n",
                   opt.timeout, n, n == 1 ? "" : "s");
            break;
        }
        if (rc == 0) {
            printf("no %s within --timeout %d s\n",
                   served == 0 ? "client connected" : "more clients",
                   opt.timeout);
            status = served == 0;
            break;
        }

        /* Walk the n clients that were in this poll(). None is removed
           during the walk, only marked gone: moving the last entry into
           a removed one's slot, then going on with the next, would skip
           the moved client until the next poll(). */
        for (i = 0; i < n; i++) {
            if (!c[i].gone && (fds[i + 1].revents & POLLOUT))
                flush(&c[i]);
            if (!c[i].gone &&
                (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                take_input(c, n, &c[i]);
        }

        /* A new client, after the walk: its slot was in no poll(). */
        if (fd != -1 && (fds[0].revents & POLLIN)) {
            len = sizeof from;
            conn = accept(fd, (struct sockaddr *)&from, &len);
            if (conn != -1 && n == MAX_CLIENTS) {
                if (send(conn, "* the chat is full\n",
                         sizeof "* the chat is full\n" - 1,
                         MSG_NOSIGNAL | MSG_DONTWAIT) == -1)
                    perror("send");
                if (close(conn) == -1)
                    perror("close");
            } else if (conn != -1) {
                c[n].fd = conn;
                c[n].id = (int)++served;
                c[n].gone = 0;
                c[n].nin = 0;
                c[n].nout = (size_t)snprintf(c[n].out, sizeof c[n].out,
                                             "* you are client %d, with %d "
                                             "other%s\n",
                                             c[n].id, n, n == 1 ? "" : "s");
                printf("client %d joined from %s (%d here)\n", c[n].id,
                       ss_addr(&from).s, n + 1);
                snprintf(note, sizeof note, "* client %d joined from %s\n",
                         c[n].id, ss_addr(&from).s);
                to_all(c, n, NULL, note, strlen(note));
                n++;
            } else if (errno == EMFILE || errno == ENFILE) {
                /* The client stays queued, so poll() would report fd
                   ready again at once, and accept() fail again: a loop
                   that spins. Watch fd again when a client leaves. */
                perror("accept");
                printf("out of descriptors: new clients wait in the queue "
                       "until a client leaves\n");
                full = 1;
            } else if (errno != EAGAIN && errno != EINTR &&
                       errno != ECONNABORTED) {
                perror("accept");
            }
            if (opt.count > 0 && served == opt.count) {
                printf("--count %ld reached: no new clients; the chat ends "
                       "when the last one leaves\n",
                       opt.count);
                if (close(fd) == -1)
                    perror("close");
                fd = -1;
            }
        }
        left = n;
        n = sweep(c, n);
        if (n < left)
            full = 0; /* a descriptor is free again */
    }

    heading("done: %ld client%s in all", served, served == 1 ? "" : "s");
    for (i = 0; i < n; i++)
        if (close(c[i].fd) == -1)
            perror("close");
    if (fd != -1 && close(fd) == -1)
        perror("close");
    return status;

fail:
    close(fd);
    return 1;
}
