/*
 * Lesson 11: one socket for IPv6 and IPv4
 *
 * An AF_INET6 socket serves IPv4 clients too while its IPV6_V6ONLY is 0;
 * their addresses show as ::ffff:a.b.c.d ("IPv4-mapped"). This server sets
 * the option (0, or 1 with --v6only) and greets each client with its address.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 11-dual-stack-server
 *        (or: cc lessons/11-dual-stack/server.c -o server)
 * Run:   build/11-dual-stack-server, then build/10-getaddrinfo --host ::1
 *        (IPv4: --host :: here, then build/10-getaddrinfo --host 127.0.0.1)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static int want_v6only; /* --v6only */

static const struct ss_lesson lesson = {
    .name = "11-dual-stack-server",
    .summary = "an IPv6 server that IPv4 clients can reach too: greet "
               "each client with its address",
    .example = "  build/11-dual-stack-server --host ::\n"
               "  then in a second terminal: "
               "build/10-getaddrinfo --host 127.0.0.1",
    .options = SS_OPT_NET | SS_OPT_NAMES | SS_OPT_COUNT,
    .port = 8888,
    .host = "::1",
    .timeout = 300,
    .timeout_help = "seconds accept() waits for each client",
    .count = 1,
    .count_help = "how many clients to serve",
    .extra = {{.name = "--v6only",
               .help = "IPV6_V6ONLY 1: refuse IPv4 clients",
               .flag = &want_v6only}},
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct addrinfo hints, *res;
    struct sockaddr_in6 addr, client;
    socklen_t len;
    struct timeval wait;
    char greeting[128];
    int fd, conn, n, rc, v6only, one = 1;
    long served = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* --host and --port as an IPv6 address to listen on; an IPv4 --host
       becomes ::ffff:a.b.c.d (AI_V4MAPPED). */
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_V4MAPPED;
    rc = getaddrinfo(opt.host_text, opt.port_text, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }

    fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        freeaddrinfo(res);
        return 1;
    }
    len = sizeof v6only;
    if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) == -1) {
        perror("getsockopt");
        goto fail;
    }
    say("a new socket's IPV6_V6ONLY is %d: the default differs from one "
        "system to another (on Linux, net.ipv6.bindv6only). A portable "
        "server sets it, before bind()",
        v6only);
    v6only = want_v6only;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) ==
        -1) {
        perror("setsockopt");
        goto fail;
    }
    /* As in lesson 04: restart at once, and accept() waits --timeout. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }

    if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
        perror("bind");
        goto fail;
    }
    freeaddrinfo(res); /* bind() copied the address: the list can go */
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
    if (IN6_IS_ADDR_LOOPBACK(&addr.sin6_addr)) {
        say("::1 is IPv6's loopback address only: an IPv4 client comes to "
            "127.0.0.1, which this socket does not have, whatever "
            "IPV6_V6ONLY says. --host :: has every address, both kinds");
    }

    while (opt.count == 0 || served < opt.count) {
        heading("waiting for client %ld", served + 1);
        len = sizeof client;
        conn = accept(fd, (struct sockaddr *)&client, &len);
        if (conn == -1 && (errno == EINTR || errno == ECONNABORTED))
            continue; /* a signal, or a client gone before accept() */
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
        if (IN6_IS_ADDR_V4MAPPED(&client.sin6_addr)) {
            say("an IPv4 client: the kernel shows its address as an IPv6 "
                "one, ::ffff: and then its four IPv4 bytes");
        }

        n = snprintf(greeting, sizeof greeting,
                     "hello %s, you are client %ld\n", ss_addr(&client).s,
                     served);
        if (send(conn, greeting, (size_t)n, MSG_NOSIGNAL) == -1)
            perror("send"); /* that client has gone: serve the next */
        if (close(conn) == -1)
            perror("close");
    }

    heading("done: served %ld client%s", served, served == 1 ? "" : "s");
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
