/*
 * Lesson 19: how fast a socket goes
 *
 * One program, two sides: --receive listens and reads, --send connects and
 * writes --bytes (1 GiB unless told). Each run prints the rate, the system
 * calls that moved the data and their CPU time: --buffer 1K takes 128 times
 * the calls of the default 128K. Linux only, for sendfile() (--sendfile).
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
static long exchanges_opt;
static const char *bytes_opt, *buffer_opt, *sockbuf_opt, *sendfile_opt;

static const struct ss_lesson lesson = {
    .name = "19-throughput",
    .summary = "send bytes over TCP as fast as they go, and measure the "
               "rate, the system calls and the CPU time",
    .example = "  build/19-throughput --receive\n"
               "  then in a second terminal: build/19-throughput --send "
               "--buffer 1K",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds the receiver waits for a sender, and either "
                    "side for a send() or recv() to make "
                    "progress",
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
               .hi = 0,
               .help = "bytes to send; K, M, G multiply by 1024 (default 1G)",
               .text = &bytes_opt},
              {.name = "--buffer",
               .arg = "N",
               .lo = 1,
               .hi = 0,
               .help = "bytes per send() or recv(), 1K to 1M (default 128K)",
               .text = &buffer_opt},
              {.name = "--sockbuf",
               .arg = "N",
               .lo = 1,
               .hi = 0,
               .help = "set SO_SNDBUF (--send) or SO_RCVBUF (--receive)",
               .text = &sockbuf_opt},
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
               .lo = 1,
               .hi = 0,
               .help = "send the file PATH with sendfile()",
               .text = &sendfile_opt},
              {.name = "--verify",
               .help = "print an FNV-1a hash of the bytes (costs CPU time)",
               .flag = &verify_opt}},
};

/* What the options asked for. */
struct run {
    long long bytes, size;
    int sockbuf, nodelay, exchanges, verify, timeout;
    const char *path;
    int file; /* --sendfile's file, open before connect(); or -1 */
    unsigned char *buf;
};

/* One timed phase: its clock, CPU time, calls, bytes and their hash. */
struct phase {
    struct timespec t0;
    struct rusage r0;
    double s, user, sys;
    long calls;
    long long bytes;
    uint64_t hash;
};

/* "64K", "1M", "1G" or a number of bytes, from lo to hi; or exit 2. */
static long long size_arg(const char *name, const char *t, long long dflt,
                          long long lo, long long hi, const char *range)
{
    char *end;
    long long v = -1;
    int shift = 0;

    if (t == NULL)
        return dflt;
    errno = 0;
    if (t[0] >= '0' && t[0] <= '9')
        v = strtoll(t, &end, 10);
    if (v >= 0 && errno == 0 && end[0] != '\0') {
        shift = end[0] == 'K' ? 10 : end[0] == 'M' ? 20 : 30;
        if (strchr("KMG", end[0]) == NULL || end[1] != '\0' || v > hi >> shift)
            v = -1;
    }
    if (errno != 0 || v < 0 || v << shift < lo || v << shift > hi) {
        char wants[80];
        snprintf(wants, sizeof wants, "a size from %s", range);
        ss_bad(&lesson, name, wants, t);
    }
    return v << shift;
}

/* FNV-1a, 64 bits: a hash of every byte, in order. */
#define FNV_START 0xcbf29ce484222325u
static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return h;
}

/* Bytes that are not all alike, so that the hash means something. */
static void fill(unsigned char *p, size_t n)
{
    uint32_t x = 2463534242u;
    size_t i;

    for (i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
}

static double since(long s0, long frac0, long s1, long frac1, double unit)
{
    return (double)(s1 - s0) + (double)(frac1 - frac0) / unit;
}

/* A timed phase: its calls are made with the narration off. */
static void phase_start(struct phase *p)
{
    ss_narration_off();
    memset(p, 0, sizeof *p);
    p->hash = FNV_START;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    getrusage(RUSAGE_SELF, &p->r0);
}

static void phase_stop(struct phase *p)
{
    struct timespec t1;
    struct rusage r1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &r1);
    p->s = since(p->t0.tv_sec, p->t0.tv_nsec, t1.tv_sec, t1.tv_nsec, 1e9);
    p->user = since(p->r0.ru_utime.tv_sec, p->r0.ru_utime.tv_usec,
                    r1.ru_utime.tv_sec, r1.ru_utime.tv_usec, 1e6);
    p->sys = since(p->r0.ru_stime.tv_sec, p->r0.ru_stime.tv_usec,
                   r1.ru_stime.tv_sec, r1.ru_stime.tv_usec, 1e6);
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
           p->user, p->sys, 100 * (p->user + p->sys) / p->s);
    if (verify)
        printf("  fnv1a64 %016llx\n", (unsigned long long)p->hash);
}

/* The socket's SO_SNDBUF or SO_RCVBUF, as the kernel has it. */
static int bufsize(int fd, int name)
{
    socklen_t len;
    int v = -1;

    len = sizeof v;
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

/* Send --bytes from the buffer, or the file, until the receiver has it. */
static int stream(int fd, const struct run *r, struct phase *p)
{
    long long total = r->bytes;
    off_t off = 0; /* sendfile() reads the file from here on */
    ssize_t n = 0;
    int file = r->file, status = 0;
    uint64_t h = FNV_START;

    /* With --verify the file's hash is taken before the clock runs. */
    while (file >= 0 && r->verify &&
           (n = read(file, r->buf, (size_t)r->size)) > 0)
        h = fnv1a(h, r->buf, (size_t)n);
    if (n == -1) {
        perror(r->path);
        return 1;
    }
    heading("sending %lld bytes with %s", total,
            file >= 0 ? "sendfile()" : "send()");
    phase_start(p);
    p->hash = h;
    while (p->bytes < total) {
        size_t at = (size_t)(p->bytes % r->size); /* where in the buffer */
        size_t want = (size_t)r->size - at;
        if ((long long)want > total - p->bytes)
            want = (size_t)(total - p->bytes);
        if (file >= 0)
            n = sendfile(fd, file, &off, (size_t)(total - p->bytes));
        else
            n = send(fd, r->buf + at, want, MSG_NOSIGNAL);
        p->calls++;
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            printf("the receiver took nothing for %d s (--timeout)\n",
                   r->timeout);
        else if (n == -1)
            perror(file >= 0 ? "sendfile" : "send");
        else if (n == 0)
            fprintf(stderr, "%s: shorter than it was\n", r->path);
        if (n <= 0) {
            status = 1;
            break;
        }
        if (r->verify && file < 0)
            p->hash = fnv1a(p->hash, r->buf + at, (size_t)n);
        p->bytes += n;
    }
    if (status == 0)
        status = wait_close(fd);
    phase_stop(p);
    return status;
}

/*
 * --sendfile PATH, opened before anything is sent; sets *size. sendfile()
 * reads only from a file whose size says how long it is, so anything else
 * is a bad option (exit 2). O_NONBLOCK: open() of a FIFO would wait for
 * a writer; on a regular file it changes nothing. fstat() the descriptor,
 * not stat() the name: the name could lead elsewhere by then.
 */
static int open_file(const char *path, long long *size)
{
    struct stat st;
    char c;
    int file = open(path, O_RDONLY | O_NONBLOCK);

    if (file == -1 || fstat(file, &st) == -1) {
        perror(path);
        exit(1);
    }
    if (S_ISDIR(st.st_mode))
        ss_bad(&lesson, "--sendfile", "a regular file, not a directory", path);
    if (S_ISFIFO(st.st_mode))
        ss_bad(&lesson, "--sendfile", "a regular file, not a FIFO", path);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        ss_bad(&lesson, "--sendfile", "a regular file, not a device", path);
    if (!S_ISREG(st.st_mode))
        ss_bad(&lesson, "--sendfile", "a regular file", path);
    /* Files in /proc say 0 bytes and then have some. */
    if (st.st_size == 0 && pread(file, &c, 1, 0) == 1)
        ss_bad(&lesson, "--sendfile",
               "a file whose size is its length (a /proc file says 0)", path);
    *size = (long long)st.st_size;
    say("%s is open as fd %d: the socket comes after it", path, file);
    return file;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* --exchanges: a request in two small writes, then wait for the reply. */
static int exchanges(int fd, const struct run *r, struct phase *p)
{
    unsigned char req[REQUEST], reply[REQUEST];
    struct timespec a, b;
    double *ms;
    ssize_t n;
    int i;

    ms = malloc(sizeof *ms * (size_t)r->exchanges);
    if (ms == NULL) {
        perror("malloc");
        return 1;
    }
    fill(req, sizeof req);
    heading("%d exchanges: send %d bytes, send %d, wait for %d", r->exchanges,
            HEAD, REQUEST - HEAD, REQUEST);
    phase_start(p);
    for (i = 0; i < r->exchanges; i++) {
        req[0] = (unsigned char)i; /* each request its own */
        clock_gettime(CLOCK_MONOTONIC, &a);
        /* Two small writes: unless TCP_NODELAY is set, the second waits
           until the first is acknowledged (Nagle's algorithm). */
        if (send(fd, req, HEAD, MSG_NOSIGNAL) != HEAD ||
            send(fd, req + HEAD, REQUEST - HEAD, MSG_NOSIGNAL) !=
                REQUEST - HEAD) {
            perror("send");
            break;
        }
        do
            n = recv(fd, reply, sizeof reply, MSG_WAITALL);
        while (n == -1 && errno == EINTR);
        p->calls += 3;
        if (n != REQUEST || memcmp(req, reply, sizeof req) != 0) {
            fprintf(stderr, "reply %d: %s\n", i + 1,
                    n == -1 ? strerror(errno) : "not the request sent");
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[i] = since(a.tv_sec, a.tv_nsec, b.tv_sec, b.tv_nsec, 1e9) * 1e3;
        p->bytes += REQUEST;
    }
    if (i < r->exchanges || wait_close(fd) != 0) {
        free(ms);
        return 1;
    }
    phase_stop(p);
    qsort(ms, (size_t)i, sizeof *ms, by_value);
    printf("%d exchanges in %.3f s: %.3f ms each on average\n", i, p->s,
           p->s * 1e3 / i);
    printf("  median %.3f ms, fastest %.3f ms, slowest %.3f ms\n", ms[i / 2],
           ms[0], ms[i - 1]);
    free(ms);
    return 0;
}

static int sender(const struct ss_options *opt, const struct run *r)
{
    struct sockaddr_in addr;
    struct timeval tv;
    struct phase p;
    int fd, one = 1, start, status, rc;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* Every wait bounded; on Linux SO_SNDTIMEO bounds connect() too. */
    tv.tv_sec = r->timeout;
    tv.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
        perror("setsockopt");
        goto fail;
    }
    if (r->nodelay &&
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }
    /* Set before connect(), a size holds for the whole connection, and
       Linux no longer grows the buffer by itself. */
    if (r->sockbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &r->sockbuf,
                                     sizeof r->sockbuf) == -1) {
        perror("setsockopt");
        goto fail;
    }
    start = bufsize(fd, SO_SNDBUF);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt->host;
    addr.sin_port = htons(opt->port);
    /* A signal ends connect()'s wait, not the handshake: on Linux
       connect() again waits for the same one (lesson 05). */
    do
        rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    while (rc == -1 && errno == EINTR);
    if (rc == -1) {
        perror("connect");
        goto fail;
    }
    printf("connected to %s\n", ss_addr(&addr).s);

    if (r->exchanges > 0)
        status = exchanges(fd, r, &p);
    else
        status = stream(fd, r, &p);
    ss_narration_on(); /* also after a phase that failed */
    if (status == 0) {
        report(r->exchanges > 0 ? NULL : "sent", &p,
               r->exchanges > 0  ? "(send, send, recv each time)"
               : r->path != NULL ? "sendfile()"
                                 : "send()",
               r->verify && r->exchanges == 0);
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
static int take(int conn, const struct run *r, struct phase *p)
{
    size_t size = r->exchanges > 0 ? REQUEST : (size_t)r->size;

    heading("%s, up to %zu bytes per recv()",
            r->exchanges > 0 ? "answering requests" : "receiving", size);
    phase_start(p);
    for (;;) {
        ssize_t n =
            recv(conn, r->buf, size, r->exchanges > 0 ? MSG_WAITALL : 0);
        p->calls++;
        if (n == 0)
            break; /* the sender has closed its side: all is here */
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                printf("the sender sent nothing for %d s (--timeout)\n",
                       r->timeout);
            else
                perror("recv");
            return 1;
        }
        if (r->verify)
            p->hash = fnv1a(p->hash, r->buf, (size_t)n);
        p->bytes += n;
        if (r->exchanges > 0 &&
            send(conn, r->buf, (size_t)n, MSG_NOSIGNAL) != n) {
            perror("send");
            return 1;
        }
        p->calls += r->exchanges > 0;
    }
    phase_stop(p);
    return 0;
}

static int receiver(const struct ss_options *opt, const struct run *r)
{
    struct sockaddr_in addr, peer;
    socklen_t len;
    struct timeval tv;
    struct phase p;
    int fd, conn, one = 1, start, end, status = 0;
    long done = 0;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    tv.tv_sec = r->timeout;
    tv.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
        perror("setsockopt");
        goto fail;
    }
    /* Before listen(): the window scale is fixed in the handshake, from
       the buffer size, and an accepted socket starts with its listener's
       buffer size. */
    if (r->sockbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r->sockbuf,
                                     sizeof r->sockbuf) == -1) {
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
                   done == 0 ? "sender connected" : "more senders", r->timeout);
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
           (SO_RCVTIMEO, SO_RCVBUF); TCP_NODELAY is set here. */
        if (r->nodelay &&
            setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1)
            perror("setsockopt");
        start = bufsize(conn, SO_RCVBUF);
        if (take(conn, r, &p) != 0) {
            ss_narration_on(); /* the phase failed before its end */
            status = 1;
            close(conn);
            continue;
        }
        end = bufsize(conn, SO_RCVBUF);
        /* Close first: the sender's clock stops when it sees this. */
        if (close(conn) == -1)
            perror("close");
        if (r->exchanges > 0)
            printf("answered %lld requests in %.3f s\n", p.bytes / REQUEST,
                   p.s);
        report(r->exchanges > 0 ? NULL : "received", &p,
               r->exchanges > 0 ? "(recv, send each time)" : "recv()",
               r->verify);
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
    struct run r;
    int status;

    ss_start(&lesson, &opt, argc, argv);
    if (send_opt == receive_opt)
        ss_bad(&lesson, "--send", "one of --send and --receive", NULL);
    r.bytes =
        size_arg("--bytes", bytes_opt, 1LL << 30, 1, 1LL << 40, "1 to 1024G");
    r.size = size_arg("--buffer", buffer_opt, 128 << 10, 1 << 10, 1 << 20,
                      "1K to 1M");
    r.sockbuf = (int)size_arg("--sockbuf", sockbuf_opt, 0, 1 << 10, 1 << 30,
                              "1K to 1G");
    r.nodelay = nodelay_opt;
    r.exchanges = (int)exchanges_opt;
    r.path = sendfile_opt;
    r.file = -1;
    if (send_opt && r.path != NULL && r.exchanges == 0) {
        r.file = open_file(r.path, &r.bytes);
        /* sendfile() takes no flags, so no MSG_NOSIGNAL: a receiver that
           has gone would end us with SIGPIPE. Ignored, it is EPIPE. */
        signal(SIGPIPE, SIG_IGN);
    }
    r.verify = verify_opt;
    r.timeout = opt.timeout;
    r.buf = malloc((size_t)r.size);
    if (r.buf == NULL) {
        perror("malloc");
        return 1;
    }
    fill(r.buf, (size_t)r.size);
    status = send_opt ? sender(&opt, &r) : receiver(&opt, &r);
    if (r.file != -1)
        close(r.file);
    free(r.buf);
    return status;
}
