/*
 * sockstep.h - the one include a lesson needs. It makes every socket call
 * the lesson writes narrate itself, in the style of strace, and parses
 * the lesson's options.
 *
 * Header-only, so one plain command builds a lesson:
 *     cc lessons/04-accept/accept.c -o accept
 * and -DSOCKSTEP_PLAIN builds the same program silent:
 *     cc -DSOCKSTEP_PLAIN lessons/04-accept/accept.c -o accept
 *
 * How it works: for each call (socket, bind, listen, accept, connect, send,
 * recv, sendto, recvfrom, shutdown, close, dup, getsockname, getpeername,
 * setsockopt, getsockopt, getaddrinfo, freeaddrinfo, poll, fcntl, fork,
 * waitpid, sigaction, getrlimit, setrlimit, socketpair, sendmsg, recvmsg,
 * fgets, getchar, getline; on Linux epoll_create1, epoll_ctl, epoll_wait,
 * sendfile) a room of wrappers defines a function that makes the real
 * call and narrates it, and ss_macros.h a macro of the same name, so the
 * lesson's line
 *     fd = socket(AF_INET, SOCK_STREAM, 0);
 * calls that function. Include this file after every system header.
 * Inside the header the C library's function is always written
 * SS_REAL(NAME)(...): the parentheses keep the macro NAME(...) from
 * expanding, wherever the macros are defined.
 *
 * The rooms, in the order they build on each other:
 *     ss_text.h     values as text: addresses, escaped bytes, names
 *     ss_state.h    all the narrator remembers: one struct, the socket
 *                   table, what a signal handler touches, said-once keys
 *     ss_narrate.h  the narrator: output guard, say(), heading(), --step
 *     ss_errors.h   errno names, likely causes and what to try
 *     ss_proc.h     the kernel's tables of sockets, read (Linux: /proc)
 *     ss_kernel.h   what the kernel reports about a socket after a call
 *     ss_watch.h    lesson 03's watch of its accept queue, from /proc
 *     ss_options.h  a lesson's options, its --help, their checks
 *     ss_start.h    start-up: ss_start(), the signal handlers
 *   not with SOCKSTEP_PLAIN:
 *     ss_repeat.h   a loop's repeated calls: told three times, counted
 *     ss_call.h     the call machinery: before and after a call, advice
 *     ss_kinds.h    what a call did, in the words of its socket's kind
 *     ss_conn.h     wrappers: socket, bind, listen, accept, connect, close
 *     ss_names.h    wrappers: getaddrinfo
 *     ss_data.h     wrappers: send, recv, sendto, recvfrom, messages
 *     ss_sockopt.h  wrappers: setsockopt, getsockopt, fcntl
 *     ss_wait.h     wrappers: poll, the keyboard, epoll
 *     ss_process.h  wrappers: fork, waitpid, sigaction, limits
 *     ss_macros.h   last, and only: #define NAME(...) ss_NAME(...)
 * Each room's comment names the rooms it needs (tests/rooms checks it).
 *
 * A student's own program narrates the same way: #include "sockstep.h"
 * after its system headers and build with -I lessons/common; without
 * ss_start() its calls still narrate (on stdout, 78 columns, no colour).
 * preload.c builds these rooms as build/libsockstep.so, which
 * scripts/narrate puts in front of any program's C library.
 *
 * The lesson API: every name a lesson may use, written down here once.
 * All but say() and heading() begin with ss_ or SS_. "Plain" is what the
 * name does with -DSOCKSTEP_PLAIN.
 *   ss_start(&lesson, &opt, argc, argv)  once, first: parses the options
 *       the lesson declares (struct ss_lesson: name, summary, SS_OPT_*
 *       bits, defaults, and its own options, struct ss_extra, each
 *       filling the lesson's variable) into struct ss_options; opens fds
 *       0 to 2; Ctrl-C, SIGTERM and SIGHUP close what is open and exit.
 *       Plain: the same, without --step and colour.
 *   ss_bad(&lesson, "--name", "what it wants", got)  a bad option value:
 *       one line on stderr, exit 2. Plain: the same.
 *   say(fmt, ...), heading(fmt, ...)  the lesson's own sentences in the
 *       narration. Plain: nothing.
 *   ss_ask("text")  asks the person at a terminal for input. Plain:
 *       nothing.
 *   ss_addr(sa), ss_addr_len(sa, len)  an address as text, in .s
 *       ("127.0.0.1:8888", "[::1]:80", a Unix path). Plain: the same.
 *   ss_put_data(stdout, buf, n)  prints what a peer sent, escaped (no
 *       byte of it reaches the terminal as a control). Plain: the same.
 *   ss_expect_error(ERR)  the next call is meant to fail with ERR: it is
 *       told as expected, without advice. Plain: nothing.
 *   ss_narration_off(), ss_narration_on()  around calls made by the
 *       thousand: they run unnarrated. Plain: nothing.
 *   ss_watch_start(), then ss_watch_queue(&addr, count, timeout):
 *       lesson 03's watch of its accept queue in /proc/net/tcp (Linux),
 *       until count connections wait or timeout seconds pass, and the
 *       kernel's counters of full queues since the start. Plain: the
 *       same, without the narration.
 *   The kernel's view, as that watch reads it (Linux):
 *       ss_proc_walk("tcp", fn, arg) calls fn for every entry of
 *       /proc/net/tcp and tcp6 (struct ss_procsock, states SS_TCP_*),
 *       ss_proc_say() tells one entry, ss_same_addr() and ss_port_of()
 *       compare addresses, ss_tcpext() reads a counter of
 *       /proc/net/netstat. Plain: the same, except that ss_proc_say()
 *       prints nothing.
 * Everything else in these files is the header's own.
 */
#ifndef SOCKSTEP_H
#define SOCKSTEP_H

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__GNUC__) || defined(__clang__)
#define SS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SS_NORETURN     __attribute__((noreturn))
#define SS_NOINLINE     __attribute__((noinline, unused))
#else
#define SS_PRINTF(f, a)
#define SS_NORETURN
#define SS_NOINLINE
#endif

/* The C library's function NAME, never the macro of the same name; a
   build that reaches libc another way may define it before this file. */
#ifndef SS_REAL
#define SS_REAL(name) (name)
#endif

#include "ss_text.h"
#include "ss_state.h"
#include "ss_narrate.h"
#include "ss_errors.h"
#include "ss_proc.h"
#include "ss_kernel.h"
#include "ss_watch.h"
#include "ss_options.h"
#include "ss_start.h"
#include "ss_repeat.h"
#include "ss_call.h"
#include "ss_kinds.h"
#include "ss_conn.h"
#include "ss_names.h"
#include "ss_data.h"
#include "ss_sockopt.h"
#include "ss_wait.h"
#include "ss_process.h"
#include "ss_macros.h"

#endif /* SOCKSTEP_H */
