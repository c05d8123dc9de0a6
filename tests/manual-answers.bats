#!/usr/bin/env bats
# The lecturer's manual's quiz answers (docs/manual-weeks.md) and its
# second exam paper's (docs/manual-exam.md), each made
# on loopback by tests/peers/manual-answers.py and compared here with what
# the answer says. An answer that names a call's result names the one
# this kernel gives; when Linux changes it, this file fails, and the
# manual must change with it. Ports are the kernel's (bind to port 0).

# The second paper's words are Markdown: its backquotes are meant literally.
# shellcheck disable=SC2016
load test_helper

answer() {
    run timeout "$WAIT_LONG" "$PYTHON" "$PEERS/manual-answers.py" "$@"
    assert_success
}

# paper2 NAME TEXT...: the second paper's answer marked NAME (the
# numbered item of docs/manual-exam.md that holds <!-- answer: NAME -->,
# before its marks line) says each TEXT, so that a value changed there
# and not in the run fails
paper2() {
    local name=$1 item t
    shift
    item=$(awk -v m="<!-- answer: $name -->" '
        /^[0-9]+\. / { if (hit) exit; item = "" }
        /^[0-9]+\. /, 0 { item = item $0 "\n"; if (index($0, m)) hit = 1 }
        END { if (hit) printf "%s", item }' "$ROOT/docs/manual-exam.md")
    [ -n "$item" ] || fail "docs/manual-exam.md marks no answer $name"
    # the answer itself, not its marks line, which repeats the values
    [[ "$item" == *'*Marks:*'* ]] || fail "answer $name has no marks line"
    item=${item%%'*Marks:*'*}
    for t in "$@"; do
        [[ "$(tr '\n' ' ' <<<"$item" | tr -s ' ')" == *"$t"* ]] ||
            fail "the second paper's answer $name does not say: $t"
    done
}

@test "manual-answers: socket() returns the lowest free descriptor" {
    answer lowest-fd
    assert_line "first socket: the lowest free number: True"
    assert_line "second socket: the next: True"
    assert_line "after closing the first, a new socket takes its number: True"
}

@test "manual-answers: htons(8888) is 22 B8; without it, port 47138" {
    answer htons
    assert_line "htons(8888) bytes: 22 B8"
    assert_line "without htons(), port: 47138"
}

@test "manual-answers: a listening port refuses a second bind(), SO_REUSEADDR or not" {
    answer bind-in-use
    assert_line "second bind with SO_REUSEADDR, port listening: EADDRINUSE"
}

@test "manual-answers: a port in TIME_WAIT: bind() needs SO_REUSEADDR" {
    answer time-wait
    assert_line "client recv() after the server closed: b''"
    assert_line "server's end in TIME_WAIT: True"
    assert_line "new bind(), SO_REUSEADDR not set: EADDRINUSE"
    assert_line "new bind(), SO_REUSEADDR set: ok"
}

@test "manual-answers: TIME_WAIT left by a server without SO_REUSEADDR holds the port from both" {
    answer time-wait-old-server
    assert_line "server's end in TIME_WAIT: True"
    assert_line "new bind(), SO_REUSEADDR not set: EADDRINUSE"
    assert_line "new bind(), SO_REUSEADDR set: EADDRINUSE"
}

@test "manual-answers: connect() returns before accept()" {
    answer connect-before-accept
    assert_line "accept() later, then recv(): b'hello\\n'"
}

@test "manual-answers: recv() returns 0 once the peer has closed, and again after" {
    answer recv-zero
    assert_line "first recv(): b'bye\\n'"
    assert_line "recv() after the peer closed: b''"
    assert_line "and again: b''"
}

@test "manual-answers: one send() of 100000 bytes takes many recv() calls" {
    answer pieces
    assert_line "bytes: 100000 recv(1000) calls: True"
}

@test "manual-answers: send() to a peer that closed: the first succeeds, a later one EPIPE" {
    answer send-closed
    assert_line "first send() after the peer closed: ok"
    assert_line "a later send(): EPIPE"
}

@test "manual-answers: that EPIPE kills a C program by SIGPIPE" {
    answer sigpipe
    assert_line "the process: SIGPIPE"
}

@test "manual-answers: connect() to a port nobody listens on: ECONNREFUSED" {
    answer refused
    assert_line "connect() to a port nobody listens on: ECONNREFUSED"
}

@test "manual-answers: a UDP datagram cut short loses its rest" {
    answer udp-truncated
    assert_line "recvmsg(512) of 600 bytes: 512 MSG_TRUNC: True"
    assert_line "the next recv(): b'next'"
}

@test "manual-answers: sendto() of 65507 bytes works, of 65508 EMSGSIZE" {
    answer udp-sizes
    assert_line "sendto() of 65507 bytes: ok"
    assert_line "sendto() of 65508 bytes: EMSGSIZE"
}

@test "manual-answers: an empty datagram arrives as 0 bytes" {
    answer udp-empty
    assert_line "empty datagram: recvfrom() returned 0 bytes, from 127.0.0.1"
}

@test "manual-answers: a connected UDP socket hears ECONNREFUSED on a later call" {
    answer udp-refused
    assert_line "first send() on a connected UDP socket: ok"
    assert_line "a later send(): ECONNREFUSED"
    assert_line "unconnected sendto() twice: ok, ok"
}

@test "manual-answers: a child not waited for is a zombie until waitpid()" {
    answer zombie
    assert_line "a child that ended, not waited for: Z"
    assert_line "after waitpid(), in /proc: False"
}

@test "manual-answers: poll() says POLLIN when a client leaves; recv() then returns 0" {
    answer poll-closed
    assert_line "poll() after the client closed: POLLIN True"
    assert_line "then recv(): b''"
}

@test "manual-answers: a non-blocking connect() says EINPROGRESS; SO_ERROR tells the end" {
    answer nonblocking-connect
    assert_line "non-blocking connect(): EINPROGRESS"
    assert_line "SO_ERROR once writable: 0"
    assert_line "to a closed port, SO_ERROR once writable: ECONNREFUSED"
}

@test "manual-answers: a length of 5 in the wrong byte order reads 83886080" {
    answer length-order
    assert_line "5 sent in little-endian order, read with ntohl(): 83886080"
}

@test "manual-answers: a Unix socket's file outlives it; bind() then fails" {
    answer unix-stale
    assert_line "socket file after close(): True"
    assert_line "bind() to it again: EADDRINUSE"
    assert_line "connect() to it: ECONNREFUSED"
}

@test "manual-answers: recv() past SO_RCVTIMEO fails with EAGAIN" {
    answer rcvtimeo
    assert_line "recv() with SO_RCVTIMEO, nothing sent: EAGAIN"
}

@test "manual-answers: edge-triggered epoll reports 2000 bytes once; the rest waits for EAGAIN" {
    answer edge-trigger
    assert_line "bytes queued at the server: 2000"
    assert_line "edge-triggered epoll_wait(): EPOLLIN True"
    assert_line "one recv(100): 100 bytes"
    assert_line "epoll_wait() again, nothing new sent: no event"
    assert_line "poll(), level-triggered, asked the same: POLLIN True"
    assert_line "read on: 1900 bytes, then EAGAIN"
}

@test "manual-answers: after shutdown(SHUT_WR) the peer reads 0, and can still answer" {
    answer half-close
    assert_line "server reads: b'question\\n' b''"
    assert_line "client still reads: b'answer\\n' b''"
}

@test "manual-answers: an IPv4 client of a dual-stack socket is ::ffff:127.0.0.1" {
    answer dual-stack
    assert_line "an IPv4 client, as accept() gives it: ::ffff:127.0.0.1"
}

@test "manual-answers: a request sent in two pieces: the first recv() gets the first piece only" {
    answer request-pieces
    assert_line "first recv(): b'GET / HTTP/1.0\\r\\n'"
    assert_line "second recv(): b'\\r\\n'"
}

@test "manual-answers: lesson 16's server: get is 405, a path out of its root 403" {
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --count 3 --timeout 30
    answer http-status "$PORT"
    assert_line "get / HTTP/1.0: HTTP/1.0 405 Method Not Allowed"
    assert_line "GET /../../etc/passwd HTTP/1.0: HTTP/1.0 403 Forbidden"
    assert_line "GET / HTTP/1.0: HTTP/1.0 200 OK"
}

@test "manual-answers: lesson 16's server and a client that waits before its empty line: 408" {
    # Each waits for the other until the server's deadline for a whole
    # request (REQUEST_SECS, 10 s; --timeout is more) ends the wait.
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --count 1 --timeout 30
    answer http-deadlock "$PORT"
    assert_line "the client, its empty line not sent, reads: HTTP/1.0 408 Request Timeout"
}

@test "manual-answers, second paper: after close(0), socket() returns 0" {
    answer lowest-fd-zero
    assert_line "after close(0), the first socket: 0"
    assert_line "the second: the lowest free number: True"
    paper2 lowest-fd-zero "0, then 3" "lowest free number"
}

@test "manual-answers, second paper: 0x7F000001 without htonl() is 1.0.0.127, EADDRNOTAVAIL" {
    answer htonl
    assert_line "0x7F000001 without htonl(), bytes: 01 00 00 7F"
    assert_line "read in network order: 1.0.0.127"
    assert_line "bind() to it: EADDRNOTAVAIL"
    paper2 htonl '`1.0.0.127`' '`01 00 00 7F`' '`EADDRNOTAVAIL`'
}

@test "manual-answers, second paper: a connection closed before accept() is still accepted" {
    answer accept-after-close
    assert_line "accept() after the client closed: a socket: True"
    assert_line "first recv(): b'hi\\n'"
    assert_line "second recv(): b''"
    paper2 accept-after-close "returns a new socket" '`hi\n`' "the second returns 0"
}

@test "manual-answers, second paper: recv(4) of hello\\n: 4, 2, then it waits" {
    answer recv-small
    assert_line "recv(4): b'hell'"
    assert_line "recv(4) again: b'o\\n'"
    assert_line "a third recv(), the client still open: waits"
    paper2 recv-small '4 (`hell`), then 2 (`o\n`); the third waits'
}

@test "manual-answers, second paper: the client closes first: TIME_WAIT is the client's" {
    answer client-closes-first
    assert_line "client's end in TIME_WAIT: True"
    assert_line "server's port, sockets left: 0"
    assert_line "new bind(), SO_REUSEADDR not set: ok"
    assert_line "the client's port, bind() again: EADDRINUSE"
    paper2 client-closes-first "The client's" "(b) 0, success" \
        '(c) `-1`, `EADDRINUSE`'
}

@test "manual-answers, second paper: UDP to nobody: sendto() 5, recvfrom() waits, connected ECONNREFUSED" {
    answer udp-nobody
    assert_line "sendto() of 5 bytes, nobody there, returns: 5"
    assert_line "connected socket, then recv(): ECONNREFUSED"
    assert_line "unconnected socket, recvfrom(): EAGAIN"
    paper2 udp-nobody "5, the bytes sent" "(b) It waits" '(c) `-1`, `ECONNREFUSED`'
}

@test "manual-answers, second paper: IPV6_V6ONLY 0 on :: holds the IPv4 port" {
    answer dual-stack-bind
    assert_line "IPV6_V6ONLY 0 on ::, then bind() of 0.0.0.0 to its port: EADDRINUSE"
    assert_line "IPV6_V6ONLY 1 on ::, then bind() of 0.0.0.0 to its port: ok"
    paper2 dual-stack-bind '`-1`, `EADDRINUSE`' '`IPV6_V6ONLY` to 1'
}

@test "manual-answers, second paper: the parent's copy of conn holds the connection open" {
    answer fork-parent-holds
    assert_line "client reads: b'bye\\n'"
    assert_line "then, the parent's copy open: waits"
    assert_line "once the parent closes it: b''"
    paper2 fork-parent-holds '`bye\n`' "The second waits" \
        "returns 0 only once the parent closes its copy"
}

@test "manual-answers, second paper: a blocking send() of 100 MiB to a client that reads nothing blocks" {
    answer send-blocks
    assert_line "send() of 100 MiB, nobody reading: blocks, after less than 100 MiB"
    paper2 send-blocks "It blocks" "long before 100 MiB"
}

@test "manual-answers, second paper: two framed messages come in one recv()" {
    answer two-messages
    assert_line "one recv(100) once both have come: b'\\x00\\x00\\x00\\x02hi\\x00\\x00\\x00\\x05there'"
    paper2 two-messages "All 15 bytes at once" '`00 00 00 02 h i 00 00 00 05 t h e r e`'
}

@test "manual-answers, second paper: lesson 16's server: a missing file is 404, in HTTP/1.0 either way" {
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --count 2 --timeout 30
    answer http-missing "$PORT"
    assert_line "HTTP/1.0 request: HTTP/1.0 404 Not Found"
    assert_line "HTTP/1.0 request: Content-Length is the body's size, then the end: True"
    assert_line "HTTP/1.1 request: HTTP/1.0 404 Not Found"
    assert_line "HTTP/1.1 request: Content-Length is the body's size, then the end: True"
    paper2 http-missing '`HTTP/1.0 404 Not Found`. (b)' '`Content-Length`' \
        "returns 0" '(c) `HTTP/1.0 404 Not Found` again'
}

@test "manual-answers: every answer the manual marks <!-- answer: name --> is made by a test here" {
    local names name missing=()
    # the mark is a comment, which no format prints; no answer is left
    # with a name in brackets, which the PDF would
    names=$(grep -ohP '<!-- answer: \K[a-z0-9-]+(?= -->)' \
        "$ROOT/docs/manual-weeks.md" "$ROOT/docs/manual-exam.md" | sort -u)
    run grep -nP '(?<![\]!])\[[a-z0-9]+(-[a-z0-9]+)*\](?![(\[{])' \
        "$ROOT/docs/manual-weeks.md" "$ROOT/docs/manual-exam.md"
    assert_output ""
    # the manual's quizzes name more than twenty answers
    [ "$(wc -l <<<"$names")" -ge 20 ]
    for name in $names; do
        grep -q "^    answer $name\\b" "$BATS_TEST_FILENAME" || missing+=("$name")
    done
    [ "${#missing[@]}" -eq 0 ] || {
        echo "no test makes these answers: ${missing[*]}" >&2
        return 1
    }
}

# paper_marks FILE: the marks of each question of the exam paper that
# runs from {#exam} or {#exam-2} to the end of FILE, one a line, in order
paper_marks() {
    sed -n '/{#exam\(-2\)\?}/,$p' "$1" | grep -oP '\(\K[0-9]+(?= marks\)$)'
}

@test "manual-answers: the model paper's marks add up to the total it states" {
    local paper total sum
    # the paper: from its heading to the end of docs/manual-weeks.md
    paper=$(sed -n '/{#exam}/,$p' "$ROOT/docs/manual-weeks.md")
    total=$(grep -oP '^[A-Za-z ]+; \K[0-9]+(?= marks\.)' <<<"$paper")
    [ -n "$total" ]
    # each question ends its line with "(N marks)"
    sum=$(($(grep -oP '\(\K[0-9]+(?= marks\)$)' <<<"$paper" | paste -sd+)))
    [ "$(grep -c ' marks)$' <<<"$paper")" -ge 10 ]
    [ "$sum" -eq "$total" ] || {
        echo "the questions' marks add up to $sum, not $total" >&2
        return 1
    }
}

@test "manual-answers: the second paper keeps the model's blueprint: as many questions, each of the same marks, and the same total" {
    local model second total
    model=$(paper_marks "$ROOT/docs/manual-weeks.md")
    second=$(paper_marks "$ROOT/docs/manual-exam.md")
    [ "$(wc -l <<<"$model")" -ge 10 ]
    [ "$second" = "$model" ] || {
        echo "the model's marks: $(paste -sd' ' <<<"$model")" >&2
        echo "the second paper's: $(paste -sd' ' <<<"$second")" >&2
        return 1
    }
    total=$(grep -oP '^One hour; \K[0-9]+(?= marks\.)' "$ROOT/docs/manual-exam.md")
    [ "$total" -eq "$(($(paste -sd+ <<<"$second")))" ]
    # and every question has its answer, numbered as it is
    [ "$(grep -cP '^\*\*[0-9]+\.\*\*' "$ROOT/docs/manual-exam.md")" -eq \
        "$(wc -l <<<"$second")" ]
    [ "$(grep -cP '^[0-9]+\. ' "$ROOT/docs/manual-exam.md")" -eq \
        "$(wc -l <<<"$second")" ]
}

@test "manual-answers: the manual names no test file: it says what holds (docs/README.md says which test holds it)" {
    local f hits=()
    for f in lecturers.md manual-weeks.md manual-exam.md manual-operations.md \
        manual-assignments.md manual-class.md manual-grading.md building.md; do
        while IFS= read -r line; do
            hits+=("docs/$f:$line")
        done < <(grep -nE 'tests/[a-z0-9-]+\.bats|tests/run\b|tests/peers/' "$ROOT/docs/$f")
    done
    [ "${#hits[@]}" -eq 0 ] || {
        printf '%s\n' "${hits[@]}" >&2
        return 1
    }
}
