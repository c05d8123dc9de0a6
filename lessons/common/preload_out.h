/*
 * preload_out.h - where the narration goes, for preload.c alone:
 * included there once, after sockstep.h and the library's own state. Not
 * a room of sockstep.h.
 *
 * The narration goes where scripts/narrate was told: its standard error,
 * or the file of --out ($SOCKSTEP_OUT). Never to whatever a program has on
 * its own fd 2: an inetd-style server puts its client's socket there, and
 * the narration would become part of what the client receives.
 *
 * The first process of a run (no $SOCKSTEP_FD yet) opens the file, or
 * copies its fd 2 as it was when the program started, onto a descriptor
 * numbered high and left open across exec(). It names that descriptor in
 * $SOCKSTEP_FD as "N:DEV:INODE". Every process the program starts, and
 * every program they exec, inherits both and writes to fd N only if it
 * still is that file, pipe or terminal (same device and inode). If the
 * program closed it before exec() (Python's subprocess closes every
 * descriptor above 2), the new program opens it again: the --out file by
 * its name, or else its parent's fd N through /proc, the same checks
 * made. If neither works, that process narrates nothing.
 *
 * close(), close_range() and closefrom() leave fd N open: a program that
 * closes every descriptor it did not open still has its calls told, and
 * so do the programs it starts. dup2() onto fd N ends the narration of
 * that process (ss_enter() sees another file there).
 */
#ifndef SOCKSTEP_PRELOAD_OUT_H
#define SOCKSTEP_PRELOAD_OUT_H

#include <features.h>

static int ss_out_no = -1; /* the narration's descriptor here, once set */

/* Is fd the file with this device and inode? */
static int ss_out_is(int fd, unsigned long long dev, unsigned long long ino)
{
    struct stat st;

    return fd >= 0 && fstat(fd, &st) == 0 &&
           (unsigned long long)st.st_dev == dev &&
           (unsigned long long)st.st_ino == ino;
}

/* A copy of fd numbered high (200 up), open across exec(): fd numbers
   the program gets stay those of a run without the library. */
static int ss_high_fd(int fd)
{
    struct rlimit r;
    long from = 200;

    if (SS_REAL(getrlimit)(RLIMIT_NOFILE, &r) == 0 &&
        r.rlim_cur != RLIM_INFINITY && (long)r.rlim_cur <= from + 8)
        from = (long)r.rlim_cur / 2;
    return SS_REAL(fcntl)(fd, F_DUPFD, (int)from);
}

/* The narration's descriptor for this process, or -1: see the top. */
static int ss_out_find(void)
{
    const char *v = getenv("SOCKSTEP_FD"), *path = getenv("SOCKSTEP_OUT");
    unsigned long long dev, ino;
    char name[64];
    struct stat st;
    int n, fd, high;

    if (path != NULL && path[0] == '\0')
        path = NULL;
    if (v != NULL && sscanf(v, "%d:%llu:%llu", &n, &dev, &ino) == 3) {
        if (ss_out_is(n, dev, ino))
            return n;
        if (path == NULL) {
            snprintf(name, sizeof name, "/proc/%ld/fd/%d", (long)getppid(), n);
            path = name;
        }
        fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
        if (fd >= 0 && !ss_out_is(fd, dev, ino)) {
            SS_REAL(close)(fd);
            fd = -1;
        }
    } else if (path != NULL) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    } else {
        fd = 2;
    }
    if (fd < 0)
        return -1;
    high = ss_high_fd(fd);
    if (fd != 2)
        SS_REAL(close)(fd);
    if (high < 0 || fstat(high, &st) != 0)
        return -1;
    snprintf(name, sizeof name, "%d:%llu:%llu", high,
             (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    setenv("SOCKSTEP_FD", name, 1);
    return high;
}

/* Is fd the narration's descriptor, still ours? */
static int ss_out_kept(int fd)
{
    return fd == ss_out_no && __atomic_load_n(&ss_ready, __ATOMIC_ACQUIRE);
}

#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
int close_range(unsigned int first, unsigned int last, int flags);
void closefrom(int low);

/* close_range() and closefrom(): the same, but around fd N. */
int(close_range)(unsigned int first, unsigned int last, int flags)
{
    unsigned int n = (unsigned int)ss_out_no;
    int rc = 0;

    if (!ss_out_kept(ss_out_no) || n < first || n > last)
        return SS_REAL(close_range)(first, last, flags);
    if (n > first)
        rc = SS_REAL(close_range)(first, n - 1, flags);
    if (rc == 0 && n < last)
        rc = SS_REAL(close_range)(n + 1, last, flags);
    return rc;
}

void(closefrom)(int low)
{
    if (!ss_out_kept(ss_out_no) || low < 0 || ss_out_no < low) {
        SS_REAL(closefrom)(low);
        return;
    }
    if (ss_out_no > low &&
        SS_REAL(close_range)((unsigned)low, (unsigned)ss_out_no - 1, 0) != 0)
        for (int fd = low; fd < ss_out_no; fd++)
            SS_REAL(close)(fd);
    SS_REAL(closefrom)(ss_out_no + 1);
}
#endif

#endif
