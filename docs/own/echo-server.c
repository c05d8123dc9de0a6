/*
 * echo-server.c - a student's own echo server, as one would write it
 * before meeting sockstep, with one line added: #include "sockstep.h"
 * after the system headers. Built with -I lessons/common, its socket
 * calls narrate themselves (no ss_start(), no options); with
 * -DSOCKSTEP_PLAIN it is silent. Takes the port as its one argument
 * (0: any free port, the one it got is printed); serves one client,
 * then exits. The handout's section "Narrating your own program"
 * shows it running.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockstep.h"

int main(int argc, char **argv)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    char buf[1024];
    ssize_t n;
    int s, c;

    if (argc != 2) {
        fprintf(stderr, "usage: echo-server PORT\n");
        return 2;
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        perror("socket");
        return 1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("bind");
        return 1;
    }
    if (listen(s, 5) < 0) {
        perror("listen");
        return 1;
    }
    if (getsockname(s, (struct sockaddr *)&addr, &len) < 0) {
        perror("getsockname");
        return 1;
    }
    printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(addr.sin_port));
    fflush(stdout);
    c = accept(s, NULL, NULL);
    if (c < 0) {
        perror("accept");
        return 1;
    }
    while ((n = recv(c, buf, sizeof buf, 0)) > 0)
        if (send(c, buf, (size_t)n, 0) < 0) {
            perror("send");
            break;
        }
    close(c);
    close(s);
    return 0;
}
