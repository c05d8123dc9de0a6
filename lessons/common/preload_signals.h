/*
 * preload_signals.h - part of preload.c: telling a call that a signal
 * interrupted and the kernel restarted.
 *
 * A handler installed with SA_RESTART (signal() in glibc installs it so)
 * hides the interruption: the call the signal broke is made again by the
 * kernel, and the program never sees EINTR. The library can tell only
 * where it sees the handler run: sigaction() and signal() are taken here,
 * and a handler with SA_RESTART is installed behind a trampoline of ours,
 * which calls the program's own. When the signal comes while this thread
 * is inside a told call, the trampoline looks at where the thread will go
 * on: if the kernel is about to make the call again, it has moved the
 * program counter back onto the system call instruction (on x86-64 and
 * arm64 Linux; elsewhere nothing is said). Then ss_post() says the call
 * was restarted, and by which signal.
 *
 * The program asks its handlers back with sigaction() and gets its own;
 * a handler with SA_RESETHAND, SIG_IGN and SIG_DFL are left alone.
 */
#ifndef PRELOAD_SIGNALS_H
#define PRELOAD_SIGNALS_H

#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#define SS_RS_NSIG 65
static struct sigaction ss_rs_user[SS_RS_NSIG]; /* the program's, behind ours */
static __thread volatile sig_atomic_t ss_in_call;     /* in a told real call */
static __thread volatile sig_atomic_t ss_restart_sig; /* and its restart */

/* Will the interrupted thread go on at a system call instruction, that
   is, has the kernel set it to make its call again? */
static int ss_at_syscall(const void *ucv)
{
    const ucontext_t *uc = ucv;

#if defined(__x86_64__)
    /* gregs[16] is REG_RIP (named only with _GNU_SOURCE); 0f 05: syscall.
       The kernel saves that address as an integer: no pointer exists to
       derive it from, so the cast is the only way to it. */
    /* NOLINTNEXTLINE(performance-no-int-to-ptr) */
    const unsigned char *ip = (const unsigned char *)uc->uc_mcontext.gregs[16];
    return ip != NULL && ip[0] == 0x0f && ip[1] == 0x05;
#elif defined(__aarch64__)
    const uint32_t *pc = (const uint32_t *)uc->uc_mcontext.pc;
    return pc != NULL && *pc == 0xd4000001u; /* svc #0 */
#else
    (void)uc;
    return 0;
#endif
}

static void ss_rs_trampoline(int sig, siginfo_t *info, void *uc)
{
    const struct sigaction *u = &ss_rs_user[sig];

    if (ss_in_call && ss_at_syscall(uc))
        ss_restart_sig = sig;
    if (u->sa_flags & SA_SIGINFO)
        u->sa_sigaction(sig, info, uc);
    else if (u->sa_handler != SIG_IGN && u->sa_handler != SIG_DFL)
        u->sa_handler(sig);
}

/*
 * A send that fails with EPIPE on Linux comes with SIGPIPE, whose default
 * action ends the program inside the call: its line, printed when the
 * call returns, would never come. So where SIGPIPE's action is the
 * default (kept up to date by sigaction() and signal() below) and the
 * call has no MSG_NOSIGNAL, SIGPIPE is blocked in this thread for the
 * call; if it came, the call and the death are told, and unblocking it
 * then ends the program as it would have.
 */
static volatile sig_atomic_t ss_pipe_dfl; /* SIGPIPE's action: default */

static int ss_pipe_block(int flags, sigset_t *old)
{
    sigset_t pipe;

#ifdef MSG_NOSIGNAL
    if (flags & MSG_NOSIGNAL)
        return 0;
#endif
    if (!ss_pipe_dfl)
        return 0;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    if (pthread_sigmask(SIG_BLOCK, &pipe, old) != 0 ||
        sigismember(old, SIGPIPE))
        return 0; /* blocked already: nothing ends the program here */
    return 1;
}

/* After the call was told, with the lock held. */
static void ss_pipe_said(int guarded, long rc)
{
    sigset_t pending;
    struct sigaction now;
    int saved = errno;

    /* (its action asked again: sysv_signal() and the like pass us by) */
    if (guarded && rc == -1 && saved == EPIPE && sigpending(&pending) == 0 &&
        sigismember(&pending, SIGPIPE) &&
        SS_REAL(sigaction)(SIGPIPE, NULL, &now) == 0 &&
        !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL) {
        ss_wrap(4, 4, "",
                "SIGPIPE: the kernel sent it with this EPIPE, and its "
                "default action ends the program now, before the program "
                "sees the -1 (exit status 141 in a shell). Sent with "
                "send() and MSG_NOSIGNAL, or with SIGPIPE ignored, it "
                "would get the error instead",
                SS_RED);
        fflush(ss_out());
    }
    errno = saved;
}

static void ss_pipe_release(int guarded, const sigset_t *old)
{
    int saved = errno;

    if (guarded)
        pthread_sigmask(SIG_SETMASK, old, NULL); /* a SIGPIPE acts now */
    errno = saved;
}

int(sigaction)(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct sigaction mine, was;
    int wrap, rc;

    memset(&was, 0, sizeof was);
    if (sig <= 0 || sig >= SS_RS_NSIG)
        return SS_REAL(sigaction)(sig, act, old);
    wrap = act != NULL && (act->sa_flags & SA_RESTART) &&
           !(act->sa_flags & SA_RESETHAND) &&
           ((act->sa_flags & SA_SIGINFO) ||
            (act->sa_handler != SIG_IGN && act->sa_handler != SIG_DFL));
    if (wrap) {
        mine = *act;
        mine.sa_flags |= SA_SIGINFO;
        mine.sa_sigaction = ss_rs_trampoline;
        was = ss_rs_user[sig];
        ss_rs_user[sig] = *act;
    }
    rc = SS_REAL(sigaction)(sig, wrap ? &mine : act, old);
    if (rc != 0) {
        if (wrap)
            ss_rs_user[sig] = was;
        return rc;
    }
    if (old != NULL && old->sa_sigaction == ss_rs_trampoline)
        *old = wrap ? was : ss_rs_user[sig];
    if (act != NULL && sig == SIGPIPE)
        ss_pipe_dfl =
            !(act->sa_flags & SA_SIGINFO) && act->sa_handler == SIG_DFL;
    return rc;
}

/* glibc's signal(): BSD's meaning, SA_RESTART, the signal blocked in
   its own handler. */
void (*(signal)(int sig, void (*handler)(int)))(int)
{
    struct sigaction sa, old;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sig > 0 && sig < SS_RS_NSIG)
        sigaddset(&sa.sa_mask, sig);
    if ((sigaction)(sig, &sa, &old) != 0)
        return SIG_ERR;
    return old.sa_handler;
}

#endif /* PRELOAD_SIGNALS_H */
