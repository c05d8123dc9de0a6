/*
 * Lesson 17: Unix domain sockets, the client
 *
 * The client connects to the server's socket file, asks the kernel who
 * the server is (SO_PEERCRED), and receives with recvmsg() the greeting
 * and a descriptor that came with it (SCM_RIGHTS): one end of a socket
 * pair the server made. It reads the server's next line from that socket,
 * which has no name at all.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 17-unix-client  (or: cc lessons/17-unix/client.c -o client)
 * Run:   build/17-unix-server, then this client in a second terminal
 */
#define _POSIX_C_SOURCE 200809L
#define _GNU_SOURCE     /* struct ucred, for SO_PEERCRED: Linux's own */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const char *path_opt; /* --path, or NULL */

static const struct ss_lesson lesson = {
    .name = "17-unix-client",
    .summary = "a Unix socket client: who is the server, and what did it "
               "pass",
    .example = "  build/17-unix-server\n"
               "  then in a second terminal: build/17-unix-client",
    .options = SS_OPT_TIMEOUT,
    .timeout_help = "seconds each connect() and each recv() may wait",
    .extra = {{.name = "--path",
               .arg = "PATH",
               .help = "the server's socket file; without it, "
                       "sockstep-17-UID/server.sock in $TMPDIR or /tmp",
               .text = &path_opt}},
};

/* Print what arrives on fd until the peer closes. */
static int read_all(int fd, int timeout)
{
    char buf[512];
    ssize_t got;

    while ((got = recv(fd, buf, sizeof buf, 0)) != 0) {
        if (got == -1 && errno == EINTR)
            continue;
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            printf("nothing within --timeout %d s\n", timeout);
        else if (got == -1)
            perror("recv");
        if (got == -1)
            return -1;
        ss_put_data(stdout, buf, (size_t)got);
        putchar('\n');
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
    struct sockaddr_un addr;
    struct ucred cred;
    struct timeval wait, left;
    struct timespec start;
    struct msghdr msg;
    struct iovec iov;
    union { /* room for one descriptor, aligned for a cmsghdr */
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct cmsghdr *cm;
    socklen_t len = sizeof cred;
    char buf[512];
    const char *tmp = getenv("TMPDIR");
    ssize_t got;
    int fd, passed = -1, rc, status = 0;

    ss_start(&lesson, &opt, argc, argv);
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (path_opt != NULL)
        rc = snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_opt);
    else
        rc = snprintf(addr.sun_path, sizeof addr.sun_path,
                      "%s/sockstep-17-%ld/server.sock",
                      tmp != NULL && tmp[0] == '/' ? tmp : "/tmp",
                      (long)getuid());
    if (rc < 0 || (size_t)rc >= sizeof addr.sun_path) {
        char wants[64];
        snprintf(wants, sizeof wants, "at most %zu bytes, to fit sun_path",
                 sizeof addr.sun_path - 1);
        ss_bad(&lesson, "--path", wants, NULL);
    }

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }
    if (clock_gettime(CLOCK_MONOTONIC, &start) == -1) {
        perror("clock_gettime");
        goto fail;
    }
    for (;;) {
        rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
        if (rc == 0 || errno != EINTR)
            break;
        /* A signal ended the wait: connect() again, but only for what is
           left of --timeout (lesson 05). */
        if (!time_left(&start, opt.timeout, &left))
            break;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &left, sizeof left) == -1) {
            perror("setsockopt");
            goto fail;
        }
    }
    /* EAGAIN: SO_SNDTIMEO ran out (a Unix connect() waits only while the
       server's queue is full); EINTR: no time was left to try again. */
    if (rc == -1 && (errno == EAGAIN || errno == EINTR)) {
        printf("the server's queue stayed full for --timeout %d s\n",
               opt.timeout);
        goto fail;
    }
    if (rc == -1) {
        perror("connect");
        goto fail;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
        perror("getsockopt");
        goto fail;
    }
    printf("the server: pid %ld, uid %ld, gid %ld\n", (long)cred.pid,
           (long)cred.uid, (long)cred.gid);

    /* Room for the greeting, and for one descriptor beside it. */
    iov.iov_base = buf;
    iov.iov_len = sizeof buf;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    got = recvmsg(fd, &msg, 0);
    if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
        printf("no greeting within --timeout %d s\n", opt.timeout);
    else if (got == -1)
        perror("recvmsg");
    if (got <= 0)
        goto fail;
    printf("greeting: ");
    ss_put_data(stdout, buf, (size_t)got);
    putchar('\n');
    for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
            cm->cmsg_len == CMSG_LEN(sizeof(int)))
            memcpy(&passed, CMSG_DATA(cm), sizeof passed);
    if (passed == -1) {
        printf("no descriptor came with the greeting\n");
        goto fail;
    }

    heading("reading from the socket that came with it, fd %d", passed);
    if (setsockopt(passed, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        status = 1;
    } else if (read_all(passed, opt.timeout) == -1) {
        status = 1;
    }
    if (close(passed) == -1)
        perror("close");
    if (read_all(fd, opt.timeout) == -1) /* until the server closes */
        status = 1;
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return status;

fail:
    close(fd);
    return 1;
}
