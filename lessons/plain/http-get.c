/* http-get.c: an HTTP/1.0 client. It sends one GET request for PATH to
 * HOST and PORT, then prints the answer until the server closes: text
 * and newlines as they are, CR as \r, any other byte as \xNN.
 * Build: cc -Wall -o http-get http-get.c */
#define _POSIX_C_SOURCE 200809L
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Is there a space or a control byte in S? Such an argument could end
   a request line early, or add a header line ("\r\nX: y"). */
static int has_space(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 1;
    return 0;
}

int main(int argc, char *argv[])
{
    struct addrinfo hints, *list, *ai;
    char req[1024], buf[512];
    size_t len, sent = 0;
    ssize_t n, i;
    int fd = -1, rc, v6;

    if (argc != 4 || argv[3][0] != '/' || has_space(argv[1]) ||
        has_space(argv[2]) || has_space(argv[3])) {
        fprintf(stderr, "usage: %s HOST PORT /PATH\n", argv[0]);
        return 2;
    }
    v6 = strchr(argv[1], ':') != NULL; /* an IPv6 address goes in [] */
    if (snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s%s%s:%s\r\n\r\n",
                 argv[3], v6 ? "[" : "", argv[1], v6 ? "]" : "",
                 argv[2]) >= (int)sizeof req) {
        fprintf(stderr, "%s: the request is too long\n", argv[0]);
        return 2;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;     /* IPv6 or IPv4: whatever HOST has */
    hints.ai_socktype = SOCK_STREAM; /* TCP */
    rc = getaddrinfo(argv[1], argv[2], &hints, &list);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd == -1) {
            perror("socket");
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break; /* connected: keep fd */
        perror("connect");
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd == -1) {
        fprintf(stderr, "no address of %s answered\n", argv[1]);
        return 1;
    }
    len = strlen(req);
    while (sent < len) { /* send() may take part: send the rest */
        if ((n = send(fd, req + sent, len - sent, MSG_NOSIGNAL)) == -1) {
            perror("send");
            return 1;
        }
        sent += (size_t)n;
    }
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) /* 0: the answer ends */
        for (i = 0; i < n; i++) /* never raw bytes to a terminal */
            if ((buf[i] >= ' ' && buf[i] <= '~') || buf[i] == '\n')
                putchar(buf[i]);
            else if (buf[i] == '\r')
                printf("\\r");
            else
                printf("\\x%02x", (unsigned char)buf[i]);
    if (n == -1)
        perror("recv");
    close(fd);
    return n == -1;
}
