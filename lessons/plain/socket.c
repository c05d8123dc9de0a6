/* socket.c: two sockets, one TCP and one UDP. It prints the descriptor the
 * kernel gave each, then closes both. Build: cc -Wall -o socket socket.c */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

int main(void)
{
    int tcp, udp;

    if ((tcp = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    printf("TCP socket: descriptor %d\n", tcp);
    if ((udp = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
        fail("socket");
    printf("UDP socket: descriptor %d\n", udp);
    if (close(udp) == -1)
        fail("close");
    if (close(tcp) == -1)
        fail("close");
    return 0;
}
