/*
 * preload_faults.h - the faults of scripts/narrate --faults, for
 * preload.c alone: included there once, after sockstep.h and the
 * library's own state. Not a room of sockstep.h.
 */
#ifndef SOCKSTEP_PRELOAD_FAULTS_H
#define SOCKSTEP_PRELOAD_FAULTS_H

/*
 * SOCKSTEP_FAULTS, comma-separated: "recv=N" asks the kernel for at most
 * N bytes in each call that receives; "send=N" or "send=half" hands it
 * at most N bytes, or half (at least 1), in each call that sends;
 * "eintr=N" (N at least 2) fails every Nth accept(), or call that
 * receives or sends, with EINTR, without making it, as a signal arriving
 * during the call would if its handler had no SA_RESTART.
 *
 * One rule for all three: the calls that receive are recv(), recvfrom()
 * and read(), those that send are send(), sendto() and write(), and only
 * on a stream socket (TCP, or a Unix stream); a recv() with MSG_WAITALL,
 * which the kernel fills whole, keeps its length. sendmsg(), recvmsg(),
 * readv(), writev(), sendmmsg(), recvmmsg(), sendfile() and every call on
 * a datagram socket are left alone: a process whose socket calls all were
 * is told so at its end (ss_faults_end). Each fault is told once where it
 * first acts; every EINTR made up is told as made up, and a call a fault
 * shortens is told as any call is, with the bytes it moved.
 */
static long ss_fault_recv, ss_fault_send, ss_fault_eintr;
static int ss_fault_half, ss_fault_told[3];
static unsigned long ss_fault_calls;
/* This process's calls a fault may change, and its calls that send or
   receive on a socket which the faults leave alone (a fork() child
   starts again). */
static unsigned long ss_fault_seen, ss_fault_left;
/* This thread's call, when a fault made its length shorter: what the
   program gave and what the kernel is given (ss_hook hands them to the
   call's narration). */
static __thread size_t ss_fault_asked, ss_fault_given;
static __thread int ss_fault_sending;

/* What SOCKSTEP_FAULTS may hold, as its messages say it. */
#define SS_FAULTS_WANTED                                                       \
    "recv=N, send=N, send=half or eintr=N, comma-separated (N from 1; "        \
    "eintr from 2: eintr=1 would fail every call, and a program that makes "   \
    "it again would never get past it)"

/* Sets the faults SOCKSTEP_FAULTS asks for. Returns NULL, or where a
   part it does not understand begins: then no fault is set at all (a
   program run with SOCKSTEP_FAULTS set by hand; scripts/narrate asks
   first, through SOCKSTEP_FAULTS_CHECK). */
static const char *ss_faults_parse(const char *spec)
{
    const char *p = spec;

    while (p != NULL && *p != '\0') {
        const char *part = p;
        char *end = (char *)p;
        long *value = NULL;
        if (SS_STARTS(p, "recv="))
            value = &ss_fault_recv, p += sizeof "recv=" - 1;
        else if (SS_STARTS(p, "send=half"))
            ss_fault_half = 1, end = (char *)p + sizeof "send=half" - 1;
        else if (SS_STARTS(p, "send="))
            value = &ss_fault_send, p += sizeof "send=" - 1;
        else if (SS_STARTS(p, "eintr="))
            value = &ss_fault_eintr, p += sizeof "eintr=" - 1;
        if (value != NULL && *p >= '1' && *p <= '9')
            *value = strtol(p, &end, 10);
        /* eintr=1 would fail every call: one made again never gets past */
        if (end == part || end == p || (*end != ',' && *end != '\0') ||
            (value == &ss_fault_eintr && ss_fault_eintr < 2)) {
            ss_fault_recv = ss_fault_send = ss_fault_eintr = 0;
            ss_fault_half = 0;
            return part;
        }
        p = *end == ',' ? end + 1 : NULL;
    }
    return NULL;
}

static int ss_is_stream(int fd)
{
    int type = 0, saved = errno;
    socklen_t len = sizeof type;
    int yes = SS_REAL(getsockopt)(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
              type == SOCK_STREAM;

    errno = saved;
    return yes;
}

static int ss_enter(void);
static void ss_leave(void);
static int ss_is_socket(int fd);

static int ss_faults_set(void)
{
    return ss_fault_recv > 0 || ss_fault_send > 0 || ss_fault_half ||
           ss_fault_eintr > 0;
}

/* A call that sends or receives on a socket and that the faults leave
   alone (sendmsg(), readv(), a datagram socket's recv() ...): counted. */
static void ss_fault_pass(int fd)
{
    if (ss_faults_set() && ss_depth == 0 && ss_is_socket(fd))
        __atomic_add_fetch(&ss_fault_left, 1, __ATOMIC_RELAXED);
}

/* Say once what fault k does, before the call it first changes. */
static void ss_fault_tell(int k, const char *text)
{
    if (ss_fault_told[k] || !ss_enter())
        return;
    ss_fault_told[k] = 1;
    ss_nar.hush = 0; /* a repeat held back is over: this is new */
    ss_wrap(0, 4, "fault: ", text, SS_CYAN);
    ss_leave();
}

/* How many bytes to hand the kernel: fewer than n, under a fault. */
static size_t ss_fault_len(const char *name, size_t n, int sending)
{
    char text[300];
    long most = sending ? ss_fault_send : ss_fault_recv;

    if (sending && ss_fault_half)
        most = n > 1 ? (long)(n / 2) : 1;
    if (most <= 0 || n <= (size_t)most)
        return n;
    if (sending && ss_fault_half)
        snprintf(
            text, sizeof text,
            "each %s() on a SOCK_STREAM socket now hands the kernel half of "
            "what the program gave (here %ld of %zu bytes), as a send() "
            "may take only part when the socket is non-blocking, has "
            "SO_SNDTIMEO, or a signal interrupts it: a program must send "
            "the rest itself",
            name, most, n);
    else
        snprintf(text, sizeof text,
                 "each %s() on a SOCK_STREAM socket now %s at most %ld byte%s "
                 "(here the program asked for %zu), as %s: a program must loop "
                 "until it has %s",
                 name, sending ? "hands the kernel" : "asks the kernel for",
                 most, most == 1 ? "" : "s", n,
                 sending ? "a non-blocking socket, SO_SNDTIMEO or a signal may "
                           "make a send() take only part"
                         : "a busy network may deliver a few bytes at a time",
                 sending ? "sent it all" : "a whole message");
    ss_fault_tell(sending, text);
    return (size_t)most;
}

/* An EINTR every Nth call: 1 if this one fails so, not made. n < 0: a
   call without a length (accept). */
static int ss_fault_eintr_now(const char *name, int fd, long n)
{
    char line[300];
    struct ss_seen seen = {.fd = fd, .ret = -1, .err = EINTR};

    if (ss_fault_eintr <= 0 ||
        __atomic_add_fetch(&ss_fault_calls, 1, __ATOMIC_RELAXED) %
                (unsigned long)ss_fault_eintr !=
            0)
        return 0;
    ss_fault_tell(2, "every few calls to accept(), recv(), recvfrom(), "
                     "read(), send(), sendto() or write() on a SOCK_STREAM "
                     "socket now fails with EINTR before it is made, as "
                     "when a signal "
                     "arrives during the call and its handler was installed "
                     "without SA_RESTART: a program must make the call "
                     "again");
    /* Told as a real call is: three times in a loop, then counted
       (ss_repeat.h), under a key no real call has. */
    if (ss_enter()) {
        snprintf(seen.name, sizeof seen.name, "%s", name);
        snprintf(seen.result, sizeof seen.result, "-1 EINTR (made up)");
        if (n >= 0)
            snprintf(line, sizeof line, "%s(%d, ..., %ld, ...) = -1 EINTR",
                     name, fd, n);
        else
            snprintf(line, sizeof line, "%s(%d, ...) = -1 EINTR", name, fd);
        snprintf(seen.key, sizeof seen.key, "%s (made up)", line);
        if (!ss_repeat(&seen)) {
            /* line: the call as the key has it, without "(made up)" */
            snprintf(line + strlen(line), sizeof line - strlen(line),
                     " (Interrupted system call), made up: the call was "
                     "not made");
            ss_wrap(0, 4, "", line, SS_RED);
        }
        ss_leave();
    }
    errno = EINTR;
    return 1;
}

/* The faults on accept(): 1 if it fails with a made-up EINTR. */
static int ss_fault_accept(const char *name, int fd)
{
    if (ss_fault_eintr <= 0)
        return 0;
    __atomic_add_fetch(&ss_fault_seen, 1, __ATOMIC_RELAXED);
    return ss_fault_eintr_now(name, fd, -1);
}

/* The faults on a call that receives (recv(), recvfrom(), read()) or
   sends (send(), sendto(), write()): 1 if it fails with a made-up EINTR;
   else *n, the length to give the kernel, perhaps made shorter
   (not for a recv() with MSG_WAITALL: whole). */
static int ss_fault_io(const char *name, int fd, size_t *n, int sending,
                       int whole)
{
    ss_fault_asked = 0; /* nothing said of an earlier call, untold */
    if (!ss_faults_set())
        return 0;
    if (!ss_is_stream(fd)) {
        ss_fault_pass(fd);
        return 0;
    }
    __atomic_add_fetch(&ss_fault_seen, 1, __ATOMIC_RELAXED);
    if (ss_fault_eintr_now(name, fd, (long)*n))
        return 1;
    if (!whole) {
        size_t asked = *n;
        *n = ss_fault_len(name, *n, sending);
        if (*n != asked) {
            ss_fault_asked = asked;
            ss_fault_given = *n;
            ss_fault_sending = sending;
        }
    }
    return 0;
}

/* At a process's end: if it sent or received on a socket, and the
   faults left every such call alone, say so (a fault that found nothing
   to act on would otherwise go unsaid). Called with the lock held. */
static void ss_faults_end(void)
{
    char text[400];

    if (!ss_faults_set() || ss_fault_seen > 0 || ss_fault_left == 0)
        return;
    snprintf(text, sizeof text,
             "no fault acted in this process: of its calls that send or "
             "receive on a socket (%lu), none is one the faults change, "
             "recv(), recvfrom(), read(), send(), sendto() or write() on a "
             "stream socket (TCP). sendmsg(), recvmsg(), readv(), writev() "
             "and datagram sockets are left alone",
             ss_fault_left);
    ss_nar.hush = 0;
    ss_wrap(0, 4, "fault: ", text, SS_CYAN);
}

#endif
