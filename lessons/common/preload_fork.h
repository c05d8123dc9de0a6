/*
 * preload_fork.h - fork() in a narrated program, for preload.c alone:
 * included there once, after ss_lock and the kept pid and thread id. The
 * child of a fork() gets the library's lock free, whoever held it, and
 * tags its own lines; the fork()s of a shell that runs a script (a
 * wrapper that scripts/narrate found first on the command line) are not
 * told.
 */
#ifndef SOCKSTEP_PRELOAD_FORK_H
#define SOCKSTEP_PRELOAD_FORK_H

/* fork(): the child gets the lock free, whoever held it. */
static void ss_fork_lock(void)
{
    pthread_mutex_lock(&ss_lock);
}

static void ss_fork_unlock(void)
{
    pthread_mutex_unlock(&ss_lock);
}

/*
 * A program started through a shell script (a version manager's python3
 * is one): scripts/narrate sets $SOCKSTEP_FOLD_SHELLS, and then a shell's
 * fork()s are not told, so that the narration follows the programs the
 * script runs (scripts/narrate says so in one line). Its socket calls,
 * if any, still are, with its pid.
 */
static int ss_fold;

static int ss_is_shell(void)
{
    static const char *const shells[] = {"sh",  "dash", "bash", "zsh",
                                         "ksh", "mksh", "ash",  "busybox"};
    char exe[256];
    const char *base;
    size_t i;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (n <= 0)
        return 0;
    exe[n] = '\0';
    base = strrchr(exe, '/') != NULL ? strrchr(exe, '/') + 1 : exe;
    for (i = 0; i < sizeof shells / sizeof shells[0]; i++)
        if (strcmp(base, shells[i]) == 0)
            return 1;
    return 0;
}

/* In the child, the thread that forked is the first: a new pid. After
   a fork() not told, the child says whose its lines are itself. */
static void ss_fork_child(void)
{
    ss_pid_kept = 0;
    ss_tid_kept = 0;
    ss_fault_seen = ss_fault_left = 0; /* the child's calls, its own */
    if (ss_fold)
        snprintf(ss_nar.tag, sizeof ss_nar.tag, "[pid %ld] ", (long)getpid());
    pthread_mutex_unlock(&ss_lock);
}

#endif /* SOCKSTEP_PRELOAD_FORK_H */
