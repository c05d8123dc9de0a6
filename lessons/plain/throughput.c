/* throughput.c: how fast TCP goes. Given a number of MiB, it connects and
 * sends that many bytes; without, it listens and receives from one
 * client. Each side prints the bytes, their Adler-32 checksum and the
 * rate. Build: cc -Wall -O2 -o throughput throughput.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 131072 /* 128 KiB a send() or recv(): few calls */

static unsigned long a = 1, b; /* the checksum so far */

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

/* Adler-32: a checksum that changes if a byte is lost or moved. */
static void checksum(const char *p, size_t n)
{
    size_t k;

    while (n > 0) {
        k = n < 5552 ? n : 5552; /* at most 5552: b stays within 32 bits */
        n -= k;
        while (k-- > 0) {
            a += (unsigned char)*p++;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct timeval wait = {.tv_sec = 30};
    struct timespec t0, t;
    double s;
    socklen_t len = sizeof addr;
    static char buf[CHUNK];
    char *end = "", *end2 = "";
    long port = argc >= 3 ? strtol(argv[2], &end, 10) : -1;
    long mib = argc == 4 ? strtol(argv[3], &end2, 10) : 0;
    long long left, got = 0;
    ssize_t n = 0;
    int fd, conn, one = 1;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[2] || mib < 0 ||
        mib > 1 << 20 || *end2 != '\0' || (argc == 4 && end2 == argv[3]) ||
        argc > 4 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT [MIB]\n", argv[0]);
        return 2;
    }
    left = (long long)mib << 20; /* bytes to send: mib is checked now */
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    /* No wait over 30 s: send(), recv(); on Linux accept(), connect() too. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1)
        fail("setsockopt");
    if (mib > 0) { /* the sender */
        for (n = 0; n < CHUNK; n++)
            buf[n] = (char)(n % 251); /* bytes whose order shows */
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
            fail("connect");
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (; got < left; got += n) {
            n = send(fd, buf, left - got < CHUNK ? (size_t)(left - got) : CHUNK,
                     MSG_NOSIGNAL);
            if (n == -1)
                fail("send");
            checksum(buf, (size_t)n); /* what went: maybe not all of buf */
        }
        /* The last bytes are in the kernel, not yet with the receiver:
           say that is all, and wait until the receiver closes. */
        if (shutdown(fd, SHUT_WR) == -1)
            fail("shutdown");
        if (recv(fd, buf, 1, 0) == -1)
            fail("recv");
    } else { /* the receiver */
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
            fail("setsockopt");
        if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
            fail("bind");
        if (listen(fd, 5) == -1)
            fail("listen");
        if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
            fail("getsockname");
        printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
        fflush(stdout);
        if ((conn = accept(fd, NULL, NULL)) == -1)
            fail("accept");
        if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1)
            fail("setsockopt");
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (; (n = recv(conn, buf, CHUNK, 0)) > 0; got += n)
            checksum(buf, (size_t)n);
        if (n == -1)
            fail("recv");
        close(conn);
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    s = (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%s %lld bytes, adler32 %08lx, in %.3f s: %.0f MB/s\n",
           mib > 0 ? "sent" : "received", got, b << 16 | a, s, got / s / 1e6);
    close(fd);
    return 0;
}
