/*
 * preload.c - sockstep.h built as a preload library, build/libsockstep.so
 * (make builds it; scripts/narrate runs a program with it). The socket
 * calls of any dynamically linked program, in C, Python or anything else
 * that reaches them through the C library, then narrate themselves with
 * the lessons' lines, kernel views and advice. Linux with glibc.
 *
 * Each function here (socket, bind, ...) takes the place of the C
 * library's: it calls the header's wrapper ss_NAME(), which makes the
 * real call through SS_REAL(NAME), here the next definition of NAME
 * (dlsym(RTLD_NEXT, "NAME")), and narrates it. Nothing of the narration
 * is written here; only which calls, and where the lines go:
 *   - to scripts/narrate's standard error, or to the file $SOCKSTEP_OUT
 *     (appended to), on a descriptor of its own numbered high that every
 *     process of the run inherits ($SOCKSTEP_FD, preload_out.h): never
 *     to the program's fd 2, which may be a client's socket; the
 *     program's descriptor numbers and its output stay as they were;
 *   - close() is told for sockets and epoll instances, fcntl() and
 *     sendfile() only where a socket is among their descriptors;
 *     read(), write() and ioctl(FIONBIO, FIONREAD) only on a socket
 *     (preload_rw.h), and readv(), writev(), sendmmsg() and recvmmsg()
 *     too (preload_vec.h); the checked __recv_chk() and the like of a
 *     -D_FORTIFY_SOURCE build as the plain calls;
 *   - a wait (select, pselect, poll, ppoll, epoll_wait, epoll_pwait,
 *     epoll_pwait2) only where a socket is among what it waits on
 *     (preload_waits.h), and epoll_ctl() only on a socket;
 *   - one thread narrates at a time: a lock, let go while the real call
 *     runs (ss_nar.call_hook), so every call's lines are whole;
 *   - a call made while narrating (a signal handler, a call inside the C
 *     library) goes straight to the C library, untold;
 *   - a process other than the one scripts/narrate started tags its lines
 *     with its pid; a child of fork() with "[child PID]", as in lessons;
 *     a thread other than the first adds "[thread TID]";
 *   - sigaction() and signal() are taken, untold, so that a call the
 *     kernel restarted after a SA_RESTART handler is said to have been
 *     (preload_signals.h);
 *   - with $SOCKSTEP_FAULTS (scripts/narrate --faults) it makes happen
 *     what a busy network and signals may do, to show a program's hidden
 *     assumptions: recv() given a few bytes at a time, send() taking part
 *     of what it was given, an EINTR now and then (preload_faults.h says
 *     on which calls).
 */
#define _DEFAULT_SOURCE /* not _GNU_SOURCE: it changes connect()'s type */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RTLD_NEXT
#define RTLD_NEXT ((void *)-1L) /* glibc's value; dlfcn.h gives it to GNU */
#endif

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
#define SS_ACCEPT4

static void *ss_next(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);

    if (f == NULL) {
        static const char msg[] = "libsockstep: a C library function is "
                                  "missing; the program cannot go on\n";
        /* The system call itself: this library's write() may look a
           function up here again, and would come back for ever. */
        long w = syscall(SYS_write, 2, msg, sizeof msg - 1);
        (void)w;
        abort();
    }
    return f;
}

/* The C library's NAME: found once per place it is called from. */
#define SS_REAL(name)                                                          \
    (*__extension__({                                                          \
        static void *ss_fn_;                                                   \
        void *ss_f_ = __atomic_load_n(&ss_fn_, __ATOMIC_ACQUIRE);              \
        if (ss_f_ == NULL) {                                                   \
            ss_f_ = ss_next(#name);                                            \
            __atomic_store_n(&ss_fn_, ss_f_, __ATOMIC_RELEASE);                \
        }                                                                      \
        (__typeof__(&(name)))ss_f_;                                            \
    }))

#include "sockstep.h"

static pthread_mutex_t ss_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int ss_depth; /* this thread is inside the library */
static int ss_ready;          /* set up, and the output still ours */
static struct stat ss_out_st; /* what the output descriptor was */

#include "preload_faults.h"
#include "preload_out.h"
#include "preload_rw.h"
#include "preload_signals.h"

/* Whose lines: a thread other than the process's first says which
   (ss_nar.ttag), by its kernel thread id, as strace -f and /proc do.
   Called with the lock held; fork() clears what is kept. */
static pid_t ss_pid_kept;
static __thread pid_t ss_tid_kept;

static void ss_thread_tag(void)
{
    if (ss_tid_kept == 0)
        ss_tid_kept = (pid_t)syscall(SYS_gettid);
    if (ss_pid_kept == 0)
        ss_pid_kept = getpid();
    if (ss_tid_kept == ss_pid_kept)
        ss_nar.ttag[0] = '\0';
    else
        snprintf(ss_nar.ttag, sizeof ss_nar.ttag, "[thread %ld] ",
                 (long)ss_tid_kept);
}

/* Let go of the lock while the real call runs, take it after; note a
   restart by a signal's handler (preload_signals.h). */
static void ss_hook(int making)
{
    if (making) {
        ss_restart_sig = 0;
        ss_in_call = 1;
        pthread_mutex_unlock(&ss_lock);
    } else {
        ss_in_call = 0;
        pthread_mutex_lock(&ss_lock);
        ss_thread_tag();
        ss_nar.restarted = ss_restart_sig;
        ss_nar.fault_asked = ss_fault_asked;
        ss_nar.fault_given = ss_fault_given;
        ss_nar.fault_sending = ss_fault_sending;
        ss_fault_asked = 0;
    }
}

/* May this call be narrated? Then the lock is held until ss_leave(). */
static int ss_enter(void)
{
    int saved = errno;
    struct stat st;

    if (!__atomic_load_n(&ss_ready, __ATOMIC_ACQUIRE) || ss_depth > 0)
        return 0;
    ss_depth++;
    pthread_mutex_lock(&ss_lock);
    /* A program may close every descriptor it did not open and reuse the
       number: then the output is no longer ours, and narration stops. */
    if (fstat(ss_out_fd(), &st) != 0 || st.st_dev != ss_out_st.st_dev ||
        st.st_ino != ss_out_st.st_ino) {
        __atomic_store_n(&ss_ready, 0, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&ss_lock);
        ss_depth--;
        errno = saved;
        return 0;
    }
    ss_thread_tag();
    errno = saved;
    return 1;
}

static void ss_leave(void)
{
    int saved = errno;

    ss_nar.restarted = 0;
    pthread_mutex_unlock(&ss_lock);
    ss_depth--;
    errno = saved;
}

static int ss_is_socket(int fd)
{
    struct stat st;
    int saved = errno, yes = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);

    errno = saved;
    return yes;
}

#include "preload_fork.h"

#include "preload_seal.h"

__attribute__((constructor)) static void ss_preload_init(int argc, char **argv)
{
    const char *root, *bad_fault;
    long t0s, t0ns;
    int high;
    FILE *out;

    /* scripts/narrate asks here whether its --faults is right, before it
       runs anything: the one grammar of the faults is the library's. */
    if (getenv("SOCKSTEP_FAULTS_CHECK") != NULL) {
        bad_fault = ss_faults_parse(getenv("SOCKSTEP_FAULTS"));
        if (bad_fault != NULL)
            dprintf(2, "'%.60s' is not %s\n", bad_fault, SS_FAULTS_WANTED);
        _exit(bad_fault != NULL ? 2 : 0);
    }
    ss_seal_take();
    high = ss_out_find();
    if (high < 0 || fstat(high, &ss_out_st) != 0)
        return;
    out = fdopen(high, "w");
    if (out == NULL)
        return;
    setvbuf(out, NULL, _IOLBF, 0);
    ss_nar.out = out;
    if (argc > 0 && argv != NULL && argv[0] != NULL) {
        const char *slash = strrchr(argv[0], '/');
        ss_nar.prog = slash != NULL ? slash + 1 : argv[0];
    }
    {
        struct sigaction now;
        ss_pipe_dfl = SS_REAL(sigaction)(SIGPIPE, NULL, &now) == 0 &&
                      !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL;
    }
    bad_fault = ss_faults_parse(getenv("SOCKSTEP_FAULTS"));
    ss_fold = getenv("SOCKSTEP_FOLD_SHELLS") != NULL && ss_is_shell();
    /* --time: the run's start, "SECONDS.NANOSECONDS" (scripts/narrate) */
    if (getenv("SOCKSTEP_TIME") != NULL &&
        sscanf(getenv("SOCKSTEP_TIME"), "%ld.%ld", &t0s, &t0ns) == 2) {
        ss_nar.t0.tv_sec = (time_t)t0s;
        ss_nar.t0.tv_nsec = t0ns;
        ss_nar.clock = 1;
    }
    root = getenv("SOCKSTEP_NARRATE_PID");
    if (root != NULL && atol(root) != (long)getpid())
        snprintf(ss_nar.tag, sizeof ss_nar.tag, "[pid %ld] ", (long)getpid());
    ss_nar.color = ss_term_color(high);
    ss_nar.cursor = ss_term_cursor(high);
    ss_nar.width = ss_width();
    /* scripts/capture: each call timed, each on one line (ss_start.h). */
    ss_nar.stamps = getenv("SOCKSTEP_TIMESTAMPS") != NULL;
    if (ss_nar.stamps)
        ss_nar.width = 900;
    ss_nar.call_hook = ss_hook;
    ss_out_no = high;
    pthread_atfork(ss_fork_lock, ss_fork_unlock, ss_fork_child);
    __atomic_store_n(&ss_ready, 1, __ATOMIC_RELEASE);
    if (bad_fault != NULL && ss_enter()) {
        char text[400];
        snprintf(text, sizeof text, "'%.60s' is not %s: no fault is made",
                 bad_fault, SS_FAULTS_WANTED);
        ss_wrap(0, 4, "fault: ", text, SS_RED);
        ss_leave();
        unsetenv("SOCKSTEP_FAULTS"); /* said once, not by each child */
    }
}

/* At exit: a run of repeated calls still being counted is told. */
__attribute__((destructor)) static void ss_preload_end(void)
{
    if (!ss_enter())
        return;
    ss_repeat_end();
    ss_faults_end();
    fflush(ss_out());
    ss_leave();
}

/* The C library's functions, narrated. (NAME) keeps the macro NAME(...)
   of ss_macros.h from expanding. */

/* SS_TOLD(call, real): return real, the C library's call, when the call
   may not be told (inside the narrator, or before it is ready); else
   call, its narrated twin. The result is kept in a variable of the
   macro's own, of real's type: the function around it declares none. */
#define SS_TOLD(call, real)                                                    \
    do {                                                                       \
        if (!ss_enter())                                                       \
            return real;                                                       \
        __typeof__(real) ss_rc_ = call;                                        \
        ss_leave();                                                            \
        return ss_rc_;                                                         \
    } while (0)

/* The same, for a call that sends: SIGPIPE held back while it runs
   (preload_signals.h), so that a call that ends the program is told. */
#define SS_TOLD_SEND(flags, call, real)                                        \
    do {                                                                       \
        sigset_t ss_old_;                                                      \
        int ss_g_;                                                             \
        if (!ss_enter())                                                       \
            return real;                                                       \
        ss_g_ = ss_pipe_block(flags, &ss_old_);                                \
        __typeof__(real) ss_rc_ = call;                                        \
        ss_pipe_said(ss_g_, (long)ss_rc_);                                     \
        ss_leave();                                                            \
        ss_pipe_release(ss_g_, &ss_old_);                                      \
        return ss_rc_;                                                         \
    } while (0)

int(socket)(int domain, int type, int protocol)
{
    SS_TOLD(ss_socket(domain, type, protocol),
            SS_REAL(socket)(domain, type, protocol));
}

int(socketpair)(int domain, int type, int protocol, int sv[2])
{
    SS_TOLD(ss_socketpair(domain, type, protocol, sv),
            SS_REAL(socketpair)(domain, type, protocol, sv));
}

int(bind)(int fd, const struct sockaddr *addr, socklen_t len)
{
    SS_TOLD(ss_bind(fd, addr, len), SS_REAL(bind)(fd, addr, len));
}

int(listen)(int fd, int backlog)
{
    SS_TOLD(ss_listen(fd, backlog), SS_REAL(listen)(fd, backlog));
}

int(accept)(int fd, struct sockaddr *addr, socklen_t *len)
{
    if (ss_fault_accept("accept", fd))
        return -1;
    SS_TOLD(ss_accept(fd, addr, len), SS_REAL(accept)(fd, addr, len));
}

int(accept4)(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    if (ss_fault_accept("accept4", fd))
        return -1;
    SS_TOLD(ss_accept_as(fd, addr, len, flags),
            SS_REAL(accept4)(fd, addr, len, flags));
}

int(connect)(int fd, const struct sockaddr *addr, socklen_t len)
{
    SS_TOLD(ss_connect(fd, addr, len), SS_REAL(connect)(fd, addr, len));
}

int(shutdown)(int fd, int how)
{
    SS_TOLD(ss_shutdown(fd, how), SS_REAL(shutdown)(fd, how));
}

int(getsockname)(int fd, struct sockaddr *addr, socklen_t *len)
{
    SS_TOLD(ss_getsockname(fd, addr, len), SS_REAL(getsockname)(fd, addr, len));
}

int(getpeername)(int fd, struct sockaddr *addr, socklen_t *len)
{
    SS_TOLD(ss_getpeername(fd, addr, len), SS_REAL(getpeername)(fd, addr, len));
}

ssize_t(send)(int fd, const void *buf, size_t n, int flags)
{
    if (ss_fault_io("send", fd, &n, 1, 0))
        return -1;
    SS_TOLD_SEND(flags, ss_send(fd, buf, n, flags),
                 SS_REAL(send)(fd, buf, n, flags));
}

ssize_t(recv)(int fd, void *buf, size_t n, int flags)
{
    if (ss_fault_io("recv", fd, &n, 0, flags & MSG_WAITALL))
        return -1;
    SS_TOLD(ss_recv(fd, buf, n, flags), SS_REAL(recv)(fd, buf, n, flags));
}

/* read(), write(): on a socket, told as recv() and send() are
   (preload_rw.h), shortened by a fault or not. */
/* Is fd a socket, and may its call be told? (Cheap for the rest.) */
static int ss_socket_told(int fd)
{
    return ss_depth == 0 && __atomic_load_n(&ss_ready, __ATOMIC_ACQUIRE) &&
           ss_is_socket(fd);
}

ssize_t(read)(int fd, void *buf, size_t n)
{
    if (ss_depth == 0 && ss_fault_io("read", fd, &n, 0, 0))
        return -1;
    if (!ss_socket_told(fd))
        return SS_REAL(read)(fd, buf, n);
    SS_TOLD(ss_read_sock(fd, buf, n), SS_REAL(read)(fd, buf, n));
}

ssize_t(write)(int fd, const void *buf, size_t n)
{
    if (ss_depth == 0 && ss_fault_io("write", fd, &n, 1, 0))
        return -1;
    if (!ss_socket_told(fd))
        return SS_REAL(write)(fd, buf, n);
    SS_TOLD_SEND(0, ss_write_sock(fd, buf, n), SS_REAL(write)(fd, buf, n));
}

#include "preload_waits.h"
#include "preload_vec.h"

/* ioctl(): FIONBIO and FIONREAD on a socket are told. */
int(ioctl)(int fd, unsigned long req, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    if ((req != FIONBIO && req != FIONREAD) || !ss_socket_told(fd))
        return SS_REAL(ioctl)(fd, req, arg);
    SS_TOLD(ss_ioctl_sock(fd, req, arg), SS_REAL(ioctl)(fd, req, arg));
}

/* The C library's checked versions, which a program built with
   -D_FORTIFY_SOURCE calls where the buffer's size is known: the same
   check, then the call told as the plain one is. A length beyond the
   buffer goes to the C library's own, which stops the program. */
/* NOLINTBEGIN(bugprone-reserved-identifier): the C library's own names,
   which this library must define to stand in for them. */
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t size, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t size, int flags,
                       struct sockaddr *from, socklen_t *fromlen);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t size);
/* NOLINTEND(bugprone-reserved-identifier) */

ssize_t(__recv_chk)(int fd, void *buf, size_t n, size_t size, int flags)
{
    if (n > size)
        return SS_REAL(__recv_chk)(fd, buf, n, size, flags);
    return (recv)(fd, buf, n, flags);
}

ssize_t(__recvfrom_chk)(int fd, void *buf, size_t n, size_t size, int flags,
                        struct sockaddr *from, socklen_t *fromlen)
{
    if (n > size)
        return SS_REAL(__recvfrom_chk)(fd, buf, n, size, flags, from, fromlen);
    return (recvfrom)(fd, buf, n, flags, from, fromlen);
}

ssize_t(__read_chk)(int fd, void *buf, size_t n, size_t size)
{
    if (n > size)
        return SS_REAL(__read_chk)(fd, buf, n, size);
    return (read)(fd, buf, n);
}

ssize_t(sendto)(int fd, const void *buf, size_t n, int flags,
                const struct sockaddr *to, socklen_t tolen)
{
    if (ss_fault_io("sendto", fd, &n, 1, 0))
        return -1;
    SS_TOLD_SEND(flags, ss_sendto(fd, buf, n, flags, to, tolen),
                 SS_REAL(sendto)(fd, buf, n, flags, to, tolen));
}

ssize_t(recvfrom)(int fd, void *buf, size_t n, int flags, struct sockaddr *from,
                  socklen_t *fromlen)
{
    if (ss_fault_io("recvfrom", fd, &n, 0, flags & MSG_WAITALL))
        return -1;
    SS_TOLD(ss_recvfrom(fd, buf, n, flags, from, fromlen),
            SS_REAL(recvfrom)(fd, buf, n, flags, from, fromlen));
}

ssize_t(sendmsg)(int fd, const struct msghdr *m, int flags)
{
    ss_fault_pass(fd);
    SS_TOLD_SEND(flags, ss_sendmsg(fd, m, flags),
                 SS_REAL(sendmsg)(fd, m, flags));
}

ssize_t(recvmsg)(int fd, struct msghdr *m, int flags)
{
    ss_fault_pass(fd);
    SS_TOLD(ss_recvmsg(fd, m, flags), SS_REAL(recvmsg)(fd, m, flags));
}

int(setsockopt)(int fd, int level, int name, const void *v, socklen_t len)
{
    SS_TOLD(ss_setsockopt(fd, level, name, v, len),
            SS_REAL(setsockopt)(fd, level, name, v, len));
}

int(getsockopt)(int fd, int level, int name, void *v, socklen_t *len)
{
    SS_TOLD(ss_getsockopt(fd, level, name, v, len),
            SS_REAL(getsockopt)(fd, level, name, v, len));
}

int(getaddrinfo)(const char *node, const char *service,
                 const struct addrinfo *hints, struct addrinfo **res)
{
    SS_TOLD(ss_getaddrinfo(node, service, hints, res),
            SS_REAL(getaddrinfo)(node, service, hints, res));
}

void(freeaddrinfo)(struct addrinfo *res)
{
    if (!ss_enter()) {
        SS_REAL(freeaddrinfo)(res);
        return;
    }
    ss_freeaddrinfo(res);
    ss_leave();
}

/* Is fd an epoll instance (whose epoll_create1() was told)? */
static int ss_is_epoll(int fd)
{
    char path[40], link[64];
    ssize_t n;
    int saved = errno;

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    n = readlink(path, link, sizeof link - 1);
    errno = saved;
    if (n <= 0)
        return 0;
    link[n] = '\0';
    return strcmp(link, "anon_inode:[eventpoll]") == 0;
}

/* close() of a socket or an epoll instance is told; of a file, not. */
int(close)(int fd)
{
    if (ss_out_kept(fd))
        return 0; /* the narration's: see preload_out.h */
    if (!ss_is_socket(fd) && !ss_is_epoll(fd))
        return SS_REAL(close)(fd);
    SS_TOLD(ss_close(fd), SS_REAL(close)(fd));
}

/* fcntl() on a socket is told. Its third argument, if any, is taken as
   a pointer, as the C library itself takes it. */
int(fcntl)(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (!ss_is_socket(fd) ||
        (cmd != F_GETFL && cmd != F_SETFL && cmd != F_GETFD && cmd != F_SETFD))
        return SS_REAL(fcntl)(fd, cmd, arg);
    SS_TOLD(ss_fcntl(fd, cmd, (int)(long)arg), SS_REAL(fcntl)(fd, cmd, arg));
}

pid_t(fork)(void)
{
    if (ss_fold)
        return SS_REAL(fork)();
    SS_TOLD(ss_fork(), SS_REAL(fork)());
}

#ifdef __linux__
int(epoll_create1)(int flags)
{
    SS_TOLD(ss_epoll_create1(flags), SS_REAL(epoll_create1)(flags));
}

/* epoll_ctl() is told for a socket only: a set of pipes, timers and
   eventfds (an event loop's own) is no socket call. */
int(epoll_ctl)(int ep, int op, int fd, struct epoll_event *e)
{
    if (!ss_is_socket(fd))
        return SS_REAL(epoll_ctl)(ep, op, fd, e);
    SS_TOLD(ss_epoll_ctl(ep, op, fd, e), SS_REAL(epoll_ctl)(ep, op, fd, e));
}

ssize_t(sendfile)(int out, int in, off_t *offset, size_t count)
{
    if (!ss_is_socket(out))
        return SS_REAL(sendfile)(out, in, offset, count);
    ss_fault_pass(out);
    SS_TOLD_SEND(0, ss_sendfile(out, in, offset, count),
                 SS_REAL(sendfile)(out, in, offset, count));
}
#endif
