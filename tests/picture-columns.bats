#!/usr/bin/env bats
# shellcheck disable=SC2153 # ROOT and PYTHON come from test_helper
# docs/picture-columns.py on charts kept from real runs, whose layout a
# run decides: which lane's call comes just before a packet is the
# order the two programs happened to run in. The book's own pictures
# are checked in handout.bats, for the run the build made; these are
# layouts that a run once made and the book's test found wrong.
load test_helper

# excerpt NAME FROM TO: the excerpt for paper of tests/charts/NAME.svg,
# from the text that starts with FROM to the one that starts with TO, as
# the book's image of it would ask, in $BATS_TEST_TMPDIR/NAME.svg.
excerpt() {
    local d=$BATS_TEST_TMPDIR
    printf '![a run](picture:%s){paper-from='\''%s'\'' paper-to='\''%s'\''}\n' \
        "$1" "$2" "$3" >"$d/doc.md"
    "$PYTHON" "$ROOT/docs/picture-columns.py" --excerpt "$1" \
        "$ROOT/tests/charts/$1.svg" "$d/$1.svg" "$d/doc.md"
}

@test "picture-columns: a dropped packet's time, just below the other lane's box, touches no line" {
    # A run of 08 and 09 in which the receiver's recvfrom() returned just
    # before the sender's dropped datagram: the box of that call ends
    # 6 px above the packet's row, over the time set beside the cross.
    excerpt dropped-below-a-box 'sendto(3, "three"' 'recvfrom(3, "six"'
    run "$PYTHON" "$ROOT/tests/peers/picture-text-room.py" \
        "$BATS_TEST_TMPDIR/dropped-below-a-box.svg"
    echo "$output"
    assert_success
    # The time is there, in the excerpt's larger type.
    grep -q '59.577 ms' "$BATS_TEST_TMPDIR/dropped-below-a-box.svg"
}

@test "picture-columns: a paper-from of alternatives starts at whichever came first" {
    # A run of the plain echo pair in which the server's accept()
    # returned before the client's send() was called: the excerpt of
    # 'accept(3, NULL, NULL) =|send(3, "hello' starts at accept()'s
    # result, whichever order the alternatives are given in; one of
    # send() alone leaves accept()'s result out.
    local d=$BATS_TEST_TMPDIR c=echo-accept-first
    excerpt $c 'accept(3, NULL, NULL) =|send(3, "hello' 'FIN-ACK'
    grep -q 'accept(3, NULL, NULL) = 4' "$d/$c.svg"
    grep -q 'send(3, "hello, server",' "$d/$c.svg"
    cp "$d/$c.svg" "$d/first.svg"
    excerpt $c 'send(3, "hello|accept(3, NULL, NULL) =' 'FIN-ACK'
    cmp "$d/first.svg" "$d/$c.svg"
    excerpt $c 'send(3, "hello' 'FIN-ACK'
    run grep -c 'accept(3, NULL, NULL) = 4' "$d/$c.svg"
    assert_output 0
}
