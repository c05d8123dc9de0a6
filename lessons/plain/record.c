/* record.c: a binary record over TCP: a 4-byte id, a 2-byte score, a
 * 2-byte length and a name of at most 64 bytes, each number high byte
 * first. It sends one record and prints the one that comes back.
 * Build: cc -Wall -o record record.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_NAME 64

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

/* The argument s, named what, as a number from min to max; or exit 2. */
static unsigned long number(const char *what, const char *s, unsigned long min,
                            unsigned long max)
{
    char *end;
    unsigned long n;

    errno = 0; /* strtoul() sets ERANGE for one an unsigned long cannot hold */
    n = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno == ERANGE || n < min ||
        n > max) {
        fprintf(stderr, "%s: not a number from %lu to %lu: %s\n", what, min,
                max, s);
        exit(2);
    }
    return n;
}

/* recv() may return fewer bytes than asked for: read until all n came. */
static void recv_all(int fd, void *data, size_t n)
{
    char *p = data;
    ssize_t k;

    while (n > 0) {
        if ((k = recv(fd, p, n, 0)) == -1)
            fail("recv");
        if (k == 0) {
            fprintf(stderr, "the server closed in the middle of a reply\n");
            exit(1);
        }
        p += k;
        n -= (size_t)k;
    }
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct timeval wait = {.tv_sec = 10};
    unsigned char rec[8 + MAX_NAME]; /* bytes, not a struct: no padding */
    uint32_t id;
    uint16_t score, len;
    size_t i, n = argc == 6 ? strlen(argv[5]) : 0;
    ssize_t k;
    int fd;

    if (argc != 6 || n > MAX_NAME ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT ID SCORE NAME\n", argv[0]);
        return 2;
    }
    /* Port 0, "any port", makes sense only to bind(): from 1 here. */
    addr.sin_port = htons((uint16_t)number("PORT", argv[2], 1, 65535));
    id = htonl((uint32_t)number("ID", argv[3], 0, 0xffffffff));
    score = htons((uint16_t)number("SCORE", argv[4], 0, 0xffff));
    len = htons((uint16_t)n);
    memcpy(rec, &id, 4); /* each field in its place, in network order */
    memcpy(rec + 4, &score, 2);
    memcpy(rec + 6, &len, 2);
    memcpy(rec + 8, argv[5], n);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    /* No wait longer than 10 s: send(), recv(); on Linux connect() too. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1)
        fail("setsockopt");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("connect");
    for (i = 0; i < 8 + n; i += (size_t)k)
        if ((k = send(fd, rec + i, 8 + n - i, MSG_NOSIGNAL)) == -1)
            fail("send");
    recv_all(fd, rec, 8); /* the reply: the numbers first */
    memcpy(&id, rec, 4);  /* memcpy(): rec may be misaligned */
    memcpy(&score, rec + 4, 2);
    memcpy(&len, rec + 6, 2);
    if ((n = ntohs(len)) > MAX_NAME) { /* checked before reading on */
        fprintf(stderr, "a name of %zu bytes: over %d\n", n, MAX_NAME);
        return 1;
    }
    recv_all(fd, rec, n);
    printf("id %lu, score %u, name ", (unsigned long)ntohl(id),
           (unsigned)ntohs(score));
    for (i = 0; i < n; i++) /* escaped: never raw bytes to a terminal */
        if (rec[i] >= ' ' && rec[i] <= '~')
            putchar(rec[i]);
        else
            printf("\\x%02x", rec[i]);
    putchar('\n');
    close(fd);
    return 0;
}
