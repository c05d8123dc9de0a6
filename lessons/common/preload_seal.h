/*
 * preload_seal.h - the checker's seal on narrated lines, for preload.c
 * alone: included there once, after preload_fork.h. The checker gives
 * each narrated run a secret ($SOCKSTEP_SEAL) and reads only the lines
 * that start with it, so a program cannot pass its own lines off as
 * the library's; exec*() gives the secret to the next program.
 */
#ifndef SOCKSTEP_PRELOAD_SEAL_H
#define SOCKSTEP_PRELOAD_SEAL_H

/* The checker's secret for this run ($SOCKSTEP_SEAL, lowercase hex), or
   "": kept here and, with a space, in ss_nar.seal, before every line
   (ss_emit()). The program must not learn it, or it could write lines
   that pass for the library's: it is taken out of the environment
   before the program's main() runs, out of environ and out of the
   environment's first copy, which /proc/PID/environ shows (its letters
   overwritten). exec*() gives it to the next program (below). A
   program that searches its own memory can still find it. */
static char ss_seal_value[40];

static void ss_seal_take(void)
{
    char *v = getenv("SOCKSTEP_SEAL");
    size_t n;

    if (v == NULL)
        return;
    n = strlen(v);
    if (n > 0 && n < sizeof ss_seal_value &&
        strspn(v, "0123456789abcdef") == n) {
        memcpy(ss_seal_value, v, n + 1);
        snprintf(ss_nar.seal, sizeof ss_nar.seal, "%s ", ss_seal_value);
    }
    memset(v, 'x', n);
    unsetenv("SOCKSTEP_SEAL");
}

/* execve(): the environment given, with the seal (one of its own). */
int(execve)(const char *path, char *const argv[], char *const envp[])
{
    static const char name[] = "SOCKSTEP_SEAL=";
    char entry[sizeof name + sizeof ss_seal_value];
    size_t n = 0, k = 0;

    if (ss_seal_value[0] == '\0' || envp == NULL)
        return SS_REAL(execve)(path, argv, envp);
    while (envp[n] != NULL)
        n++;
    {
        char *env[n + 2];

        for (size_t i = 0; i < n; i++)
            if (strncmp(envp[i], name, sizeof name - 1) != 0)
                env[k++] = envp[i];
        snprintf(entry, sizeof entry, "%s%s", name, ss_seal_value);
        env[k++] = entry;
        env[k] = NULL;
        return SS_REAL(execve)(path, argv, env);
    }
}

/* execv() and execvp(): the seal put in the environment for the call,
   taken out again if it fails. (execl() and its kind, posix_spawn()
   and system() reach the kernel inside the C library: a program they
   start has no seal, and the checker reads none of its lines.) */
static void ss_seal_put(int on)
{
    int saved = errno;

    if (on)
        setenv("SOCKSTEP_SEAL", ss_seal_value, 1);
    else
        unsetenv("SOCKSTEP_SEAL");
    errno = saved;
}

int(execv)(const char *path, char *const argv[])
{
    int rc;

    if (ss_seal_value[0] == '\0')
        return SS_REAL(execv)(path, argv);
    ss_seal_put(1);
    rc = SS_REAL(execv)(path, argv);
    ss_seal_put(0);
    return rc;
}

int(execvp)(const char *file, char *const argv[])
{
    int rc;

    if (ss_seal_value[0] == '\0')
        return SS_REAL(execvp)(file, argv);
    ss_seal_put(1);
    rc = SS_REAL(execvp)(file, argv);
    ss_seal_put(0);
    return rc;
}

#endif
