/*
 * ss_macros.h - last: the macros that make a lesson's own calls the
 * narrated ones. Only #define lines, all function-like, each NAME(...)
 * to ss_NAME(...); every room before this one calls the C library
 * through SS_REAL(NAME), so where these lines sit changes nothing there.
 *
 * Needs: nothing
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_MACROS_H
#define SS_MACROS_H
#ifndef SOCKSTEP_PLAIN

#define socket(d, t, p)             ss_socket(d, t, p)
#define bind(f, a, l)               ss_bind(f, a, l)
#define listen(f, b)                ss_listen(f, b)
#define accept(f, a, l)             ss_accept(f, a, l)
#define connect(f, a, l)            ss_connect(f, a, l)
#define shutdown(f, h)              ss_shutdown(f, h)
#define close(f)                    ss_close(f)
#define dup(f)                      ss_dup(f)
#define getsockname(f, a, l)        ss_getsockname(f, a, l)
#define getpeername(f, a, l)        ss_getpeername(f, a, l)
#define send(f, b, n, fl)           ss_send(f, b, n, fl)
#define recv(f, b, n, fl)           ss_recv(f, b, n, fl)
#define sendto(f, b, n, fl, a, l)   ss_sendto(f, b, n, fl, a, l)
#define recvfrom(f, b, n, fl, a, l) ss_recvfrom(f, b, n, fl, a, l)
#define setsockopt(f, l, n, v, s)   ss_setsockopt(f, l, n, v, s)
#define getsockopt(f, l, n, v, s)   ss_getsockopt(f, l, n, v, s)
#define getaddrinfo(n, s, h, r)     ss_getaddrinfo(n, s, h, r)
#define freeaddrinfo(r)             ss_freeaddrinfo(r)
#define poll(f, n, t)               ss_poll(f, n, t)
#define fcntl(f, ...)               ss_fcntl(f, __VA_ARGS__)
#define fork()                      ss_fork()
#define waitpid(p, s, o)            ss_waitpid(p, s, o)
#define sigaction(s, a, o)          ss_sigaction(s, a, o)
#define fgets(b, n, f)              ss_fgets(b, n, f)
#define getchar()                   ss_getchar()
#define getline(l, c, f)            ss_getline(l, c, f)
#define socketpair(d, t, p, v)      ss_socketpair(d, t, p, v)
#define sendmsg(f, m, fl)           ss_sendmsg(f, m, fl)
#define recvmsg(f, m, fl)           ss_recvmsg(f, m, fl)
#define getrlimit(r, l)             ss_getrlimit(r, l)
#define setrlimit(r, l)             ss_setrlimit(r, l)
#ifdef __linux__
#define epoll_create1(f)        ss_epoll_create1(f)
#define epoll_ctl(e, o, f, ev)  ss_epoll_ctl(e, o, f, ev)
#define epoll_wait(e, ev, n, t) ss_epoll_wait(e, ev, n, t)
#define sendfile(o, i, off, n)  ss_sendfile(o, i, off, n)
#endif

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_MACROS_H */
