/*
 * Lesson 01: socket()
 *
 * A TCP and a UDP socket: their descriptors, what the kernel says they are.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 01-socket  (or: cc lessons/01-socket/socket.c -o 01-socket)
 * Run:   build/01-socket  (alone: a new socket has no address; see lesson 02)
 */
#define _POSIX_C_SOURCE 200809L

#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <asm/socket.h> /* SO_DOMAIN and SO_PROTOCOL: not POSIX names */
#endif

#include "../common/sockstep.h"

/* No --host, --port or --timeout: nothing here has an address or waits. */
static const struct ss_lesson lesson = {
    .name = "01-socket",
    .summary = "make a TCP and a UDP socket, ask the kernel what they are",
    .example = "  build/01-socket",
};

/* Ask the kernel for one property of socket fd and print it, next to the
   value we expect: 0, or 1 on failure. */
static int show(int fd, int option, const char *option_name, int want,
                const char *want_name)
{
    int value;
    socklen_t len = sizeof value;

    if (getsockopt(fd, SOL_SOCKET, option, &value, &len) == -1) {
        perror("getsockopt");
        return 1;
    }
    printf("fd %d: %s is %d, %s %s\n", fd, option_name, value,
           value == want ? "which is" : "which is not", want_name);
    return 0;
}

/* What socket fd is: its type, its family and its protocol. 0, or 1. */
static int describe(int fd, int type, int protocol)
{
    const char *type_name = type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM";
    const char *protocol_name =
        protocol == IPPROTO_TCP ? "IPPROTO_TCP" : "IPPROTO_UDP";

    if (show(fd, SO_TYPE, "SO_TYPE", type, type_name) != 0)
        return 1;
#ifdef SO_DOMAIN /* Linux has both; not every system does */
    if (show(fd, SO_DOMAIN, "SO_DOMAIN", AF_INET, "AF_INET") != 0)
        return 1;
#endif
#ifdef SO_PROTOCOL
    if (show(fd, SO_PROTOCOL, "SO_PROTOCOL", protocol, protocol_name) != 0)
        return 1;
#else
    (void)protocol_name;
#endif
    return 0;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    int tcp, udp, status = 0;

    ss_start(&lesson, &opt, argc, argv);

    tcp = socket(AF_INET, SOCK_STREAM, 0);
    if (tcp == -1) {
        perror("socket");
        return 1;
    }
    say("AF_INET: IPv4. SOCK_STREAM: a stream of bytes over a connection, "
        "in order: TCP. Protocol 0: the usual one for that type. Numbers "
        "0, 1 and 2 are normally stdin, stdout and stderr");

    udp = socket(AF_INET, SOCK_DGRAM, 0);
    if (udp == -1) {
        perror("socket");
        goto fail;
    }
    say("SOCK_DGRAM: separate messages (datagrams), no connection: UDP");

    heading("what the kernel knows about them");
    if (describe(tcp, SOCK_STREAM, IPPROTO_TCP) != 0 ||
        describe(udp, SOCK_DGRAM, IPPROTO_UDP) != 0)
        status = 1;
    say("protocol 0 chose TCP for SOCK_STREAM and UDP for SOCK_DGRAM");

    heading("close both");
    if (close(udp) == -1) {
        perror("close");
        status = 1;
    }
    if (close(tcp) == -1) {
        perror("close");
        status = 1;
    }
    say("fds %d and %d are free again for the next socket() or open()", tcp,
        udp);
    return status;

fail:
    close(tcp);
    return 1;
}
