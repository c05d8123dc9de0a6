/*
 * sockstep.h - the one include a lesson needs. It makes every socket call
 * the lesson writes narrate itself, as strace would show it, and parses
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
 * waitpid, getrlimit, setrlimit, socketpair, sendmsg, recvmsg; on Linux
 * epoll_create1, epoll_ctl, epoll_wait, sendfile) ss_calls.h defines a
 * function that makes the real call and narrates it, then a macro of the
 * same name, so the lesson's line
 *     fd = socket(AF_INET, SOCK_STREAM, 0);
 * calls that function. Include this file after every system header.
 *
 * The rooms, in the order they build on each other:
 *     ss_text.h     values as text: addresses, escaped bytes, names
 *     ss_narrate.h  the narrator: output guard, say(), heading(), --step
 *     ss_errors.h   errno names, likely causes and what to try
 *     ss_kernel.h   what the kernel reports (Linux: /proc)
 *     ss_options.h  options, start-up, signals
 *     ss_calls.h    the wrappers, then the macros (not with SOCKSTEP_PLAIN)
 *
 * What a lesson uses: ss_start() once; say() and heading() for its own
 * sentences; ss_addr() to print an address; ss_put_data() to print what a
 * peer sent (escaped); narration_off() and narration_on() around calls
 * made by the thousand. With SOCKSTEP_PLAIN say() and heading() print
 * nothing, and the program is otherwise the same.
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

#include "ss_text.h"
#include "ss_narrate.h"
#include "ss_errors.h"
#include "ss_kernel.h"
#include "ss_options.h"
#include "ss_calls.h"

#endif /* SOCKSTEP_H */
