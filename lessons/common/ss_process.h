/*
 * ss_process.h - the wrappers for processes and their limits: fork,
 * waitpid, sigaction, getrlimit, setrlimit.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_repeat.h
 *        ss_call.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_PROCESS_H
#define SS_PROCESS_H
#ifndef SOCKSTEP_PLAIN

static inline pid_t ss_fork(void)
{
    struct ss_call c = {.fd = -1};
    pid_t pid;
    int err, stepped;

    c.args[0] = '\0';
    ss_pre(&c, "fork");
    fflush(stdout); /* or the child would print the parent's buffer too */
    fflush(ss_out());
    pid = SS_REAL(fork)();
    err = errno;
    /* One process at a time reads the terminal: --step stays with the
       parent, which also clears its own "running" line. */
    stepped = pid == 0 && ss_nar.step;
    if (stepped)
        ss_nar.step = 0;
    if (pid == 0) {
        /* from here on, each line the child prints says so */
        snprintf(ss_nar.tag, sizeof ss_nar.tag, "[child %ld] ", (long)getpid());
        ss_nlate = ss_late_lost = 0; /* the parent tells its handlers' */
    }
    ss_post(&c, (long)pid, err);
    if (pid == 0) {
        char line[120];
        snprintf(line, sizeof line,
                 "(in the child, pid %ld: fork() "
                 "returned 0 here)",
                 (long)getpid());
        ss_wrap(4, 4, "", line, "");
        if (stepped)
            ss_wrap(4, 4, "",
                    "--step goes on in the parent only: the "
                    "child runs without stopping",
                    "");
    } else if (pid > 0) {
        ss_tell(SS_K_FORK,
                "fork() made a child process, pid %ld: a copy "
                "of this one, with copies of all its descriptors, so each "
                "socket now has two. In the parent fork() returns the "
                "child's pid, in the child 0. When the child ends, the "
                "kernel sends the parent SIGCHLD",
                (long)pid);
    }
    errno = err;
    return pid;
}

static inline pid_t ss_waitpid(pid_t pid, int *status, int options)
{
    struct ss_call c = {.fd = -1};
    pid_t rc;
    int err;

    if (ss_in_handler) { /* made now, told later (see ss_trampoline) */
        rc = SS_REAL(waitpid)(pid, status, options);
        err = errno;
        if (ss_nlate < SS_MAX_LATE) {
            int i = ss_nlate;
            ss_late[i].sig = ss_in_handler;
            ss_late[i].pid = (long)pid;
            ss_late[i].options = options;
            ss_late[i].has_status = status != NULL;
            ss_late[i].status = status != NULL && rc > 0 ? *status : 0;
            ss_late[i].rc = (long)rc;
            ss_late[i].err = err;
            ss_nlate = i + 1;
        } else {
            ss_late_lost++;
        }
        errno = err;
        return rc;
    }
    ss_wait_args(c.args, sizeof c.args, (long)pid, status != NULL, 0, options,
                 0);
    ss_pre(&c, "waitpid");
    rc = SS_REAL(waitpid)(pid, status, options);
    err = errno;
    ss_wait_args(c.args, sizeof c.args, (long)pid, status != NULL,
                 status != NULL && rc > 0 ? *status : 0, options, (long)rc);
    ss_post(&c, (long)rc, err);
    if (rc > 0)
        ss_tell(SS_K_WAIT,
                "waitpid() collected child %ld's exit status; "
                "until a parent does that, a child that has ended stays in "
                "the process table as a zombie (state Z)",
                (long)rc);
    errno = err;
    return rc;
}

/* At exit: the calls a signal handler made since the last one told. */
static void ss_late_at_exit(void)
{
    if (ss_nar.exit_hook != NULL)
        ss_nar.exit_hook();
}

/*
 * sigaction(): the lesson's handler runs inside ss_trampoline, so that
 * the calls it makes are told safely (see above). The kernel is given the
 * lesson's mask and flags as they are.
 */
static inline int ss_sigaction(int sig, const struct sigaction *act,
                               struct sigaction *old)
{
    struct ss_call c = {.fd = -1};
    struct sigaction mine;
    const struct sigaction *use = act;
    void (*before)(int) = NULL;
    char what[120];
    int rc, err, wrapped = 0;

    if (act == NULL)
        snprintf(what, sizeof what, "NULL");
    else if (act->sa_handler == SIG_IGN)
        snprintf(what, sizeof what, "{SIG_IGN}");
    else if (act->sa_handler == SIG_DFL)
        snprintf(what, sizeof what, "{SIG_DFL}");
    else
        snprintf(what, sizeof what, "{handler%s%s}",
                 act->sa_flags & SA_RESTART ? ", SA_RESTART" : "",
                 act->sa_flags & SA_SIGINFO ? ", SA_SIGINFO" : "");
    ss_args(&c, "%s, %s, %s", ss_signame(sig).s, what,
            old != NULL ? "&old" : "NULL");
    if (act != NULL && !(act->sa_flags & SA_SIGINFO) &&
        act->sa_handler != SIG_IGN && act->sa_handler != SIG_DFL && sig > 0 &&
        sig < SS_NSIG) {
        mine = *act;
        mine.sa_handler = ss_trampoline;
        use = &mine;
        before = ss_handler[sig];
        ss_handler[sig] = act->sa_handler; /* before a signal can come */
        wrapped = 1;
    }
    ss_pre(&c, "sigaction");
    rc = SS_REAL(sigaction)(sig, use, old);
    err = errno;
    if (rc == -1 && wrapped)
        ss_handler[sig] = before;
    if (rc == 0 && old != NULL && old->sa_handler == ss_trampoline)
        old->sa_handler = before;
    if (rc == 0 && wrapped) {
        ss_nar.exit_hook = ss_late_flush;
        /* A program without ss_start() (a student's own, one include)
           has no exit function of the header's: the calls its handler
           makes last would never be told. */
        if (!ss_nar.at_exit && atexit(ss_late_at_exit) == 0)
            ss_nar.at_exit = 1;
    }
    ss_post(&c, (long)rc, err);
    if (rc == 0 && wrapped)
        ss_tell(SS_K_SIGACTION,
                "from now on, when %s comes, the kernel "
                "stops the program wherever it is and runs the handler. %s",
                ss_signame(sig).s,
                act->sa_flags & SA_RESTART
                    ? "A call the handler interrupts is made again "
                      "(SA_RESTART), except, on Linux, a socket call with "
                      "a timeout (SO_RCVTIMEO, SO_SNDTIMEO), poll(), "
                      "select(), epoll_wait() and the sleeps: they fail "
                      "with EINTR"
                    : "A call it interrupts fails with EINTR");
    errno = err;
    return rc;
}

static const struct ss_name ss_rlimits[] = {
    SS_N(RLIMIT_NOFILE), SS_N(RLIMIT_CORE),  SS_N(RLIMIT_CPU),
    SS_N(RLIMIT_DATA),   SS_N(RLIMIT_FSIZE), SS_N(RLIMIT_STACK),
    SS_N(RLIMIT_AS)};

/* "{rlim_cur=1024, rlim_max=RLIM_INFINITY}" */
static inline struct ss_text ss_rlim_text(const struct rlimit *r)
{
    struct ss_text t;
    size_t o = 0;

    t.s[0] = '\0';
    if (r == NULL) {
        ss_tcat(&t, &o, "NULL");
        return t;
    }
    if (r->rlim_cur == RLIM_INFINITY)
        ss_tcat(&t, &o, "{rlim_cur=RLIM_INFINITY, ");
    else
        ss_tcat(&t, &o, "{rlim_cur=%llu, ", (unsigned long long)r->rlim_cur);
    if (r->rlim_max == RLIM_INFINITY)
        ss_tcat(&t, &o, "rlim_max=RLIM_INFINITY}");
    else
        ss_tcat(&t, &o, "rlim_max=%llu}", (unsigned long long)r->rlim_max);
    return t;
}

static inline int ss_getrlimit(int resource, struct rlimit *r)
{
    struct ss_call c = {.fd = -1};
    int rc, err;

    ss_args(&c, "%s, &rlim",
            ss_name_of(ss_rlimits, SS_COUNT(ss_rlimits), resource).s);
    ss_pre(&c, "getrlimit");
    rc = SS_REAL(getrlimit)(resource, r);
    err = errno;
    if (rc == 0)
        ss_args(&c, "%s, %s",
                ss_name_of(ss_rlimits, SS_COUNT(ss_rlimits), resource).s,
                ss_rlim_text(r).s);
    ss_post(&c, rc, err);
    if (rc == 0 && resource == RLIMIT_NOFILE)
        ss_tell(SS_K_RLIMIT,
                "RLIMIT_NOFILE: a descriptor number must stay "
                "below the soft limit (rlim_cur), or socket(), accept() and "
                "open() fail with EMFILE. A process may raise its soft limit "
                "up to the hard limit (rlim_max) by itself; only root may "
                "raise the hard limit");
    errno = err;
    return rc;
}

static inline int ss_setrlimit(int resource, const struct rlimit *r)
{
    struct ss_call c = {.fd = -1};
    int rc, err;

    ss_args(&c, "%s, %s",
            ss_name_of(ss_rlimits, SS_COUNT(ss_rlimits), resource).s,
            ss_rlim_text(r).s);
    ss_pre(&c, "setrlimit");
    rc = SS_REAL(setrlimit)(resource, r);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0 && resource == RLIMIT_NOFILE)
        ss_tell(SS_K_RLIMIT,
                "RLIMIT_NOFILE: a descriptor number must stay "
                "below the soft limit (rlim_cur), or socket(), accept() and "
                "open() fail with EMFILE. A process may raise its soft limit "
                "up to the hard limit (rlim_max) by itself; only root may "
                "raise the hard limit");
    errno = err;
    return rc;
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_PROCESS_H */
