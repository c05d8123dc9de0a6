/*
 * Lesson 16: HTTP, the client
 *
 * Lesson 10's client with a protocol on top: it sends a request of a few
 * text lines ("GET /path HTTP/1.0", headers, an empty line) to the URL's
 * host and reads a status line, headers up to an empty line, and the body.
 * The body ends after Content-Length bytes or, without it, at the close.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 16-http-client  (or: cc lessons/16-http/client.c -o client)
 * Run:   build/16-http-server --root lessons/16-http/site, then this client
 *        (any web server: python3 -m http.server; --url http://127.0.0.1:8000/)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

/* --url and --output: set by ss_start() when given. */
static const char *url_opt = "http://127.0.0.1:8888/", *output;

static const struct ss_lesson lesson = {
    .name = "16-http-client",
    .summary = "fetch one URL with HTTP/1.0: print the status line and "
               "headers, and the body",
    .example = "  build/16-http-server --root lessons/16-http/site\n"
               "  then in a second terminal:\n"
               "  build/16-http-client --url http://127.0.0.1:8888/",
    .options = SS_OPT_TIMEOUT,
    .timeout_help = "seconds each connect() and each recv() may wait",
    .extra = {{.name = "--url",
               .arg = "URL",
               .help = "http://HOST[:PORT]/PATH to fetch",
               .text = &url_opt},
              {.name = "--output",
               .arg = "FILE",
               .help = "write the body to FILE, a new file, as it came; "
                       "without it, the body is printed, escaped",
               .text = &output}},
};

/* The longest response head (status line and headers) taken; the most
   of a body shown on the terminal. */
enum { HEAD_MAX = 16384, SHOWN = 65536 };

/* Split http://HOST[:PORT]/PATH; an IPv6 HOST is in brackets. Returns -1
   if url is not one, or holds a space or a control character. */
static int parse_url(const char *url, char *host, char *port, const char **path)
{
    const char *p = url + sizeof "http://" - 1, *end;
    size_t n, i;

    for (i = 0; url[i] != '\0'; i++)
        if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
            return -1; /* "\r\n" in a URL would forge a header line */
    if (strncmp(url, "http://", sizeof "http://" - 1) != 0)
        return -1;
    end = *p == '[' ? strchr(p, ']') : p + strcspn(p, ":/");
    if (end == NULL)
        return -1;
    n = (size_t)(end - p) - (*p == '[');
    if (n == 0 || n > 253)
        return -1;
    memcpy(host, p + (*p == '['), n);
    host[n] = '\0';
    p = end + (*end == ']');
    memcpy(port, "80", sizeof "80");
    if (*p == ':') {
        n = strspn(p + 1, "0123456789");
        if (n == 0 || n > 5 || atol(p + 1) > 65535)
            return -1;
        memcpy(port, p + 1, n);
        port[n] = '\0';
        p += 1 + n;
    }
    if (*p != '/' && *p != '\0')
        return -1;
    *path = *p == '/' ? p : "/";
    return 0;
}

/* Print body text escaped, a line at a time: it stays readable, and
   nothing in it can drive the terminal. */
static void show_body(const char *p, size_t n)
{
    while (n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t len = nl != NULL ? (size_t)(nl - p) : n;
        ss_put_data(stdout, p, len);
        putchar('\n');
        n -= nl != NULL ? len + 1 : len;
        p += len + (nl != NULL);
    }
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
    char host[256], port[8], req[8192], buf[HEAD_MAX + 1];
    const char *url, *path, *line, *eol, *body;
    char shown[SHOWN];
    FILE *out = NULL;
    size_t have = 0;
    ssize_t k;
    long long length = -1, got = 0, extra = 0;
    int fd = -1, rc, cut, n, status = 0, lost = 0;

    ss_start(&lesson, &opt, argc, argv);
    url = url_opt;
    if (parse_url(url, host, port, &path) == -1 ||
        strlen(path) > sizeof req - 600) {
        fprintf(stderr, "%s: --url: expected http://HOST[:PORT]/PATH, got '",
                lesson.name);
        ss_put_data(stderr, url, strlen(url));
        fputs("' (see --help)\n", stderr);
        return 2;
    }

    /* Lesson 10: every address of the host in turn, until one connects. */
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &list);
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
        printf("could not connect to %s port %s\n", host, port);
        return 1;
    }

    /* The request: lines that end in CR LF, then an empty line. Host says
       which site is meant (one address may serve many); HTTP/1.0 and
       Connection: close ask for one answer, then the close. */
    n = snprintf(req, sizeof req,
                 "GET %s HTTP/1.0\r\n"
                 "Host: %s%s%s%s%s\r\n"
                 "User-Agent: sockstep-16\r\n"
                 "Connection: close\r\n"
                 "\r\n",
                 path, strchr(host, ':') ? "[" : "", host,
                 strchr(host, ':') ? "]" : "", strcmp(port, "80") ? ":" : "",
                 strcmp(port, "80") ? port : "");
    if (send_all(fd, req, (size_t)n) == -1) {
        perror("send");
        goto fail;
    }

    /* The head: everything up to the first empty line. */
    heading("the status line and headers");
    buf[0] = '\0';
    while ((body = strstr(buf, "\r\n\r\n")) == NULL) {
        if (memchr(buf, '\0', have) != NULL) {
            printf("a NUL byte in the headers: not HTTP\n");
            goto fail;
        }
        if (have == HEAD_MAX) {
            printf("the headers are longer than %d bytes\n", HEAD_MAX);
            goto fail;
        }
        k = recv(fd, buf + have, HEAD_MAX - have, 0);
        if (k == -1 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                printf("the server closed the connection before the end "
                       "of the headers\n");
            else if (errno == EAGAIN || errno == EWOULDBLOCK)
                printf("no whole answer within --timeout %d s\n", opt.timeout);
            else
                perror("recv");
            goto fail;
        }
        have += (size_t)k;
        buf[have] = '\0';
    }
    /* Each line of the head, escaped; the one that gives the length. */
    for (line = buf; line < body + 2; line = eol + 2) {
        eol = strstr(line, "\r\n");
        printf("< ");
        ss_put_data(stdout, line, (size_t)(eol - line));
        putchar('\n');
        if (line == buf && (sscanf(line, "HTTP/1.%*1[01] %3d", &status) != 1 ||
                            status < 100 || status > 599)) {
            printf("that is not an HTTP/1 status line\n");
            goto fail;
        }
        if (strncasecmp(line,
                        "Content-Length:", sizeof "Content-Length:" - 1) == 0) {
            const char *v = line + sizeof "Content-Length:" - 1;
            size_t digits;

            v += strspn(v, " \t"); /* the spaces before the number */
            digits = strspn(v, "0123456789");
            if (length != -1 || digits == 0 || digits > 15 ||
                v + digits + strspn(v + digits, " \t") != eol) {
                printf("a Content-Length that is not one number\n");
                goto fail;
            }
            length = strtoll(v, NULL, 10);
        }
    }

    /* "x": a new file only (C11). A file that is there is left alone. */
    if (output != NULL && (out = fopen(output, "wbx")) == NULL) {
        if (errno == EEXIST)
            printf("--output %s: it exists, and is left as it is: give a "
                   "name no file has yet\n",
                   output);
        else
            perror(output);
        goto fail;
    }
    if (length == -1) {
        say("no Content-Length: the body ends when the server closes the "
            "connection, and a connection cut short looks the same as a "
            "whole body");
    }
    /* The body: its first bytes came with the head, the rest follow
       until the server closes. --output gets them as they come; the
       terminal gets the first SHOWN bytes, escaped, once all is in. */
    body += 4;
    k = (ssize_t)(have - (size_t)(body - buf));
    memmove(buf, body, (size_t)k);
    do {
        if (k == -1 && errno == EINTR)
            k = 0;
        if (k == -1)
            break;
        if (length >= 0 && got + k > length) {
            extra += got + k - length;
            k = (ssize_t)(length - got);
        }
        if (out != NULL && fwrite(buf, 1, (size_t)k, out) != (size_t)k) {
            perror(output); /* a full disk, say */
            lost = 1;
            break;
        }
        if (out == NULL && got < SHOWN)
            memcpy(shown + got, buf,
                   (size_t)(got + k > SHOWN ? SHOWN - got : k));
        got += k;
    } while ((k = recv(fd, buf, sizeof buf - 1, 0)) != 0);
    heading("the body: %lld bytes", got);
    if (out == NULL)
        show_body(shown, got < SHOWN ? (size_t)got : SHOWN);
    if (out == NULL && got > SHOWN)
        printf("(and %lld bytes more: --output FILE keeps them all)\n",
               got - SHOWN);
    if (k == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
        printf("the server sent nothing more and did not close for "
               "--timeout %d s\n",
               opt.timeout); /* with a Content-Length, after it: fine */
    else if (k == -1)
        perror("recv");
    if (length >= 0 && got < length)
        printf("the server closed the connection after %lld of the %lld "
               "bytes of its Content-Length\n",
               got, length);
    if (extra > 0)
        printf("the server sent %lld byte%s more than its Content-Length "
               "(%lld): not part of the body\n",
               extra, extra == 1 ? "" : "s", length);
    if (out != NULL && fclose(out) != 0) {
        perror(output);
        lost = 1;
    }
    printf("status %d, body %lld bytes\n", status, got);
    if (lost || (length >= 0 ? got < length : k == -1))
        goto fail;
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    close(fd);
    return 1;
}
