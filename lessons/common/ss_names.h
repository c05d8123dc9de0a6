/*
 * ss_names.h - the wrappers for names: getaddrinfo, freeaddrinfo.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_repeat.h
 *        ss_call.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_NAMES_H
#define SS_NAMES_H
#ifndef SOCKSTEP_PLAIN

/* glibc's EAI_ADDRFAMILY is declared only with _GNU_SOURCE. */
#if defined(EAI_ADDRFAMILY)
#define SS_EAI_ADDRFAMILY EAI_ADDRFAMILY
#elif defined(__GLIBC__)
#define SS_EAI_ADDRFAMILY (-9)
#endif

/* clang-format off */
static const struct ss_name ss_eai[] = {
    SS_N(EAI_AGAIN), SS_N(EAI_BADFLAGS), SS_N(EAI_FAIL), SS_N(EAI_FAMILY),
    SS_N(EAI_MEMORY), SS_N(EAI_NONAME), SS_N(EAI_SERVICE),
    SS_N(EAI_SOCKTYPE), SS_N(EAI_SYSTEM),
#ifdef SS_EAI_ADDRFAMILY
    {SS_EAI_ADDRFAMILY, "EAI_ADDRFAMILY"},
#endif
};
static const struct ss_name ss_aiflags[] = {
    SS_N(AI_PASSIVE), SS_N(AI_CANONNAME), SS_N(AI_NUMERICHOST),
    SS_N(AI_NUMERICSERV), SS_N(AI_ADDRCONFIG), SS_N(AI_V4MAPPED),
    SS_N(AI_ALL)};
/* clang-format on */

static inline const char *ss_eai_advice(int rc)
{
    switch (rc) {
    case EAI_NONAME:
        return "likely cause: the name is not in /etc/hosts and DNS does "
               "not know it (or, with AI_ADDRCONFIG, no address of a family "
               "this machine has); try: check the spelling, or give an "
               "address such as 127.0.0.1 or ::1";
    case EAI_AGAIN:
        return "likely cause: the name server could not be reached, or "
               "did not answer in time; try: again, or check the network "
               "and /etc/resolv.conf";
    case EAI_SERVICE:
        return "likely cause: the service name is not in /etc/services "
               "for this socket type; try: a port number";
    case EAI_FAMILY:
        return "likely cause: the address family asked for is not "
               "supported; try: AF_UNSPEC";
#ifdef SS_EAI_ADDRFAMILY
    case SS_EAI_ADDRFAMILY:
        return "likely cause: the address is of a family the hints leave "
               "out: another ai_family, or, with AI_ADDRCONFIG, a family "
               "this machine has no address of (127.0.0.1 and ::1 do not "
               "count); try: an address of the other family";
#endif
    default:
        return NULL;
    }
}

static inline int ss_getaddrinfo(const char *node, const char *service,
                                 const struct addrinfo *hints,
                                 struct addrinfo **res)
{
    struct ss_call c = {.fd = -1};
    struct addrinfo *ai;
    char hint[200] = "NULL", shown_node[80], shown_serv[40];
    int rc, err;

    ss_escape(shown_node, sizeof shown_node, node ? node : "",
              node ? strlen(node) : 0, 1);
    ss_escape(shown_serv, sizeof shown_serv, service ? service : "",
              service ? strlen(service) : 0, 1);
    if (hints != NULL)
        snprintf(
            hint, sizeof hint, "{%.100s, %.30s, %.50s}",
            ss_flags_of(ss_aiflags, SS_COUNT(ss_aiflags), hints->ai_flags).s,
            ss_family_name(hints->ai_family).s,
            hints->ai_socktype ? ss_socktype_name(hints->ai_socktype).s : "0");
    snprintf(c.args, sizeof c.args, "%s%s%s, %s%s%s, %s, &res",
             node ? "\"" : "", node ? shown_node : "NULL", node ? "\"" : "",
             service ? "\"" : "", service ? shown_serv : "NULL",
             service ? "\"" : "", hint);
    ss_pre(&c, "getaddrinfo");
    rc = SS_REAL(getaddrinfo)(node, service, hints, res);
    err = errno;
    if (rc == 0) {
        char line[600];
        int i;
        snprintf(line, sizeof line, "getaddrinfo(%s) = 0", c.args);
        ss_step_done();
        ss_wrap(0, 4, "", line, SS_BOLD);
        for (ai = *res, i = 1; ai != NULL; ai = ai->ai_next, i++) {
            snprintf(line, sizeof line, "[%d] %s %s %s", i,
                     ss_family_name(ai->ai_family).s,
                     ss_socktype_name(ai->ai_socktype).s,
                     ss_addr_len(ai->ai_addr, ai->ai_addrlen).s);
            ss_wrap(4, 4, "", line, "");
        }
        ss_tell(SS_K_GAI,
                "getaddrinfo() made a list of addresses to try, "
                "in the order this machine prefers (see /etc/gai.conf); it "
                "belongs to the program until freeaddrinfo()");
    } else {
        char line[600];
        const char *advice = ss_eai_advice(rc);
        ss_step_done();
        snprintf(line, sizeof line, "getaddrinfo(%s) = %s (%s)", c.args,
                 ss_name_of(ss_eai, SS_COUNT(ss_eai), rc).s, gai_strerror(rc));
        ss_wrap(0, 4, "", line, SS_RED);
        if (advice != NULL)
            ss_wrap(4, 4, "", advice, "");
        if (rc == EAI_SYSTEM)
            ss_wrap(4, 4, "EAI_SYSTEM: errno says why: ", strerror(err), "");
    }
    errno = err;
    return rc;
}

static inline void ss_freeaddrinfo(struct addrinfo *res)
{
    struct ss_call c = {.fd = -1};
    int err = errno;

    snprintf(c.args, sizeof c.args, "res");
    ss_pre(&c, "freeaddrinfo");
    SS_REAL(freeaddrinfo)(res);
    ss_step_done();
    ss_wrap(0, 4, "", "freeaddrinfo(res)", SS_BOLD);
    errno = err;
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_NAMES_H */
