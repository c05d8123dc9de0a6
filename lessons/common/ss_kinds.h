/*
 * ss_kinds.h - what a call that moves data did, in the words of the kind
 * of socket it was made on: TCP, UDP, a Unix stream, datagram or
 * SOCK_SEQPACKET socket, a raw or an ICMP socket. The kind is the
 * kernel's answer (ss_kind_of(), ss_state.h), never a guess from what
 * the narrator saw made: a descriptor inherited, passed or made inside
 * the C library is told as what it is. The wrappers of ss_conn.h,
 * ss_data.h and the preload's read() and write() call these.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_kernel.h
 *        ss_repeat.h ss_call.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_KINDS_H
#define SS_KINDS_H
#ifndef SOCKSTEP_PLAIN

/* The IP protocol a raw socket carries, as its number and, for the
   common ones, a name: "1 (ICMP)". */
static inline struct ss_text ss_ipproto_text(int fd)
{
    struct ss_sock *s = ss_sock_find(fd);
    int p = s != NULL ? s->proto : -1;
    struct ss_text t;

    snprintf(t.s, sizeof t.s, "%d%s", p,
             p == IPPROTO_ICMP  ? " (ICMP)"
             : p == 58          ? " (ICMPv6)"
             : p == IPPROTO_TCP ? " (TCP)"
             : p == IPPROTO_UDP ? " (UDP)"
                                : "");
    return t;
}

/* What name() (send, or write on a socket) returning n of len means. */
static inline void ss_sent_said(int fd, ssize_t n, size_t len, int flags,
                                const char *name)
{
    char text[120];
    int kind = ss_kind_of(fd);
    const char *s = n == 1 ? "" : "s";

    if (n < 0)
        return;
    if (kind == SS_KIND_USTREAM)
        ss_tell(SS_K_SEND_UNIX,
                "%s() put %ld byte%s straight into "
                "the receiving socket's queue: a Unix socket needs no "
                "network, so no segments and no acknowledgements; the "
                "peer has them as soon as its recv() takes them",
                name, (long)n, s);
    else if (kind == SS_KIND_USEQ)
        ss_tell(SS_K_SEND_USEQ,
                "%s() put one record of %ld byte%s straight into the "
                "receiving socket's queue: a SOCK_SEQPACKET socket keeps "
                "each send() whole, and one recv() there takes one record",
                name, (long)n, s);
    else if (kind == SS_KIND_UDGRAM)
        ss_tell(SS_K_SEND_UDGRAM,
                "%s() put one datagram of %ld byte%s straight into the "
                "receiving socket's queue: a Unix datagram socket needs no "
                "network, and loses nothing: while that queue is full, the "
                "call waits (or fails with EAGAIN)",
                name, (long)n, s);
    else if (kind == SS_KIND_UDP)
        ss_tell(SS_K_SEND_DGRAM,
                "%s() handed one datagram of %ld byte%s to the kernel for "
                "the connected peer. UDP never says that it arrived",
                name, (long)n, s);
    else if (kind == SS_KIND_ICMP)
        ss_tell(SS_K_SEND_ICMP,
                "%s() handed one ICMP message of %ld byte%s to the kernel, "
                "which sets its identifier (this socket's) and its "
                "checksum and sends it in an IP packet. Nothing says that "
                "it arrived: an answer comes as a message to receive",
                name, (long)n, s);
    else if (kind == SS_KIND_RAW)
        ss_tell(SS_K_SEND_RAW,
                "%s() handed one packet of %ld byte%s, IP protocol %s, to "
                "the kernel, which puts an IP header in front of it "
                "(unless IP_HDRINCL, or IPPROTO_RAW: then the program "
                "wrote it). A raw socket has no port, and nothing says "
                "that the packet arrived",
                name, (long)n, s, ss_ipproto_text(fd).s);
    else if (kind == SS_KIND_TCP)
        ss_tell(SS_K_SEND,
                "%s() copied %ld byte%s into the kernel's "
                "send buffer and returned; TCP delivers %s later. A "
                "return says nothing about whether the peer has %s",
                name, (long)n, s, n == 1 ? "it" : "them",
                n == 1 ? "it" : "them");
#ifdef MSG_NOSIGNAL
    if (flags & MSG_NOSIGNAL) {
        struct sigaction now;
        int ignored = SS_REAL(sigaction)(SIGPIPE, NULL, &now) == 0 &&
                      now.sa_handler == SIG_IGN;
        ss_tell(SS_K_NOSIGNAL,
                "MSG_NOSIGNAL: if a send fails with EPIPE, the kernel does "
                "not also send SIGPIPE, which by default ends the program%s",
                ignored ? ". This process ignores SIGPIPE already, so "
                          "here it changes nothing"
                        : "");
    }
#endif
    if ((size_t)n < len) {
        snprintf(text, sizeof text,
                 "a short send: only part of the buffer was taken; the "
                 "rest must be sent with another %s()",
                 name);
        ss_wrap(4, 0, "", text, "");
    }
}

/* What one unit of a socket of this kind is called, and what keeps
   its boundaries: "datagram", "UDP". */
static inline const char *ss_unit_name(int kind)
{
    return kind == SS_KIND_USEQ   ? "record"
           : kind == SS_KIND_RAW  ? "packet"
           : kind == SS_KIND_ICMP ? "ICMP message"
                                  : "datagram";
}

/* Why one call returns one whole unit, on a socket of this kind. */
static inline const char *ss_unit_keeper(int kind)
{
    return kind == SS_KIND_USEQ
               ? "a SOCK_SEQPACKET socket keeps the boundaries of what was "
                 "sent"
           : kind == SS_KIND_UDGRAM
               ? "a Unix datagram socket keeps the boundaries of what was "
                 "sent"
           : kind == SS_KIND_RAW || kind == SS_KIND_ICMP
               ? "each call takes one packet, never part of two"
               : "UDP keeps the boundaries of what was sent";
}

/*
 * A datagram (a record, a packet) received by name() (recv, recvfrom,
 * recvmsg, read) into len bytes, n returned, on a socket of this kind.
 * The kernel hands over one per call and keeps no part of it: one that
 * filled the buffer may have been longer, and its rest is then lost,
 * unless MSG_PEEK left it queued. MSG_TRUNC makes the call return the
 * real length, so then n says. from: the sender's address was asked for
 * and has a name (1), has none (0: an unbound Unix socket), or was not
 * asked for (-1).
 */
static inline void ss_dgram_said(int kind, const char *name, ssize_t n,
                                 size_t len, int flags, int from)
{
    char text[400];
    const char *unit = ss_unit_name(kind);
    int peek = 0, trunc = 0;

#ifdef MSG_PEEK
    peek = (flags & MSG_PEEK) != 0;
#endif
#ifdef MSG_TRUNC
    trunc = (flags & MSG_TRUNC) != 0;
#endif
    if (len == 0) {
        snprintf(
            text, sizeof text,
            "a buffer of 0 bytes: %s() took the next %s and %s%s", name, unit,
            peek ? "MSG_PEEK left it queued whole" : "threw all of it away",
            trunc && n > 0 ? " (MSG_TRUNC made it return the real "
                             "length)"
                           : "");
        ss_wrap(4, 0, "", text, "");
    } else if ((size_t)n > len) {
        snprintf(text, sizeof text,
                 "the %s was longer than the buffer (%ld bytes): "
                 "only the first %zu were kept%s (MSG_TRUNC made %s() "
                 "return the real length)",
                 unit, (long)n, len,
                 peek ? ", and MSG_PEEK left it queued whole"
                      : " and the rest is lost",
                 name);
        ss_wrap(4, 0, "", text, "");
    } else if ((size_t)n == len && !trunc) {
        snprintf(text, sizeof text,
                 "the %s filled the buffer, %zu bytes: it may have "
                 "been longer, and %s%s%s. MSG_TRUNC in the flags makes %s() "
                 "return its real length (on Linux)",
                 unit, len,
                 peek ? "MSG_PEEK left it queued whole"
                      : "if it was, its rest is lost: the kernel keeps no "
                        "part of a ",
                 peek ? "" : unit, peek ? "" : " for a later call", name);
        ss_wrap(4, 0, "", text, "");
    } else if (n == 0 && kind == SS_KIND_USEQ) {
        snprintf(text, sizeof text,
                 "%s() returned 0: an empty record, or the end: the peer "
                 "has closed or shut down its sending side (a "
                 "SOCK_SEQPACKET socket says both with 0; after the end "
                 "every later call returns 0 at once)",
                 name);
        ss_wrap(4, 0, "", text, "");
    } else if (n == 0) {
        ss_tell(SS_K_RECV_EMPTY,
                "%s() returned 0: an empty %s, with no data. On a %s "
                "socket 0 is not an end: nothing closes, and the next "
                "call waits for the next one",
                name, unit,
                kind == SS_KIND_UDGRAM ? "Unix datagram"
                : kind == SS_KIND_UDP  ? "UDP"
                                       : "message");
    } else if (from == 1) {
        ss_tell(SS_K_UNIT + 2 * (unsigned)kind,
                "one %s() returns one whole %s "
                "(here %ld byte%s) and says who sent it: %s",
                name, unit, (long)n, n == 1 ? "" : "s", ss_unit_keeper(kind));
    } else if (from == 0) {
        ss_tell(SS_K_RECVFROM_NONAME,
                "one %s() returns one whole %s (here %ld byte%s). Its "
                "sender has no name (an unbound Unix socket), so this "
                "side cannot answer it",
                name, unit, (long)n, n == 1 ? "" : "s");
    } else {
        ss_tell(SS_K_UNIT + 2 * (unsigned)kind + 1,
                "one %s() on a %s socket returns one whole %s "
                "(here %ld byte%s): %s",
                name,
                kind == SS_KIND_USEQ   ? "SOCK_SEQPACKET"
                : kind == SS_KIND_RAW  ? "raw"
                : kind == SS_KIND_ICMP ? "ICMP"
                                       : "datagram",
                unit, (long)n, n == 1 ? "" : "s", ss_unit_keeper(kind));
    }
    if (n > 0 && kind == SS_KIND_RAW)
        ss_tell(SS_K_RECV_RAW,
                "a raw socket receives whole IP packets: on IPv4 the "
                "bytes begin with the IP header (20 bytes or more), then "
                "the protocol's own");
    else if (n > 0 && kind == SS_KIND_ICMP)
        ss_tell(SS_K_RECV_ICMP,
                "an ICMP socket receives the ICMP message alone (no IP "
                "header), and only the echo replies that carry its identifier");
}

/* What name() (recv, or read on a socket) returning n of len means. */
static inline void ss_received_said(int fd, ssize_t n, size_t len, int flags,
                                    const char *name)
{
    char text[600];
    int st, kind = ss_kind_of(fd), peek = 0;

#ifdef MSG_PEEK
    peek = (flags & MSG_PEEK) != 0;
#endif
    if (n >= 0 && ss_kind_records(kind)) {
        ss_dgram_said(kind, name, n, len, flags, -1);
        return;
    }
    /* cppcheck sees no system header, so no MSG_PEEK: */
    /* cppcheck-suppress knownConditionTrueFalse */
    if (n > 0 && peek && (kind == SS_KIND_USTREAM || kind == SS_KIND_TCP))
        ss_tell(SS_K_PEEK,
                "MSG_PEEK: %s() copied %ld byte%s and left them queued: "
                "the next call that receives returns them again",
                name, (long)n, n == 1 ? "" : "s");
    else if (n > 0 && kind == SS_KIND_USTREAM)
        ss_tell(SS_K_RECV_UNIX,
                "%s() returns whatever has arrived, up "
                "to %zu byte%s: a stream socket keeps no boundaries between "
                "the peer's send()s",
                name, len, len == 1 ? "" : "s");
    else if (n > 0 && kind == SS_KIND_TCP)
        ss_tell(SS_K_RECV,
                "%s() returns whatever has arrived, up to "
                "%zu byte%s: TCP is a stream of bytes, and how the peer "
                "split it into send()s is not kept",
                name, len, len == 1 ? "" : "s");
    if (n != 0 || len == 0 || (kind != SS_KIND_TCP && kind != SS_KIND_USTREAM))
        return;
    if (kind == SS_KIND_USTREAM)
        snprintf(text, sizeof text,
                 "%s() returned 0: the end of the stream. The peer has "
                 "closed its end or shut down its sending side, or this "
                 "side shut down its receiving side. No more bytes will "
                 "come, and every later %s() returns 0 at once: a loop "
                 "must stop here",
                 name, name);
    else if (ss_fin_came(st = ss_tcp_state_of(fd)))
        snprintf(text, sizeof text,
                 "%s() returned 0: the end of the stream. The peer's FIN "
                 "has come (the kernel lists the connection as %s): it "
                 "closed its socket or shut down its sending side, and no "
                 "more bytes will come. A loop must stop here",
                 name, ss_tcp_state(st));
    else
        snprintf(text, sizeof text,
                 "%s() returned 0: the end of the stream. Most often the "
                 "peer has closed its socket or shut down its sending side "
                 "(its FIN arrived), and no more bytes will come: a loop "
                 "must stop here. (0 comes too after a reset that an "
                 "earlier call reported, and, on Linux, after this side's "
                 "shutdown(SHUT_RD) while no byte waits.)",
                 name);
    ss_wrap(4, 0, "", text, "");
    ss_kernel(fd);
}

/* What shutdown(fd, how) did, on a socket of this kind. */
static inline void ss_shutdown_said(int fd, int how, int kind)
{
    if (ss_kind_unix(kind)) {
        char text[512];
        snprintf(
            text, sizeof text,
            "%s on a Unix socket sends no packet (there is no "
            "network, and no FIN): %s%s%s",
            ss_name_of(ss_hows, SS_COUNT(ss_hows), how).s,
            how != SHUT_RD ? "this side's send() now fails with EPIPE" : "",
            how == SHUT_RDWR ? "; " : "",
            kind == SS_KIND_UDGRAM
                ? (how != SHUT_WR ? "this side's recv() returns what has come, "
                                    "then 0; the peer is not told"
                                  : ", and the peer is not told")
            : how == SHUT_WR ? ", and the peer's recv() returns 0 once it has "
                               "read what was sent"
            : how == SHUT_RD
                ? "the peer's send() now fails with EPIPE, and this "
                  "side's recv() returns what has come, then 0"
                : "the peer's recv() returns 0 once it has read what "
                  "was sent, its send() fails with EPIPE, and this "
                  "side's recv() returns what has come, then 0");
        ss_wrap(4, 0, "", text, "");
        ss_kernel(fd);
    } else if (kind != SS_KIND_TCP) {
        ; /* a datagram socket's shutdown() sends nothing: no claim */
    } else if (how == SHUT_WR) {
        ss_tell(SS_K_SHUT,
                "shutdown(SHUT_WR) sends a FIN once the data "
                "already sent is out: the peer's recv() returns 0 after it "
                "has read everything. This side can still receive, and fd "
                "%d stays open. shutdown() acts on the connection, "
                "whatever other descriptors (fork(), dup()) refer to it",
                fd);
        ss_kernel(fd);
    } else if (how == SHUT_RDWR) {
        ss_tell(SS_K_SHUT,
                "shutdown(SHUT_RDWR) sends a FIN once the data "
                "already sent is out, and stops receiving: what has "
                "arrived can still be read, but on Linux more data "
                "arriving makes the kernel reset the connection. fd %d "
                "stays open. shutdown() acts on the connection, whatever "
                "other descriptors (fork(), dup()) refer to it",
                fd);
        ss_kernel(fd);
    }
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_KINDS_H */
