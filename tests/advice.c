/*
 * advice.c - the errno table of lessons/common/ss_errors.h, walked (for
 * tests/truth.bats).
 *
 *   advice table   every entry's "likely cause" and "try" lines (of both
 *                  tables: the lessons' and ss_errors_own), filled in
 *                  twice: with an address and port, and as for a call that
 *                  has none. One line each: NAME CALL|cause|...  NAME
 *                  CALL|try|...
 *   advice need    for each call and errno the man pages (Linux) list for
 *                  the calls the lessons make, whether the table has an
 *                  entry: "ok CALL ENAME" or "missing CALL ENAME".
 */
#define _GNU_SOURCE
#include "../lessons/common/sockstep.h"

static void show(const struct ss_errinfo *e, const char *addr, const char *port)
{
    char text[600] = "";

    ss_fill(text, sizeof text, e->cause, addr, port);
    printf("%s %s|cause|%s\n", e->name, e->call ? e->call : "any", text);
    ss_fill(text, sizeof text, e->fix, addr, port);
    printf("%s %s|try|%s\n", e->name, e->call ? e->call : "any", text);
}

#define E(x) #x, x
struct need {
    const char *call;
    const char *name;
    int num;
};

/*
 * What each call can return, from its Linux man page (socket(2), bind(2),
 * unix(7), listen(2), accept(2), connect(2), send(2), recv(2),
 * setsockopt(2) with socket(7), ip(7) and ipv6(7), shutdown(2), close(2),
 * poll(2), epoll_ctl(2), epoll_wait(2), fork(2), waitpid(2), fcntl(2),
 * flock(2)), leaving out EFAULT and EBADF's siblings that only a broken
 * pointer or descriptor gives (EFAULT has one entry for all).
 */
static const struct need needs[] = {
    {"socket", E(EACCES)},
    {"socket", E(EAFNOSUPPORT)},
    {"socket", E(EINVAL)},
    {"socket", E(EMFILE)},
    {"socket", E(ENFILE)},
    {"socket", E(ENOBUFS)},
    {"socket", E(ENOMEM)},
    {"socket", E(EPROTONOSUPPORT)},
    {"socket", E(EPROTOTYPE)},
    {"socket", E(ESOCKTNOSUPPORT)},
    {"bind", E(EACCES)},
    {"bind", E(EADDRINUSE)},
    {"bind", E(EBADF)},
    {"bind", E(EINVAL)},
    {"bind", E(ENOTSOCK)},
    {"bind", E(EADDRNOTAVAIL)},
    {"bind", E(EFAULT)},
    {"bind", E(EAFNOSUPPORT)},
    {"bind:unix", E(EADDRINUSE)},
    {"bind:unix", E(ENOENT)},
    {"bind:unix", E(EACCES)},
    {"bind:unix", E(ENAMETOOLONG)},
    {"bind:unix", E(ENOTDIR)},
    {"bind:unix", E(ELOOP)},
    {"bind:unix", E(EROFS)},
    {"listen", E(EADDRINUSE)},
    {"listen", E(EBADF)},
    {"listen", E(ENOTSOCK)},
    {"listen", E(EOPNOTSUPP)},
    {"accept", E(EAGAIN)},
    {"accept", E(EBADF)},
    {"accept", E(ECONNABORTED)},
    {"accept", E(EINTR)},
    {"accept", E(EINVAL)},
    {"accept", E(EMFILE)},
    {"accept", E(ENFILE)},
    {"accept", E(ENOBUFS)},
    {"accept", E(ENOMEM)},
    {"accept", E(ENOTSOCK)},
    {"accept", E(EOPNOTSUPP)},
    {"accept", E(EPROTO)},
    {"accept", E(EPERM)},
    {"connect", E(EACCES)},
    {"connect", E(EADDRINUSE)},
    {"connect", E(EADDRNOTAVAIL)},
    {"connect", E(EAFNOSUPPORT)},
    {"connect", E(EAGAIN)},
    {"connect", E(EALREADY)},
    {"connect", E(EBADF)},
    {"connect", E(ECONNREFUSED)},
    {"connect", E(EINPROGRESS)},
    {"connect", E(EINTR)},
    {"connect", E(EISCONN)},
    {"connect", E(ENETUNREACH)},
    {"connect", E(EHOSTUNREACH)},
    {"connect", E(ENOTSOCK)},
    {"connect", E(EPROTOTYPE)},
    {"connect", E(ETIMEDOUT)},
    {"connect", E(ECONNRESET)},
    {"connect", E(EPERM)},
    {"connect:unix", E(ENOENT)},
    {"connect:unix", E(ECONNREFUSED)},
    {"connect:unix", E(EACCES)},
    {"send", E(EAGAIN)},
    {"send", E(EBADF)},
    {"send", E(ECONNRESET)},
    {"send", E(EDESTADDRREQ)},
    {"send", E(EINTR)},
    {"send", E(EINVAL)},
    {"send", E(EISCONN)},
    {"send", E(EMSGSIZE)},
    {"send", E(ENOBUFS)},
    {"send", E(ENOMEM)},
    {"send", E(ENOTCONN)},
    {"send", E(ENOTSOCK)},
    {"send", E(EOPNOTSUPP)},
    {"send", E(EPIPE)},
    {"sendto", E(EACCES)},
    {"sendto", E(ENETUNREACH)},
    {"sendto", E(EHOSTUNREACH)},
    {"sendto", E(ECONNREFUSED)},
    {"sendto", E(EMSGSIZE)},
    {"sendmsg", E(ETOOMANYREFS)},
    {"sendmsg", E(EPIPE)},
    {"recv", E(EAGAIN)},
    {"recv", E(EBADF)},
    {"recv", E(ECONNREFUSED)},
    {"recv", E(ECONNRESET)},
    {"recv", E(EINTR)},
    {"recv", E(EINVAL)},
    {"recv", E(ENOMEM)},
    {"recv", E(ENOTCONN)},
    {"recv", E(ENOTSOCK)},
    {"recv", E(ETIMEDOUT)},
    {"recvfrom", E(EAGAIN)},
    {"setsockopt", E(EBADF)},
    {"setsockopt", E(EINVAL)},
    {"setsockopt", E(ENOPROTOOPT)},
    {"setsockopt", E(ENOTSOCK)},
    {"setsockopt", E(EDOM)},
    {"setsockopt", E(ENODEV)},
    {"setsockopt", E(EADDRNOTAVAIL)},
    {"setsockopt", E(EADDRINUSE)},
    {"setsockopt", E(EPERM)},
    {"setsockopt", E(ENOBUFS)},
    {"getsockopt", E(ENOPROTOOPT)},
    {"shutdown", E(ENOTCONN)},
    {"shutdown", E(EINVAL)},
    {"close", E(EBADF)},
    {"close", E(EINTR)},
    {"poll", E(EINTR)},
    {"poll", E(EINVAL)},
    {"poll", E(ENOMEM)},
    {"epoll_ctl", E(EEXIST)},
    {"epoll_ctl", E(ENOENT)},
    {"epoll_ctl", E(ENOSPC)},
    {"epoll_ctl", E(EPERM)},
    {"epoll_ctl", E(ELOOP)},
    {"epoll_wait", E(EINTR)},
    {"fork", E(EAGAIN)},
    {"fork", E(ENOMEM)},
    {"waitpid", E(ECHILD)},
    {"waitpid", E(EINTR)},
    {"fcntl", E(EBADF)},
    {"fcntl", E(EINVAL)},
    {"flock", E(EWOULDBLOCK)},
    {"flock", E(ENOLCK)},
};

int main(int argc, char **argv)
{
    size_t i;

    if (argc == 2 && strcmp(argv[1], "table") == 0) {
        for (i = 0; i < SS_COUNT(ss_errors); i++) {
            show(&ss_errors[i], "127.0.0.1:8080", "8080");
            show(&ss_errors[i], "", "");
        }
        /* and those said outside a lesson */
        for (i = 0; i < SS_COUNT(ss_errors_own); i++) {
            show(&ss_errors_own[i], "127.0.0.1:8080", "8080");
            show(&ss_errors_own[i], "", "");
        }
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "need") == 0) {
        for (i = 0; i < SS_COUNT(needs); i++) {
            const struct ss_errinfo *e =
                ss_errinfo(needs[i].num, needs[i].call);
            printf("%s %s %s\n", e != NULL ? "ok" : "missing", needs[i].call,
                   needs[i].name);
        }
        return 0;
    }
    fprintf(stderr, "usage: advice table|need\n");
    return 2;
}
