# docs/drain-story.awk: does a run of lesson 20's server with --edge fit
# what the chapter (docs/lessons/20-epoll.md, "Edge-triggered, the
# drain") says of it? Its input: the run from the epoll_ctl() that adds
# the client, its lines indented or not (docs/runs.sh reads the run's
# file, tests/handout.bats the transcript the PDF prints). It prints
# "ok", or what does not fit.
#
# The chapter's claims, which hold in every run that fits:
# - the 10001 bytes come in one EPOLLIN event, read in pieces;
# - the drain ends with recv() = -1 EAGAIN (the FIN has not come: it
#   comes as a later event, whose recv() returns 0), or with recv() = 0
#   (the FIN came first);
# - an event without EPOLLIN (EPOLLOUT alone) may come before the bytes:
#   its recv() fails with EAGAIN.
/^ *epoll_wait\(/ { evn++; ev = ""; next }
/^ *ready: .*fd=5, / { ev = $0; next }
/^ *recv\(5, / {
    if ($0 ~ /= -1 EAGAIN/) n = "EAGAIN"
    else if ($0 ~ /= [0-9]+$/) n = $NF
    else { bad = bad "; " $0; next }
    if (ev !~ /EPOLLIN/) {
        if (n != "EAGAIN") bad = bad "; recv() = " n " without EPOLLIN"
    } else if (n != "EAGAIN" && n > 0) {
        if (ended != "" || (dataev && dataev != evn))
            bad = bad "; bytes in a second event"
        dataev = evn
        got += n
    } else if (got == 10001 && ended == "" && evn == dataev) {
        ended = n
    } else if (n == 0 && ended == "EAGAIN" && evn != dataev && !fin) {
        fin = 1
    } else {
        bad = bad "; recv() = " n " after " got " bytes"
    }
}
END {
    if (got != 10001) bad = bad "; " got " of 10001 bytes read"
    else if (ended == "") bad = bad "; the drain did not end"
    else if (ended == "EAGAIN" && !fin) bad = bad "; no recv() = 0 after"
    print(bad == "" ? "ok" : substr(bad, 3))
}
