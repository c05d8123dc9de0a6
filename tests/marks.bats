#!/usr/bin/env bats
# scripts/marks: the batch's CSV turned into marks, as the lecturer's
# manual's mark scheme says (docs/manual-class.md): PASS and NOTE earn a
# check's weight, FAIL and NOT RUN none, except a fault check NOT RUN
# beside a first exchange that passed, which is excused.

load test_helper

setup() {
    csvf="$BATS_TEST_TMPDIR/results.csv"
    {
        echo 'submission,kind,passed,failed,not run,exchange,idle,recv-pieces,short-send,eintr,restart,notes'
        echo 'ada,calc.spec,6,0,0,PASS,PASS,PASS,PASS,NOTE,PASS,'
        echo 'brian,calc.spec,4,1,1,PASS,PASS,NOT RUN,FAIL,PASS,PASS,short-send: failed'
        echo 'grace,calc.spec,1,1,4,FAIL,NOT RUN,NOT RUN,NOT RUN,NOT RUN,PASS,exchange: no reply'
    } >"$csvf"
}

@test "marks: a check a point; NOTE earns it; a fault check not run beside a good exchange is excused" {
    run "$PYTHON" "$ROOT/scripts/marks" "$csvf"
    assert_success
    assert_line 'submission,marks,out-of,percent,excused'
    assert_line 'ada,6,6,100,'
    assert_line 'brian,4,5,80,recv-pieces'
    # the exchange failed: what did not run after it counts as failed
    assert_line 'grace,1,6,17,'
}

@test "marks: --weights weighs checks, 0 leaves one out; a check the CSV lacks is refused" {
    printf '# the exchange is most of it\nexchange 5\nrestart 0\n' >"$BATS_TEST_TMPDIR/w"
    run "$PYTHON" "$ROOT/scripts/marks" --weights "$BATS_TEST_TMPDIR/w" "$csvf"
    assert_success
    assert_line 'ada,9,9,100,'
    assert_line 'brian,7,8,88,recv-pieces'
    assert_line 'grace,0,9,0,'
    printf 'exchnage 5\n' >"$BATS_TEST_TMPDIR/w"
    run "$PYTHON" "$ROOT/scripts/marks" --weights "$BATS_TEST_TMPDIR/w" "$csvf"
    assert_failure 2
    assert_output 'scripts/marks: --weights names no check of this CSV: exchnage'
}

@test "marks: a file that is not the batch's CSV, or no file, is one line and status 2" {
    printf 'a,b\n1,2\n' >"$BATS_TEST_TMPDIR/other.csv"
    run "$PYTHON" "$ROOT/scripts/marks" "$BATS_TEST_TMPDIR/other.csv"
    assert_failure 2
    assert_output --partial 'not a CSV of scripts/check --batch'
    run "$PYTHON" "$ROOT/scripts/marks"
    assert_failure 2
    [ "${#lines[@]}" -eq 1 ]
}
