/*
 * Lesson 19: how fast a socket goes
 *
 * One program, two sides: --receive listens and reads, --send connects and
 * writes --bytes (1 GiB unless told). Each run prints the rate, the system
 * calls that moved the data and their CPU time: --buffer 1K takes 128 times
 * the calls of the default 128K. Linux only, for sendfile() (--sendfile).
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 19-throughput  (or: cc lessons/19-throughput/throughput.c)
 * Run:   build/19-throughput --receive
 *        and in a second terminal: build/19-throughput --send
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

#define REQUEST 100 /* an exchange: a 100-byte request, written in two */
#define HEAD    10  /* parts (10 bytes, then 90), and a 100-byte reply */

/* The lesson's own options, set by ss_start() when given. */
static int send_opt, receive_opt, nodelay_opt, verify_opt;
static long bytes_opt = 1L << 30, buffer_opt = 128L << 10, sockbuf_opt;
static long exchanges_opt;
static const char *sendfile_opt;

static const struct ss_lesson lesson = {
    .name = "19-throughput",
    .summary = "send bytes over TCP as fast as they go, and measure the "
               "rate, the system calls and the CPU time",
    .example = "  build/19-throughput --receive\n"
               "  then in a second terminal: build/19-throughput --send "
               "--buffer 1K",
    .options = SS_OPT_NET | SS_OPT_COUNT | SS_OPT_SIDES,
    .peer = "receiver's",
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds the receiver waits for a sender, and either "
                    "side for a send() or recv() to make progress",
    .count = 1,
    .count_help = "transfers to receive, one after another",
    .extra = {{.name = "--send",
               .help = "send: connect to --host and --port",
               .flag = &send_opt},
              {.name = "--receive",
               .help = "receive: listen on --host and --port",
               .flag = &receive_opt},
              {.name = "--bytes",
               .arg = "N",
               .lo = 1,
               .hi = 1L << 40,
               .size = 1,
               .help = "bytes to send; K, M, G multiply by 1024",
               .num = &bytes_opt},
              {.name = "--buffer",
               .arg = "N",
               .lo = 1L << 10,
               .hi = 1L << 20,
               .size = 1,
               .help = "bytes per send() or recv(), 1K to 1M",
               .num = &buffer_opt},
              {.name = "--sockbuf",
               .arg = "N",
               .lo = 1L << 10,
               .hi = 1L << 30,
               .size = 1,
               .help = "set SO_SNDBUF (--send) or SO_RCVBUF (--receive)",
               .num = &sockbuf_opt},
              {.name = "--nodelay",
               .help = "set TCP_NODELAY: no Nagle's algorithm",
               .flag = &nodelay_opt},
              {.name = "--exchanges",
               .arg = "N",
               .lo = 1,
               .hi = 1000000,
               .help = "N request/reply exchanges of 100 bytes, not a "
                       "stream (give it to both sides)",
               .num = &exchanges_opt},
              {.name = "--sendfile",
               .arg = "PATH",
               .help = "send the file PATH with sendfile()",
               .text = &sendfile_opt},
              {.name = "--verify",
               .help = "print an FNV-1a hash of the bytes received, or sent "
                       "with send(); it costs CPU time",
               .flag = &verify_opt}},
};

/* One timed phase: its clock, CPU time, calls, bytes and their hash. */
struct phase {
    struct timespec t0;
    struct rusage r0;
    double s, cpu_user, cpu_sys;
    long calls;
    long long bytes;
    uint64_t hash;
};

/* FNV-1a, 64 bits: a hash of every byte, in order (--verify). */
static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return h;
}

static double seconds(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

/* A timed phase: its calls are made with the narration off. */
static void phase_start(struct phase *p)
{
    ss_narration_off();
    memset(p, 0, sizeof *p);
    p->hash = 0xcbf29ce484222325u; /* FNV-1a's start */
    if (clock_gettime(CLOCK_MONOTONIC, &p->t0) == -1 ||
        getrusage(RUSAGE_SELF, &p->r0) == -1) {
        perror("clock_gettime or getrusage"); /* no time to measure by */
        exit(1);
    }
}

static void phase_stop(struct phase *p)
{
    struct timespec t1;
    struct rusage r1;

    if (clock_gettime(CLOCK_MONOTONIC, &t1) == -1 ||
        getrusage(RUSAGE_SELF, &r1) == -1) {
        perror("clock_gettime or getrusage");
        exit(1);
    }
    p->s = (double)(t1.tv_sec - p->t0.tv_sec) +
           (double)(t1.tv_nsec - p->t0.tv_nsec) / 1e9;
    p->cpu_user = seconds(r1.ru_utime) - seconds(p->r0.ru_utime);
    p->cpu_sys = seconds(r1.ru_stime) - seconds(p->r0.ru_stime);
    ss_narration_on();
}

/* The rate (unless verb is NULL), the calls, the CPU time, the hash. */
static void report(const char *verb, const struct phase *p, const char *calls,
                   int verify)
{
    if (verb != NULL)
        printf("%s %lld bytes in %.3f s: %.1f MB/s (%.2f Gbit/s)\n", verb,
               p->bytes, p->s, (double)p->bytes / p->s / 1e6,
               (double)p->bytes * 8 / p->s / 1e9);
    printf("  system calls: %ld %s\n", p->calls, calls);
    printf("  CPU time: %.3f s user, %.3f s system (%.0f%% of the elapsed "
           "time)\n",
           p->cpu_user, p->cpu_sys, 100 * (p->cpu_user + p->cpu_sys) / p->s);
    if (verify)
        printf("  fnv1a64 %016llx\n", (unsigned long long)p->hash);
}

/* The socket's SO_SNDBUF or SO_RCVBUF, as the kernel has it. */
static int bufsize(int fd, int name)
{
    socklen_t len = sizeof(int);
    int v = -1;

    if (getsockopt(fd, SOL_SOCKET, name, &v, &len) == -1)
        perror("getsockopt");
    return v;
}

/* The end of a timed run: nothing more to send, then wait until the
   receiver has read it all and closed. 0 when it did. */
static int wait_close(int fd)
{
    char c;
    ssize_t n;

    if (shutdown(fd, SHUT_WR) == -1) {
        perror("shutdown");
        return 1;
    }
    do
        n = recv(fd, &c, 1, 0);
    while (n == -1 && errno == EINTR);
    if (n == 0)
        return 0;
    fprintf(stderr, "the receiver did not close the connection\n");
    return 1;
}

/* Send --bytes from buf, or the file, until the receiver has them all.
   sendfile()'s bytes never pass through this program: no hash of them. */
static int stream(int fd, int file, unsigned char *buf, int timeout,
                  struct phase *p)
{
    off_t off = 0; /* sendfile() reads the file from here on */
    ssize_t n;

    heading("sending %ld bytes with %s", bytes_opt,
            file >= 0 ? "sendfile()" : "send()");
    phase_start(p);
    while (p->bytes < bytes_opt) {
        size_t at = (size_t)(p->bytes % buffer_opt); /* where in buf */
        size_t want = (size_t)(bytes_opt - p->bytes);
        if (want > (size_t)buffer_opt - at)
            want = (size_t)buffer_opt - at;
        if (file >= 0)
            n = sendfile(fd, file, &off, (size_t)(bytes_opt - p->bytes));
        else
            n = send(fd, buf + at, want, MSG_NOSIGNAL);
        p->calls++;
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            printf("the receiver took nothing for %d s (--timeout)\n", timeout);
        else if (n == -1)
            perror(file >= 0 ? "sendfile" : "send");
        else if (n == 0)
            fprintf(stderr, "%s: shorter than it was\n", sendfile_opt);
        if (n <= 0)
            return 1;
        if (verify_opt && file < 0)
            p->hash = fnv1a(p->hash, buf + at, (size_t)n);
        p->bytes += n;
    }
    if (wait_close(fd) != 0)
        return 1;
    phase_stop(p);
    return 0;
}

/* --sendfile PATH, opened before the socket; --bytes becomes its size.
   sendfile() needs a file whose size is its length: anything else is a
   bad option (exit 2). O_NONBLOCK: open() of a FIFO would wait for a
   writer. fstat() the descriptor: the name could lead elsewhere by now. */
static int open_file(const char *path)
{
    struct stat st;
    const char *bad = NULL;
    char c;
    int file = open(path, O_RDONLY | O_NONBLOCK);

    if (file == -1 || fstat(file, &st) == -1) {
        perror(path);
        exit(1);
    }
    if (S_ISDIR(st.st_mode))
        bad = "a regular file, not a directory";
    else if (S_ISFIFO(st.st_mode))
        bad = "a regular file, not a FIFO";
    else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        bad = "a regular file, not a device";
    else if (!S_ISREG(st.st_mode))
        bad = "a regular file";
    else if (st.st_size == 0 && pread(file, &c, 1, 0) == 1)
        bad = "a file whose size is its length (a /proc file says 0)";
    if (bad != NULL)
        ss_bad(&lesson, "--sendfile", bad, path);
    bytes_opt = (long)st.st_size;
    say("%s is open as fd %d: the socket comes after it", path, file);
    return file;
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

/* --exchanges: a request in two small writes, then wait for the reply. */
static int exchanges(int fd, struct phase *p)
{
    unsigned char req[REQUEST], reply[REQUEST];
    ssize_t n;
    long i;

    for (i = 0; i < REQUEST; i++)
        req[i] = (unsigned char)i;
    heading("%ld exchanges: send %d bytes, send %d, wait for %d", exchanges_opt,
            HEAD, REQUEST - HEAD, REQUEST);
    phase_start(p);
    for (i = 0; i < exchanges_opt; i++) {
        req[0] = (unsigned char)i; /* each request its own */
        /* Two small writes: unless TCP_NODELAY is set, the second waits
           until the first is acknowledged (Nagle's algorithm). */
        if (send_all(fd, (const char *)req, HEAD) == -1 ||
            send_all(fd, (const char *)req + HEAD, REQUEST - HEAD) == -1) {
            perror("send");
            return 1;
        }
        do
            n = recv(fd, reply, sizeof reply, MSG_WAITALL);
        while (n == -1 && errno == EINTR);
        p->calls += 3;
        if (n != REQUEST || memcmp(req, reply, sizeof req) != 0) {
            fprintf(stderr, "reply %ld: %s\n", i + 1,
                    n == -1 ? strerror(errno) : "not the request sent");
            return 1;
        }
        p->bytes += REQUEST;
    }
    phase_stop(p); /* the clock stops before the close */
    if (wait_close(fd) != 0)
        return 1;
    printf("%ld exchanges in %.3f s: %.3f ms each on average\n", i, p->s,
           p->s * 1e3 / (double)i);
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

static int sender(const struct ss_options *opt, int file, unsigned char *buf)
{
    struct sockaddr_in addr;
    struct timeval tv = {0, 0}, left;
    struct timespec t0;
    struct phase p;
    int fd, one = 1, size = (int)sockbuf_opt, start, status, rc, cut = 0;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* Every wait bounded; on Linux SO_SNDTIMEO bounds connect() too. */
    tv.tv_sec = opt->timeout;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 ||
        (nodelay_opt &&
         setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1)) {
        perror("setsockopt");
        goto fail;
    }
    /* Set before connect(), a size holds for the whole connection, and
       Linux no longer grows the buffer by itself. */
    if (size > 0 &&
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == -1) {
        perror("setsockopt");
        goto fail;
    }
    start = bufsize(fd, SO_SNDBUF);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt->host;
    addr.sin_port = htons(opt->port);
    if (clock_gettime(CLOCK_MONOTONIC, &t0) == -1) {
        perror("clock_gettime");
        goto fail;
    }
    for (;;) {
        rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
        if (rc == 0 || errno != EINTR)
            break;
        /* A signal ended the wait, not the handshake: connect() again
           waits for it, for what is left of --timeout (lesson 05). */
        if (!time_left(&t0, opt->timeout, &left))
            break;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &left, sizeof left) == -1) {
            perror("setsockopt");
            goto fail;
        }
        cut = 1;
    }
    if (rc == -1 &&
        (errno == EINPROGRESS || errno == EALREADY || errno == EINTR)) {
        printf("no answer within --timeout %d s\n", opt->timeout);
        goto fail;
    }
    if (rc == -1) {
        perror("connect");
        goto fail;
    }
    /* Each send() may wait the whole --timeout again. */
    if (cut && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1) {
        perror("setsockopt");
        goto fail;
    }
    printf("connected to %s\n", ss_addr(&addr).s);

    if (exchanges_opt > 0)
        status = exchanges(fd, &p);
    else
        status = stream(fd, file, buf, opt->timeout, &p);
    ss_narration_on(); /* also after a phase that failed */
    if (status == 0) {
        report(exchanges_opt > 0 ? NULL : "sent", &p,
               exchanges_opt > 0 ? "(send, send, recv each time)"
               : file >= 0       ? "sendfile()"
                                 : "send()",
               verify_opt && exchanges_opt == 0 && file < 0);
        printf("  SO_SNDBUF: %d bytes at the start, %d at the end\n", start,
               bufsize(fd, SO_SNDBUF));
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

/* One sender's bytes (or requests, answered) until it closes its side. */
static int take(int conn, unsigned char *buf, int timeout, struct phase *p)
{
    size_t size = exchanges_opt > 0 ? REQUEST : (size_t)buffer_opt;
    ssize_t n, k;

    heading("%s, up to %zu bytes per recv()",
            exchanges_opt > 0 ? "answering requests" : "receiving", size);
    phase_start(p);
    for (;;) {
        n = recv(conn, buf, size, exchanges_opt > 0 ? MSG_WAITALL : 0);
        p->calls++;
        if (n == 0)
            break; /* the sender has closed its side: all is here */
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            printf("the sender sent nothing for %d s (--timeout)\n", timeout);
        else if (n == -1)
            perror("recv");
        if (n == -1)
            return 1;
        if (verify_opt)
            p->hash = fnv1a(p->hash, buf, (size_t)n);
        p->bytes += n;
        /* A short count, or EAGAIN: SO_SNDTIMEO ran out, the sender
           reads no replies. */
        k = exchanges_opt > 0 ? send(conn, buf, (size_t)n, MSG_NOSIGNAL) : n;
        if (k != n && (k >= 0 || errno == EAGAIN || errno == EWOULDBLOCK))
            printf("the sender read no reply for %d s (--timeout)\n", timeout);
        else if (k != n)
            perror("send");
        if (k != n)
            return 1;
        p->calls += exchanges_opt > 0;
    }
    phase_stop(p);
    return 0;
}

static int receiver(const struct ss_options *opt, unsigned char *buf)
{
    struct sockaddr_in addr, peer;
    socklen_t len;
    struct timeval tv = {0, 0};
    struct phase p;
    int fd, conn, one = 1, size = (int)sockbuf_opt, start, end, status = 0;
    long done = 0;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    tv.tv_sec = opt->timeout;
    /* SO_RCVBUF before listen(): the window scale is fixed in the
       handshake, from the buffer size, and an accepted socket starts with
       its listener's buffer size. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1 ||
        (size > 0 &&
         setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == -1)) {
        perror("setsockopt");
        goto fail;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt->host;
    addr.sin_port = htons(opt->port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
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

    while (done < opt->count) {
        heading("waiting for sender %ld", done + 1);
        len = sizeof peer;
        conn = accept(fd, (struct sockaddr *)&peer, &len);
        if (conn == -1 && (errno == EINTR || errno == ECONNABORTED))
            continue;
        if (conn == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            printf("no %s within --timeout %d s\n",
                   done == 0 ? "sender connected" : "more senders",
                   opt->timeout);
            status = done == 0;
            break;
        }
        if (conn == -1) {
            perror("accept");
            goto fail;
        }
        done++;
        printf("sender %s\n", ss_addr(&peer).s);
        /* On Linux an accepted socket has its listener's options
           (SO_RCVTIMEO, SO_SNDTIMEO, SO_RCVBUF); TCP_NODELAY is set
           here. */
        if (nodelay_opt &&
            setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1)
            perror("setsockopt");
        start = bufsize(conn, SO_RCVBUF);
        if (take(conn, buf, opt->timeout, &p) != 0) {
            ss_narration_on(); /* the phase failed before its end */
            status = 1;
            close(conn);
            continue;
        }
        end = bufsize(conn, SO_RCVBUF);
        /* Close first: the sender's clock stops when it sees this. */
        if (close(conn) == -1)
            perror("close");
        if (exchanges_opt > 0)
            printf("answered %lld requests in %.3f s\n", p.bytes / REQUEST,
                   p.s);
        report(exchanges_opt > 0 ? NULL : "received", &p,
               exchanges_opt > 0 ? "(recv, send each time)" : "recv()",
               verify_opt);
        printf("  SO_RCVBUF: %d bytes at the start, %d at the end\n", start,
               end);
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

int main(int argc, char **argv)
{
    struct ss_options opt;
    unsigned char *buf;
    long i;
    int file = -1, status;

    ss_start(&lesson, &opt, argc, argv);
    if (send_opt && receive_opt)
        ss_bad(&lesson, "--send and --receive", "one of them, not both", NULL);
    if (!send_opt && !receive_opt)
        ss_bad(&lesson, "--send or --receive", "one of them", NULL);
    if (send_opt && sendfile_opt != NULL && exchanges_opt == 0) {
        file = open_file(sendfile_opt);
        /* sendfile() takes no flags, so no MSG_NOSIGNAL: a receiver that
           has gone would end us with SIGPIPE. Ignored, it is EPIPE. */
        if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
            perror("signal");
            return 1;
        }
    }
    buf = malloc((size_t)buffer_opt);
    if (buf == NULL) {
        perror("malloc");
        return 1;
    }
    for (i = 0; i < buffer_opt; i++) /* bytes not all alike, for --verify */
        buf[i] = (unsigned char)(i % 251);
    status = send_opt ? sender(&opt, file, buf) : receiver(&opt, buf);
    if (file != -1)
        close(file);
    free(buf);
    return status;
}
