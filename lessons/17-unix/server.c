/*
 * Lesson 17: Unix domain sockets, the server
 *
 * An AF_UNIX socket's address is a file: its permissions decide who may
 * connect, and it stays until unlink(). The kernel says who each client is
 * (SO_PEERCRED); the greeting carries one end of a new socketpair()
 * (SCM_RIGHTS). PATH.lock, held with flock(), keeps out a second server.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 17-unix-server  (or: cc lessons/17-unix/server.c -o server)
 * Run:   build/17-unix-server, then build/17-unix-client in a second terminal
 *        (or any client: socat - UNIX-CONNECT:PATH, with the path it prints)
 */
#define _POSIX_C_SOURCE 200809L
#define _GNU_SOURCE     /* struct ucred, for SO_PEERCRED: Linux's own */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h> /* flock(): BSD's and Linux's, not POSIX */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/sockstep.h"

/* --path and --mode: set by ss_start() when given, or NULL. */
static const char *path_opt, *mode_opt;

static const struct ss_lesson lesson = {
    .name = "17-unix-server",
    .summary = "a Unix socket server: tell who each client is, and pass it "
               "a socket",
    .example = "  build/17-unix-server --count 2\n"
               "  then in a second terminal: build/17-unix-client",
    .options = SS_OPT_TIMEOUT | SS_OPT_COUNT,
    .timeout = 300,
    .timeout_help = "seconds accept() waits for each client",
    .count = 1,
    .count_help = "how many clients to serve",
    .extra = {{.name = "--path",
               .arg = "PATH",
               .help = "the socket file; without it, "
                       "sockstep-17-UID/server.sock in $TMPDIR or /tmp",
               .text = &path_opt},
              {.name = "--mode",
               .arg = "OCTAL",
               .help = "the socket file's permissions (default "
                       "600: its owner only)",
               .text = &mode_opt}},
};

/* The default path, in a directory of this user's own. */
static int default_path(char *path, size_t cap)
{
    const char *tmp = getenv("TMPDIR");
    struct stat st;
    int n;

    n = snprintf(path, cap, "%s/sockstep-17-%ld",
                 tmp != NULL && tmp[0] == '/' ? tmp : "/tmp", (long)getuid());
    if (n < 0 || (size_t)n >= cap)
        return -1;
    /* Mode 0700: nobody else may even reach the socket file inside. If
       the name is taken, it must be such a directory, and this user's. */
    if (mkdir(path, 0700) == -1 && errno != EEXIST) {
        perror(path);
        return -1;
    }
    if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode) ||
        st.st_uid != getuid() || (st.st_mode & 077) != 0) {
        fprintf(stderr, "%s: %s is not a directory of yours with mode 700\n",
                lesson.name, path);
        return -1;
    }
    n = snprintf(path + n, cap - (size_t)n, "/server.sock");
    return n < 0 ? -1 : 0;
}

/* The lock beside the socket file (PATH.lock): a server holds flock() on
   it for as long as it runs, and the kernel lets go when the process ends,
   however it ends. So a second server can tell a live server from a file
   left behind without connecting to it. Returns the lock's descriptor
   (*made: 1 if this call created the file), or -1: another server holds
   it (errno EWOULDBLOCK), or an error. */
static int take_lock(const char *lockpath, int *made)
{
    struct stat held, named;
    int lk;

    for (;;) {
        *made = 1;
        lk = open(lockpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (lk == -1 && errno == EEXIST) {
            *made = 0; /* left by a server that ended, or in use now */
            lk = open(lockpath, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
            if (lk == -1 && errno == ENOENT)
                continue; /* just removed: try again */
            if (lk == -1 && (errno == EISDIR || errno == ELOOP))
                errno = EINVAL; /* a directory, a symbolic link */
        }
        if (lk == -1)
            return -1;
        if (fstat(lk, &held) == -1 || !S_ISREG(held.st_mode)) {
            close(lk);
            errno = EINVAL; /* not a regular file: not a lock of ours */
            return -1;
        }
        if (flock(lk, LOCK_EX | LOCK_NB) == -1) {
            int saved = errno; /* EWOULDBLOCK: another server holds it */
            close(lk);
            errno = saved;
            return -1;
        }
        /* A server that was ending may have removed the name meanwhile:
           then this lock is on a file nobody else can find. Again. */
        if (stat(lockpath, &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev)
            return lk;
        close(lk);
    }
}

/* One client: who it is, then a greeting that carries one end of a new
   socket pair, and a line sent over the other end. */
static void serve(int conn, long n)
{
    struct ucred cred;
    struct msghdr msg;
    struct iovec iov;
    union { /* room for one descriptor, aligned for a cmsghdr */
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct cmsghdr *cm;
    socklen_t len = sizeof cred;
    char hello[128], line[128];
    int pair[2], k;

    if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
        perror("getsockopt");
        return;
    }
    printf("client %ld: pid %ld, uid %ld, gid %ld\n", n, (long)cred.pid,
           (long)cred.uid, (long)cred.gid);

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == -1) {
        perror("socketpair");
        return;
    }
    /* The greeting's bytes, and pair[1] as control data (SCM_RIGHTS). */
    k = snprintf(hello, sizeof hello, "hello pid %ld, here is a socket\n",
                 (long)cred.pid);
    iov.iov_base = hello;
    iov.iov_len = (size_t)k;
    memset(&msg, 0, sizeof msg);
    memset(&control, 0, sizeof control);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &pair[1], sizeof(int));
    if (sendmsg(conn, &msg, MSG_NOSIGNAL) == -1)
        perror("sendmsg");
    /* The message holds pair[1] open until the client's recvmsg() takes
       it (the client then has a descriptor of its own): ours can go. */
    if (close(pair[1]) == -1)
        perror("close");
    k = snprintf(line, sizeof line,
                 "this line came over the socket pair, "
                 "which has no name\n");
    if (send(pair[0], line, (size_t)k, MSG_NOSIGNAL) == -1)
        perror("send");
    if (close(pair[0]) == -1)
        perror("close");
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_un addr, client;
    socklen_t len;
    struct timeval wait;
    struct stat st;
    char path[sizeof addr.sun_path + 1], lockpath[sizeof path + 5];
    long mode = 0600, served = 0;
    int fd, conn, rc, lk, made;

    ss_start(&lesson, &opt, argc, argv);
    if (mode_opt != NULL) {
        char *end;
        mode = strtol(mode_opt, &end, 8);
        if (*end != '\0' || mode_opt[0] < '0' || mode_opt[0] > '7' ||
            mode > 0777)
            ss_bad(&lesson, "--mode", "an octal mode such as 600", mode_opt);
    }
    if (path_opt != NULL) {
        if (strlen(path_opt) >= sizeof addr.sun_path) {
            char wants[64];
            snprintf(wants, sizeof wants, "at most %zu bytes, to fit sun_path",
                     sizeof addr.sun_path - 1);
            ss_bad(&lesson, "--path", wants, NULL);
        }
        snprintf(path, sizeof path, "%s", path_opt);
    } else if (default_path(path, sizeof addr.sun_path) == -1) {
        return 1;
    }

    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, strlen(path)); /* sun_path: no NUL needed */

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* One server per path: its lock, before the socket file. */
    snprintf(lockpath, sizeof lockpath, "%s.lock", path);
    lk = take_lock(lockpath, &made);
    if (lk == -1) {
        if (errno == EWOULDBLOCK)
            printf("another server is running at %s (it holds %s)\n", path,
                   lockpath);
        else if (errno == EINVAL)
            printf("%s exists and is not a lock file: it is left alone. "
                   "Choose another --path\n",
                   lockpath);
        else
            perror(lockpath);
        goto fail;
    }
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }
    rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    if (rc == -1 && errno == EADDRINUSE) {
        /* Something has that name. Only a socket file is ours to remove:
           we hold the lock, so no server of this lesson is behind it. */
        if (lstat(path, &st) == -1 || !S_ISSOCK(st.st_mode)) {
            printf("%s exists and is not a socket: it is left alone. "
                   "Choose another --path\n",
                   path);
            goto fail;
        }
        say("we hold %s, so no server of this lesson runs there: the "
            "socket file is left over from one that ended without "
            "unlink(). Remove it, and bind() again",
            lockpath);
        if (unlink(path) == -1)
            perror(path);
        rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    }
    if (rc == -1) {
        perror("bind");
        goto fail;
    }
    /* Who may connect: on Linux, whoever may write the file. */
    if (chmod(path, (mode_t)mode) == -1) {
        perror(path);
        goto unlink;
    }
    if (listen(fd, SOMAXCONN) == -1) {
        perror("listen");
        goto unlink;
    }
    printf("listening on %s\n", path);

    while (opt.count == 0 || served < opt.count) {
        heading("waiting for client %ld", served + 1);
        len = sizeof client;
        conn = accept(fd, (struct sockaddr *)&client, &len);
        if (conn == -1 && (errno == EINTR || errno == ECONNABORTED))
            continue;
        if (conn == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (served == 0) {
                printf("no client connected within --timeout %d s\n",
                       opt.timeout);
                goto unlink;
            }
            printf("no more clients within --timeout %d s\n", opt.timeout);
            break;
        }
        if (conn == -1) {
            perror("accept");
            goto unlink;
        }
        served++;
        serve(conn, served);
        if (close(conn) == -1)
            perror("close");
    }

    heading("done: served %ld client%s", served, served == 1 ? "" : "s");
    if (close(fd) == -1)
        perror("close");
    /* The file is not removed by close(): a server removes its own, and
       its lock last, while it still holds it. */
    rc = unlink(path);
    if (rc == -1)
        perror(path);
    if (made)
        unlink(lockpath);
    close(lk); /* the lock goes with it (and with the process, on a crash) */
    return rc == -1 ? 1 : 0;

unlink:
    unlink(path);
fail:
    close(fd);
    if (lk != -1 && made)
        unlink(lockpath);
    if (lk != -1)
        close(lk);
    return 1;
}
