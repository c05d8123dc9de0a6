/*
 * Lesson 16: HTTP, the server
 *
 * HTTP/1 is text over TCP: request line, headers, empty line; then status
 * line, headers, empty line, body. This server answers GET and HEAD with
 * files under --root (by default the lesson's site), one request per
 * connection. Each request has a size limit and a deadline; no path may
 * leave the directory.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 16-http-server  (or: cc lessons/16-http/server.c -o server)
 * Run:   build/16-http-server, from the top of the repository; then the
 *        client build/16-http-client (or curl -v 127.0.0.1:8888, a browser)
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE   700 /* for realpath(), an X/Open function in glibc */

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const char *dir = "lessons/16-http/site"; /* --root */

static const struct ss_lesson lesson = {
    .name = "16-http-server",
    .summary = "serve the files of one directory over HTTP: GET and HEAD, "
               "one request per connection",
    .example = "  build/16-http-server\n"
               "  then: curl -v http://127.0.0.1:8888/style.css",
    .options = SS_OPT_NET | SS_OPT_NAMES | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds accept() waits for a client; a request must "
                    "arrive whole within 10 s, or S if less, and each "
                    "send() waits as long at most",
    .count = 0,
    .count_help = "connections to serve, one after another",
    .extra = {{.name = "--root",
               .arg = "DIR",
               .help = "the directory to serve",
               .text = &dir}},
};

/* A request's head (request line and headers) may be 8 KiB at most, and
   must arrive whole within REQUEST_SECS (or --timeout, if less). */
enum { HEAD_MAX = 8192, REQUEST_SECS = 10 };

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return "Internal Server Error";
    }
}

static const char *content_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".pdf", "application/pdf"},
        {".txt", "text/plain; charset=utf-8"}};
    const char *dot = strrchr(path, '.');
    size_t i;

    for (i = 0; dot != NULL && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

/* The time now, on a clock that never jumps back: it fails only when
   given a bad argument, and then no deadline can be kept. */
static void clock_now(struct timespec *t)
{
    if (clock_gettime(CLOCK_MONOTONIC, t) == -1) {
        perror("clock_gettime");
        exit(1);
    }
}

/* Milliseconds left until start + secs. */
static int ms_left(const struct timespec *start, int secs)
{
    struct timespec now;

    clock_now(&now);
    return secs * 1000 - (int)((now.tv_sec - start->tv_sec) * 1000 +
                               (now.tv_nsec - start->tv_nsec) / 1000000);
}

/*
 * Read the request's head, up to the empty line, into buf (cap bytes,
 * NUL-terminated), within secs seconds in all: a deadline for the whole
 * request, not for each recv(). Returns 0 when it is whole, else the
 * status to answer with (400, 408, 414, 431), or -1 when the client
 * closed or failed first.
 */
static int read_head(int fd, char *buf, size_t cap, int secs, size_t *len)
{
    struct timespec start;
    struct pollfd p;

    clock_now(&start);
    p.fd = fd;
    p.events = POLLIN;
    *len = 0;
    buf[0] = '\0';
    while (*len < cap - 1) {
        int left = ms_left(&start, secs), rc = left > 0 ? poll(&p, 1, left) : 0;
        ssize_t k;

        if (rc == -1 && errno == EINTR)
            continue;
        if (rc == 0)
            return 408;
        k = rc == -1 ? -1 : recv(fd, buf + *len, cap - 1 - *len, 0);
        if (k == -1 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == -1)
                perror(rc == -1 ? "poll" : "recv");
            return -1;
        }
        if (memchr(buf + *len, '\0', (size_t)k) != NULL)
            return 400; /* no NUL byte belongs in a request */
        *len += (size_t)k;
        buf[*len] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            return 0;
    }
    /* Full, and no empty line: a request line or headers too long. */
    return memchr(buf, '\n', *len) == NULL ? 414 : 431;
}

/* Decode the n bytes of a target's path (up to '?' or '#'), with their
   %XX escapes, into out. -1 if malformed. */
static int decode(const char *in, size_t n, char *out, size_t cap)
{
    const char *end = in + n;
    size_t o = 0;
    unsigned v;

    for (; in < end && *in != '?' && *in != '#'; in++) {
        if (o + 1 >= cap)
            return -1;
        if (*in == '%') {
            if (end - in < 3 || strspn(in + 1, "0123456789abcdefABCDEF") < 2 ||
                sscanf(in + 1, "%2x", &v) != 1 || v == 0)
                return -1;
            out[o++] = (char)v;
            in += 2;
        } else {
            out[o++] = *in;
        }
    }
    out[o] = '\0';
    return 0;
}

/*
 * The file that path names under root (root is absolute, with symbolic
 * links resolved): its real path in out. Returns 200, or 403 or 404;
 * *why says why, for a 403 refused before or after the file system.
 */
static int resolve(const char *root, const char *path, char *out,
                   const char **why)
{
    char file[PATH_MAX + 16];
    struct stat st;
    /* Under root means root, then '/' or the end. A root of "/" already
     * ends in '/': then every real path is under it. */
    size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
    int tries;

    *why = NULL;
    if (strcmp(path, "/..") == 0 || strstr(path, "/../") != NULL ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0)) {
        *why = "the path has a \"..\" segment, which could climb out of "
               "the root: refused before the file system is asked";
        return 403;
    }
    snprintf(file, sizeof file, "%s%s", root, path);
    for (tries = 0; tries < 2; tries++) {
        /* realpath() follows every symbolic link and removes . and .. */
        if (realpath(file, out) == NULL)
            return errno == EACCES ? 403 : 404;
        if (strncmp(out, root, n) != 0 || (out[n] != '/' && out[n] != '\0')) {
            *why = "a symbolic link leads out of the root: refused";
            return 403;
        }
        if (stat(out, &st) == -1)
            return 404;
        if (!S_ISDIR(st.st_mode))
            return S_ISREG(st.st_mode) ? 200 : 403;
        snprintf(file, sizeof file, "%s/index.html", out);
    }
    return 404;
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

/*
 * The answer: status line, headers, empty line, and the body: the open
 * file, or for an error one line of text, sent with the head. No body
 * for HEAD. Returns the body's size, or -1 if a send() failed.
 */
static long long answer(int fd, int status, const char *path, FILE *file,
                        int head_only)
{
    char head[512], buf[65536], text[64];
    struct stat st;
    long long size;
    size_t got;
    int n;

    n = snprintf(text, sizeof text, "%d %s\n", status, reason(status));
    size = file != NULL && fstat(fileno(file), &st) == 0 ? st.st_size : n;
    n = snprintf(head, sizeof head,
                 "HTTP/1.0 %d %s\r\n"
                 "Server: sockstep-16\r\n"
                 "Content-Type: %s\r\n"
                 "Content-Length: %lld\r\n"
                 "%s"
                 "Connection: close\r\n"
                 "\r\n%s",
                 status, reason(status),
                 file != NULL ? content_type(path)
                              : "text/plain; charset=utf-8",
                 size, status == 405 ? "Allow: GET, HEAD\r\n" : "",
                 file == NULL && !head_only ? text : "");
    if (send_all(fd, head, (size_t)n) == -1) {
        perror("send");
        return -1;
    }
    while (file != NULL && !head_only &&
           (got = fread(buf, 1, sizeof buf, file)) > 0)
        if (send_all(fd, buf, got) == -1) {
            perror("send");
            return -1;
        }
    if (file != NULL && !head_only && ferror(file)) {
        perror("fread"); /* the client gets less than Content-Length */
        return -1;
    }
    return size;
}

/* Close gently: say we are done (FIN), then read and drop what the
   client still sends, for at most 1 s in all. A close() with unread bytes
   would reset the connection, and the client could lose the answer. */
static void linger_close(int fd)
{
    struct timespec start;
    struct pollfd p;

    clock_now(&start);
    p.fd = fd;
    p.events = POLLIN;
    if (shutdown(fd, SHUT_WR) == -1)
        perror("shutdown");
    else
        while (ms_left(&start, 1) > 0 && poll(&p, 1, ms_left(&start, 1)) > 0) {
            char junk[65536];
            if (recv(fd, junk, sizeof junk, 0) <= 0)
                break;
        }
    if (close(fd) == -1)
        perror("close");
}

/* One connection: read the request, answer it, print a log line. */
static void handle(int conn, const struct sockaddr_storage *client,
                   const char *root, int secs)
{
    char buf[HEAD_MAX], real[PATH_MAX];
    char *end;
    const char *why = NULL;
    size_t len, shown;
    long long size = 0;
    FILE *file = NULL;
    int status, head_only = 0;

    status = read_head(conn, buf, sizeof buf, secs, &len);
    if (status == -1) {
        printf("%s: closed without a whole request\n", ss_addr(client).s);
        close(conn);
        return;
    }
    end = strstr(buf, "\r\n");
    shown = end != NULL ? (size_t)(end - buf) : len;
    if (status == 0 && end != NULL) { /* a whole head has "\r\n" */
        /* "GET /path HTTP/1.1": three words, one space apart. */
        char path[PATH_MAX], *target, *version;
        *end = '\0';
        target = strchr(buf, ' ');
        version = target != NULL ? strchr(target + 1, ' ') : NULL;
        if (version == NULL || strchr(version + 1, ' ') != NULL ||
            (strcmp(version + 1, "HTTP/1.0") != 0 &&
             strcmp(version + 1, "HTTP/1.1") != 0) ||
            target[1] != '/' ||
            decode(target + 1, (size_t)(version - target - 1), path,
                   sizeof path) == -1)
            status = 400;
        else if (strncmp(buf, "GET ", sizeof "GET " - 1) != 0 &&
                 strncmp(buf, "HEAD ", sizeof "HEAD " - 1) != 0)
            status = 405;
        else
            status = resolve(root, path, real, &why);
        if (why != NULL) { /* a 403: why resolve() refused */
            say("%s", why);
        }
        head_only = strncmp(buf, "HEAD ", sizeof "HEAD " - 1) == 0;
    }
    /* The file through stdio: descriptors in this lesson are sockets. */
    if (status == 200 && (file = fopen(real, "rb")) == NULL)
        status = errno == EACCES ? 403 : 404;
    size = answer(conn, status, real, file, head_only);
    if (file != NULL)
        fclose(file);

    /* The log line: what the client asked, escaped, and the answer. */
    printf("%s \"", ss_addr(client).s);
    ss_put_data(stdout, buf, shown < 100 ? shown : 100);
    printf("%s\" %d ", shown > 100 ? "..." : "", status);
    if (size >= 0)
        printf("%lld\n", size);
    else
        printf("(not sent whole)\n");
    if (status == 408 || status == 414 || status == 431) {
        say("the request was not read to its end: the answer goes first, "
            "then what the client still sends is read and dropped");
    }
    linger_close(conn);
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct addrinfo hints, *res;
    struct sockaddr_storage addr, client;
    socklen_t len;
    struct timeval wait;
    struct stat st;
    char root[PATH_MAX];
    int fd, conn, rc, one = 1;
    long served = 0;

    ss_start(&lesson, &opt, argc, argv);
    /* --root must name a directory: anything else is a bad option. */
    if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
        ss_bad(&lesson, "--root", "a directory that exists", dir);
    /* The root as an absolute path with no symbolic links in it: every
       file served must have its real path under this one. */
    if (realpath(dir, root) == NULL) {
        fprintf(stderr, "%s: --root %s: %s\n", lesson.name, dir,
                strerror(errno));
        return 1;
    }
    printf("serving %s\n", dir);
    say("its real path, with no symbolic link in it, is %s: every file "
        "served must have a real path under it",
        root);

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(opt.host_text, opt.port_text, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd == -1) {
        perror("socket");
        freeaddrinfo(res);
        return 1;
    }
    /* accept() waits --timeout; a send() to a client that reads nothing
       gives up after 10 s, or --timeout if less (accepted sockets inherit
       it, on Linux). */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }
    wait.tv_sec = opt.timeout < REQUEST_SECS ? opt.timeout : REQUEST_SECS;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1) {
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
        heading("waiting for connection %ld", served + 1);
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
        handle(conn, &client, root,
               opt.timeout < REQUEST_SECS ? opt.timeout : REQUEST_SECS);
    }

    heading("done: served %ld connection%s", served, served == 1 ? "" : "s");
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    if (res != NULL)
        freeaddrinfo(res);
    close(fd);
    return 1;
}
