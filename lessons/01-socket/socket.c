/*
 * Lesson 01: socket()
 *
 * socket() asks the kernel for a new socket and returns a file descriptor:
 * a small number that names the socket in every later call, just as it
 * names an open file. This lesson makes a TCP socket and a UDP socket,
 * shows their numbers, asks the kernel what each one is (getsockopt with
 * SO_TYPE, SO_DOMAIN and SO_PROTOCOL), and closes both.
 *
 * Build: make 01-socket      (or: cc lessons/01-socket/socket.c -o socket)
 * Run:   build/01-socket
 *        (it runs alone: a new socket has no address and talks to nobody;
 *        lesson 02 gives one an address)
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <asm/socket.h> /* SO_DOMAIN and SO_PROTOCOL: Linux names */
#endif

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "01-socket",
    .summary = "make a TCP and a UDP socket, ask the kernel what they are",
    .example = "  build/01-socket",
    .port = 8888,
    .options = 0,
    .count = 0,
};

/* The name of a constant the kernel hands back, for the narration. */
static const char *type_name(int type)
{
    return type == SOCK_STREAM  ? "SOCK_STREAM"
           : type == SOCK_DGRAM ? "SOCK_DGRAM"
                                : "?";
}

#ifdef SO_DOMAIN /* not on every system: macOS has none */
static const char *domain_name(int domain)
{
    return domain == AF_INET ? "AF_INET" : "?";
}

static const char *protocol_name(int protocol)
{
    return protocol == IPPROTO_TCP   ? "IPPROTO_TCP"
           : protocol == IPPROTO_UDP ? "IPPROTO_UDP"
                                     : "?";
}
#endif

int main(int argc, char **argv)
{
    struct ss_options opt;
    int tcp, udp, fds[2], i, rc, status = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* region: socket */
    ss_title("1. a TCP socket");
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    tcp = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(tcp);
    if (tcp == -1)
        return 1;
    ss_say("AF_INET: IPv4 addresses. SOCK_STREAM: a stream of bytes, "
           "delivered in order, over a connection: TCP. Protocol 0: the "
           "usual one for that type.");
    ss_say("%d is a file descriptor: an index into this process's table "
           "of open files. The kernel gives out the lowest free number; "
           "0, 1 and 2 are normally stdin, stdout and stderr.",
           tcp);
    ss_kernel(tcp);

    ss_title("2. a UDP socket");
    ss_next("socket(AF_INET, SOCK_DGRAM, 0)");
    udp = socket(AF_INET, SOCK_DGRAM, 0);
    ss_ret(udp);
    if (udp == -1) {
        ss_next("close(%d)", tcp);
        ss_ret(close(tcp));
        return 1;
    }
    ss_say("SOCK_DGRAM: separate messages (datagrams), each sent on its "
           "own, with no connection: UDP. It got %d: the lowest number "
           "still free.",
           udp);
    ss_kernel(udp);
    /* endregion: socket */

    /* region: getsockopt */
    /* The kernel remembers what each socket is: ask it. */
    ss_title("3. what the kernel knows about them");
    fds[0] = tcp;
    fds[1] = udp;
    for (i = 0; i < 2; i++) {
        int type;
        socklen_t len = sizeof type;

        ss_next("getsockopt(%d, SOL_SOCKET, SO_TYPE, &type, &len)", fds[i]);
        rc = getsockopt(fds[i], SOL_SOCKET, SO_TYPE, &type, &len);
        ss_ret_as(rc, "getsockopt(%d, SOL_SOCKET, SO_TYPE, [%s], %u)", fds[i],
                  rc == 0 ? type_name(type) : "?", (unsigned)len);
        if (rc == -1) {
            status = 1;
            break;
        }
#ifdef SO_DOMAIN
        int domain, protocol;

        len = sizeof domain;
        ss_next("getsockopt(%d, SOL_SOCKET, SO_DOMAIN, &domain, &len)", fds[i]);
        rc = getsockopt(fds[i], SOL_SOCKET, SO_DOMAIN, &domain, &len);
        ss_ret_as(rc, "getsockopt(%d, SOL_SOCKET, SO_DOMAIN, [%s], %u)", fds[i],
                  rc == 0 ? domain_name(domain) : "?", (unsigned)len);
        if (rc == -1) {
            status = 1;
            break;
        }

        len = sizeof protocol;
        ss_next("getsockopt(%d, SOL_SOCKET, SO_PROTOCOL, &protocol, &len)",
                fds[i]);
        rc = getsockopt(fds[i], SOL_SOCKET, SO_PROTOCOL, &protocol, &len);
        ss_ret_as(rc, "getsockopt(%d, SOL_SOCKET, SO_PROTOCOL, [%s], %u)",
                  fds[i], rc == 0 ? protocol_name(protocol) : "?",
                  (unsigned)len);
        if (rc == -1) {
            status = 1;
            break;
        }
        ss_say("fd %d: family %s (%d), type %s (%d), protocol %s (%d): "
               "the 0 we passed to socket() became %s",
               fds[i], domain_name(domain), domain, type_name(type), type,
               protocol_name(protocol), protocol, protocol_name(protocol));
#else
        ss_say("fd %d: type %s (%d); this system has no SO_DOMAIN or "
               "SO_PROTOCOL to read the rest back",
               fds[i], type_name(type), type);
#endif
    }
    /* endregion: getsockopt */

    /* region: close */
    ss_title("4. close both");
    ss_next("close(%d)", udp);
    ss_ret(close(udp));
    ss_next("close(%d)", tcp);
    rc = close(tcp);
    ss_ret(rc);
    if (rc == 0)
        ss_say("both sockets are gone, and the numbers %d and %d are free "
               "for the next socket() or open()",
               tcp, udp);
    /* endregion: close */
    return status;
}
