#!/usr/bin/env bats
# Lesson 16: HTTP, a server that curl and Chromium use, and a client

# PORT, BG_PID and EXIT_STATUS are set by test_helper.
# SC2016: the scripts given to in_netns are expanded by the bash inside it.
# shellcheck disable=SC2153,SC2016
# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

SITE="$ROOT/lessons/16-http/site"

# serve [ARGS...]: the lesson's server on the test site (or --root ARGS);
# sets PORT and BG_PID; its output goes to $BATS_TEST_TMPDIR/server.
serve() {
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --root "$SITE" \
        --timeout 10 "$@"
}

# need_netns: skip where a user and network namespace cannot be made.
need_netns() {
    need_unshare -rn
}

# What a script given to in_netns may call: serve_http ADDR starts
# "python3 -m http.server" on ADDR, on a port the kernel chooses, in the
# current directory (its log in hs.log); sets sp (its pid) and port. It
# waits 10 s for the port, times SCALE (test_helper.bash's, passed in).
NETNS_FUNCS='
serve_http() {
    "$PYTHON" -u -m http.server --bind "$1" 0 >hs.log 2>&1 &
    sp=$!
    for i in $(seq $((100 * SCALE))); do
        port=$(sed -n "s/^Serving HTTP on .* port \([0-9]*\) .*/\1/p" hs.log)
        [ -n "$port" ] && return 0
        sleep 0.1
    done
}
'

# in_netns SCRIPT ARGS...: bats' run of bash SCRIPT in a new user and
# network namespace whose only interface, lo, is up: nothing in it can
# reach another machine, and a name lookup cannot leave it.
in_netns() {
    local script="$1"
    shift
    run timeout "$WAIT_LONG" unshare -rn env SCALE="$SCALE" bash -c "ip link set lo up || exit 1
$NETNS_FUNCS
$script" in_netns "$@"
}

# odd_server MODE: a Python HTTP server that answers one request oddly on
# purpose (no Content-Length, a wrong one, a close mid-way ...); sets PORT.
odd_server() {
    start_bg "$BATS_TEST_TMPDIR/odd" "$PYTHON" "$PEERS/odd-http-server.py" "$1"
    wait_ready "$BATS_TEST_TMPDIR/odd"
}

@test "16-http: curl GET gets the page whole, with Content-Length and Content-Type" {
    serve --count 1
    run curl -sS -D "$BATS_TEST_TMPDIR/head" -o "$BATS_TEST_TMPDIR/body" \
        "http://127.0.0.1:$PORT/"
    assert_success
    cmp "$SITE/index.html" "$BATS_TEST_TMPDIR/body"
    run cat "$BATS_TEST_TMPDIR/head"
    assert_line $'HTTP/1.0 200 OK\r'
    assert_line $'Content-Type: text/html; charset=utf-8\r'
    assert_line "Content-Length: $(stat -c %s "$SITE/index.html")"$'\r'
    assert_line $'Connection: close\r'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^127\.0\.0\.1:[0-9]+ "GET / HTTP/1\.1" 200 719$'
    plain && return 0
    assert_line --regexp '^recv\(4, "GET / HTTP/1\.1\\r\\nHost: 127\.0\.0\."\.\.\., 8191, 0\) = [0-9]+$'
    assert_line "shutdown(4, SHUT_WR) = 0"
    assert_line 'recv(4, "", 65536, 0) = 0'
}

@test "16-http: curl HEAD gets the headers and no body" {
    serve --count 1
    run curl -sS -I "http://127.0.0.1:$PORT/style.css"
    assert_success
    assert_line $'HTTP/1.0 200 OK\r'
    assert_line $'Content-Type: text/css\r'
    assert_line $'Content-Length: 105\r'
    refute_output --partial "rgb("
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '"HEAD /style\.css HTTP/1\.1" 200 105$'
}

@test "16-http: Content-Type for html, css, svg, png, pdf, txt, and anything else" {
    local d="$BATS_TEST_TMPDIR/site" f
    mkdir "$d"
    for f in a.html a.css a.svg a.png a.pdf a.txt a.bin noext; do
        echo "$f" >"$d/$f"
    done
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --root "$d" \
        --count 8 --timeout 10
    local args=()
    for f in a.html a.css a.svg a.png a.pdf a.txt a.bin noext; do
        args+=(-o /dev/null "http://127.0.0.1:$PORT/$f")
    done
    run curl -sS -w '%{url_effective}: %{http_code} %{content_type} %{size_download}\n' \
        "${args[@]}"
    assert_success
    local u="http://127.0.0.1:$PORT"
    assert_line "$u/a.html: 200 text/html; charset=utf-8 7"
    assert_line "$u/a.css: 200 text/css 6"
    assert_line "$u/a.svg: 200 image/svg+xml 6"
    assert_line "$u/a.png: 200 image/png 6"
    assert_line "$u/a.pdf: 200 application/pdf 6"
    assert_line "$u/a.txt: 200 text/plain; charset=utf-8 6"
    assert_line "$u/a.bin: 200 application/octet-stream 6"
    assert_line "$u/noext: 200 application/octet-stream 6"
}

@test "16-http: a client that asks for a big file and never reads is given up after --timeout, and the server ends" {
    local site="$BATS_TEST_TMPDIR/site"
    mkdir "$site"
    head -c $((16 << 20)) /dev/zero >"$site/big.bin"
    # The client starts first and asks once the port is known, so that
    # the server's 2 s for its first client are not spent starting Python.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/client" \
        "$PEERS/get-noread.py" '{port}' /big.bin
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --root "$site" \
        --count 1 --timeout 2
    local server=$BG_PID
    # The clock starts once the client is connected and has asked. (It
    # sees no end: the server's FIN waits behind the bytes it never read.)
    wait_until 60 ss_first_line "$BATS_TEST_TMPDIR/client" '^connected$' ||
        fail "the client never connected: $(cat "$BATS_TEST_TMPDIR/client")"
    wait_exit "$server" $((2 + NOREAD_SLACK))
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "send: Resource temporarily unavailable"
    assert_line --regexp '^127\.0\.0\.1:[0-9]+ "GET /big\.bin HTTP/1\.0" 200 \(not sent whole\)$'
}

@test "16-http: curl --path-as-is with ../ and %2e%2e is refused with 403, and nothing outside the root is sent" {
    serve --count 4
    local p
    for p in /../../../../etc/passwd /%2e%2e/%2e%2e/%2e%2e/etc/passwd \
        /.%2E/16-http.bats /sub/%2e%2e; do
        run curl -sS --path-as-is -w '\n%{http_code}\n' "http://127.0.0.1:$PORT$p"
        assert_success
        assert_output $'403 Forbidden\n\n403'
    done
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '"GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1\.1" 403 14$'
    plain && return 0
    assert_said 'the path has a ".." segment, which could climb out of the root: refused before the file system is asked'
}

@test "16-http: a symbolic link that leads out of the root is refused; one inside it is followed" {
    local d="$BATS_TEST_TMPDIR/site"
    mkdir "$d" "$BATS_TEST_TMPDIR/outside"
    echo secret >"$BATS_TEST_TMPDIR/outside/secret.txt"
    echo inside >"$d/real.txt"
    ln -s ../outside/secret.txt "$d/out.txt"
    ln -s ../outside "$d/outdir"
    ln -s real.txt "$d/in.txt"
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --root "$d" \
        --count 3 --timeout 10
    run curl -sS -w ' %{http_code}' "http://127.0.0.1:$PORT/out.txt"
    assert_output "403 Forbidden
 403"
    run curl -sS -w ' %{http_code}' "http://127.0.0.1:$PORT/outdir/secret.txt"
    assert_output "403 Forbidden
 403"
    run curl -sS -w ' %{http_code}' "http://127.0.0.1:$PORT/in.txt"
    assert_output "inside
 200"
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/server"
    assert_said "a symbolic link leads out of the root: refused"
}

@test "16-http: --root / serves a file by its absolute path; .. is still refused" {
    local f
    echo "under the root" >"$BATS_TEST_TMPDIR/page.txt"
    # The URL is the file's real path: the root is /, with no link in it.
    # (A space in TMPDIR's path goes in the URL as %20.)
    f=$(realpath "$BATS_TEST_TMPDIR/page.txt")
    f=${f// /%20}
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --root / \
        --count 2 --timeout 10
    run curl -sS -w ' %{http_code}' "http://127.0.0.1:$PORT$f"
    assert_output "under the root
 200"
    run curl -sS --path-as-is -w ' %{http_code}' \
        "http://127.0.0.1:$PORT/..$f"
    assert_output "403 Forbidden
 403"
    wait_exit "$BG_PID"
    assert_equal "$EXIT_STATUS" 0
    run grep -c 'a symbolic link leads out' "$BATS_TEST_TMPDIR/server"
    assert_output 0
}

@test "16-http: 404 for a missing file, 405 with Allow for POST, 400 for a malformed request" {
    serve --count 6
    run curl -sS -w ' %{http_code}' "http://127.0.0.1:$PORT/missing.html"
    assert_output "404 Not Found
 404"
    run curl -sS -i -d 'a=1' "http://127.0.0.1:$PORT/"
    assert_line $'HTTP/1.0 405 Method Not Allowed\r'
    assert_line $'Allow: GET, HEAD\r'
    run curl -sS -w ' %{http_code}' --path-as-is "http://127.0.0.1:$PORT/%zz"
    assert_output "400 Bad Request
 400"
    run "$PYTHON" "$PEERS/bad-requests.py" "$PORT"
    assert_output $'HTTP/1.0 400 Bad Request\nHTTP/1.0 400 Bad Request\nHTTP/1.0 400 Bad Request'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "16-http: a 100 kB request line gets 414, and curl reads it (no reset)" {
    serve --count 1
    local long
    long=$(head -c 100000 /dev/zero | tr '\0' a)
    run curl -sS -w ' %{http_code}' "http://127.0.0.1:$PORT/$long"
    assert_success
    assert_output "414 URI Too Long
 414"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^127\.0\.0\.1:[0-9]+ "GET /a{95}\.\.\." 414 17$'
    plain && return 0
    assert_said "the request was not read to its end: the answer goes first"
}

@test "16-http: headers larger than 8 KiB get 431" {
    serve --count 1
    run curl -sS -w ' %{http_code}' -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' b)" \
        "http://127.0.0.1:$PORT/"
    assert_success
    assert_output "431 Request Header Fields Too Large
 431"
}

@test "16-http: a request that never ends (curl telnet://) gets 408 after the deadline" {
    # curl starts as soon as the server is ready (tests/after-ready), not
    # after this shell has seen the ready line itself; the server waits 3
    # s for it (a bash and a curl to start on a loaded machine), and the
    # request stays unfinished for longer than that.
    # shellcheck disable=SC2016 # expanded by the inner bash
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/curl" \
        bash -c '(printf "GET / HTTP/1.1\r\nHost: x\r\n"; sleep 4.5) |
        timeout $((15 * ${SOCKSTEP_TEST_SCALE:-1})) curl -sS telnet://127.0.0.1:"$1"' _ '{port}'
    local curl=$PEER_PID
    serve --count 1 --timeout 3
    wait_exit "$curl" 30
    run cat "$BATS_TEST_TMPDIR/curl"
    assert_output --partial "HTTP/1.0 408 Request Timeout"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^127\.0\.0\.1:[0-9]+ "GET / HTTP/1\.1" 408 20$'
}

@test "16-http: a slow client (a byte every 0.3 s) is cut off by the deadline for the whole request (1 s here)" {
    # The client starts before the server (tests/after-ready), so the
    # server's one second is not spent on starting Python.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/slow" \
        "$PEERS/slow-request.py" '{port}'
    local slow=$PEER_PID
    serve --count 1 --timeout 1
    wait_exit "$slow" 60
    run cat "$BATS_TEST_TMPDIR/slow"
    assert_line "HTTP/1.0 408 Request Timeout"
    assert_line "not sooner"
    assert_line "cut off mid-request"
}

@test "16-http: the request line is printed escaped" {
    serve --count 1
    run "$PYTHON" "$PEERS/escaped-request.py" "$PORT"
    assert_output "HTTP/1.0 404 Not Found"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '"GET /\\x1b\]0;owned\\x07\\xff HTTP/1\.0" 404 14$'
    refute_output --partial $'\e'
}

@test "16-http: headless Chromium renders the page, with its stylesheet and its image" {
    command -v chromium >/dev/null || skip "chromium is not installed"
    need_netns
    # Chromium and the server in a namespace of their own: the browser's
    # background requests cannot reach anything.
    # The server waits 60 s for each request: a browser that starts
    # slowly on a busy machine still finds it.
    in_netns '
        "$1" --port 0 --root "$2" --timeout 60 >"$3/server" 2>&1 &
        sp=$!
        while kill -0 $sp 2>/dev/null; do
            port=$(sed -n "s/^listening on 127\.0\.0\.1://p" "$3/server")
            [ -n "$port" ] && break
            sleep 0.1
        done
        HOME=$3 chromium --headless=new --no-sandbox --disable-gpu \
            --no-first-run --disable-background-networking \
            --user-data-dir="$3/chrome" --virtual-time-budget=5000 \
            --dump-dom "http://127.0.0.1:$port/" 2>"$3/chromium.err"
        # (what it served is checked below)
        kill $sp 2>/dev/null
        wait $sp
        true' "$BIN/16-http-server" "$SITE" "$BATS_TEST_TMPDIR"
    assert_success
    [[ "$output" == *"<title>image 3x2, heading rgb(0, 128, 0)</title>"* ]] || {
        # a failure shows what the browser and the server said
        tail -5 "$BATS_TEST_TMPDIR/chromium.err" "$BATS_TEST_TMPDIR/server" >&2
        false
    }
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '"GET / HTTP/1\.1" 200 719$'
    assert_line --regexp '"GET /style\.css HTTP/1\.1" 200 105$'
    assert_line --regexp '"GET /pic\.png HTTP/1\.1" 200 73$'
}

@test "16-http: the server's narrated calls match strace (a GET, a 403, a 414)" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    start_bg "$BATS_TEST_TMPDIR/server" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/16-http-server" --port 0 --root "$SITE" --count 3 --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/server"
    curl -sS -o /dev/null "http://127.0.0.1:$PORT/pic.png"
    curl -sS -o /dev/null --path-as-is "http://127.0.0.1:$PORT/../x"
    curl -sS -o /dev/null "http://127.0.0.1:$PORT/$(head -c 20000 /dev/zero | tr '\0' a)"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    strace_matches "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/trace"
}

@test "16-http: --root that does not exist, or is a file: one line, exit 2; the default root is the lesson's site" {
    cd "$BATS_TEST_TMPDIR"
    run_lesson "$BIN/16-http-server" --port 0 --root nowhere
    assert_failure 2
    assert_output "16-http-server: --root: expected a directory that exists, got 'nowhere' (see --help)"
    echo hi >file.txt
    run_lesson "$BIN/16-http-server" --port 0 --root file.txt
    assert_failure 2
    assert_output "16-http-server: --root: expected a directory that exists, got 'file.txt' (see --help)"
    # The default is relative to where the server runs: not here ...
    run_lesson "$BIN/16-http-server" --port 0
    assert_failure 2
    assert_output "16-http-server: --root: expected a directory that exists, got 'lessons/16-http/site' (see --help)"
    # ... but at the top of the repository.
    cd "$ROOT"
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --count 1 --timeout 10
    curl -sS -o "$BATS_TEST_TMPDIR/got" "http://127.0.0.1:$PORT/style.css"
    cmp "$BATS_TEST_TMPDIR/got" lessons/16-http/site/style.css
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "serving lessons/16-http/site"
}

@test "16-http: no client within --timeout: exits 1; served, then none: exits 0" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/16-http-server" --port 0 --root "$SITE" --timeout 1
    assert_failure 1
    assert_line "no client connected within --timeout 1 s"
    # curl starts first (tests/after-ready) and asks as soon as the port
    # is known: the server's 2 s for its first client are not spent on
    # this shell seeing the ready line and starting curl.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/curl" \
        curl -sS -o /dev/null 'http://127.0.0.1:{port}/'
    local curl=$PEER_PID
    serve --timeout 2
    wait_exit "$curl" 30
    [ "$EXIT_STATUS" -eq 0 ] || fail "curl: $(cat "$BATS_TEST_TMPDIR/curl")"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "no more clients within --timeout 2 s"
}

@test "16-http: the client fetches from python3 -m http.server (IPv4 and IPv6), body and length exact" {
    need_netns
    in_netns '
        cd "$3" && printf "one\ntwo\n" >t.txt
        serve_http "$2"
        host=$2; [ "$host" = ::1 ] && host="[::1]"
        "$1" --url "http://$host:$port/t.txt" --timeout 5
        echo "status $?"
        kill $sp' "$BIN/16-http-client" 127.0.0.1 "$BATS_TEST_TMPDIR"
    assert_success
    assert_line "< HTTP/1.0 200 OK"
    assert_line "< Content-Length: 8"
    assert_line "one"
    assert_line "two"
    assert_line "status 200, body 8 bytes"
    assert_line "status 0"
    in_netns '
        cd "$3" && printf "six\n" >t.txt && rm hs.log
        serve_http "$2"
        "$1" --url "http://[::1]:$port/t.txt" --timeout 5 --output "$3/got"
        echo "status $?"
        kill $sp' "$BIN/16-http-client" ::1 "$BATS_TEST_TMPDIR"
    assert_line "status 200, body 4 bytes"
    assert_line "status 0"
    [ "$(cat "$BATS_TEST_TMPDIR/got")" = six ]
}

@test "16-http: the client against the lesson's server: --output keeps the image's bytes exactly" {
    serve --count 2
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/pic.png" \
        --output "$BATS_TEST_TMPDIR/pic.png"
    assert_success
    assert_line "< Content-Type: image/png"
    assert_line "status 200, body 73 bytes"
    cmp "$SITE/pic.png" "$BATS_TEST_TMPDIR/pic.png"
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/nope"
    assert_success
    assert_line "< HTTP/1.0 404 Not Found"
    assert_line "status 404, body 14 bytes"
}

@test "16-http: --output on a full file system: the write error is said, exit 1" {
    need_unshare -rm
    # A 16 KiB tmpfs in a mount namespace of the test's own, and 200 kB to
    # keep: a write fails with ENOSPC (in fwrite() or at fclose()).
    mkdir -p "$BATS_TEST_TMPDIR/site" "$BATS_TEST_TMPDIR/small"
    head -c 200000 /dev/zero >"$BATS_TEST_TMPDIR/site/big.bin"
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server \
        --root "$BATS_TEST_TMPDIR/site" --count 1 --timeout 10
    # shellcheck disable=SC2016 # expanded by the inner sh
    run timeout "$WAIT_SHORT" unshare -rm sh -c \
        'mount -t tmpfs -o size=16k tmpfs "$1" && exec "$2" --url "$3" --output "$1/out" --timeout 10' \
        sh "$BATS_TEST_TMPDIR/small" "$BIN/16-http-client" \
        "http://127.0.0.1:$PORT/big.bin"
    assert_failure 1
    assert_output --partial "$BATS_TEST_TMPDIR/small/out: No space left on device"
}

@test "16-http: the client's narrated calls match strace" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    serve --count 1
    bare "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" "$BIN/16-http-client" \
        --url "http://127.0.0.1:$PORT/style.css" >"$BATS_TEST_TMPDIR/client"
    strace_matches "$BATS_TEST_TMPDIR/client" "$BATS_TEST_TMPDIR/trace"
    run cat "$BATS_TEST_TMPDIR/client"
    assert_line --regexp '^send\(3, "GET /style\.css HTTP/1\.0\\r\\nHost:"\.\.\., [0-9]+, MSG_NOSIGNAL\) = [0-9]+$'
}

@test "16-http: a response without Content-Length: the body ends at the close" {
    odd_server nolength
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/x" --timeout 5
    assert_success
    assert_line "no length"
    assert_line "ends at the close"
    assert_line "status 200, body 28 bytes"
    if ! plain; then
        assert_said "no Content-Length: the body ends when the server closes the connection"
    fi
    run cat "$BATS_TEST_TMPDIR/odd"
    assert_line "GET /x HTTP/1.0"
}

@test "16-http: a Content-Length larger than what came before the close: reported, exit 1" {
    odd_server longer
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/" --timeout 5
    assert_failure 1
    assert_line "abc"
    assert_line "the server closed the connection after 3 of the 10 bytes of its Content-Length"
}

@test "16-http: bytes past the Content-Length are not part of the body" {
    odd_server shorter
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/" --timeout 5
    assert_success
    assert_line "abc"
    refute_output --partial "defghi"
    assert_line "the server sent 6 bytes more than its Content-Length (3): not part of the body"
    assert_line "status 200, body 3 bytes"
}

@test "16-http: a server that closes in the middle of the headers, or never answers" {
    odd_server headclose
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/" --timeout 5
    assert_failure 1
    assert_line "the server closed the connection before the end of the headers"
    odd_server silent
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/" --timeout 1
    assert_failure 1
    assert_line "no whole answer within --timeout 1 s"
    odd_server notdigits
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/" --timeout 5
    assert_failure 1
    assert_line "a Content-Length that is not one number"
}

@test "16-http: what the server sent is printed escaped, headers and body" {
    odd_server escape
    run_lesson "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/" --timeout 5
    assert_success
    assert_line '< X-Evil: a\x1b]0;t\x07'
    assert_line '\x1b[31mred'
    refute_output --partial $'\e'
}

@test "16-http: a bad --url is refused with exit 2, a CR LF in it too" {
    local u
    for u in ftp://x/ http:// 'http://h:99999/' 'http://h:8x/' \
        $'http://127.0.0.1/a\r\nX-Injected: 1' 'http://[::1/'; do
        run_lesson "$BIN/16-http-client" --url "$u"
        assert_failure 2
        assert_output --regexp "^16-http-client: --url: expected http://HOST\[:PORT\]/PATH, got '.*' \(see --help\)$"
    done
    refute_output --partial $'\r'
}

@test "16-http: the Python client gets the same page from the C server" {
    serve --count 2
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$ROOT/docs/python/16_http.py" \
        --url "http://127.0.0.1:$PORT/style.css"
    assert_success
    assert_line "< HTTP/1.0 200 OK"
    assert_line "h1 { color: rgb(0, 128, 0); }"
    assert_line "body 105 bytes"
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$ROOT/docs/python/16_http.py" \
        --url "http://127.0.0.1:$PORT/pic.png" --output "$BATS_TEST_TMPDIR/p"
    assert_success
    cmp "$SITE/pic.png" "$BATS_TEST_TMPDIR/p"
}

@test "16-http: --help lists --root, --url and --output" {
    run_lesson "$BIN/16-http-server" --help
    assert_success
    assert_output --partial "--root DIR"
    assert_output --partial "within 10 s"
    run_lesson "$BIN/16-http-client" --help
    assert_success
    assert_output --partial "--url URL"
    assert_output --partial "--output FILE"
    refute_output --partial "--port"
}
