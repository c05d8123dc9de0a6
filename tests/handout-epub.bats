#!/usr/bin/env bats
# The handout's EPUB: it holds the diagrams, the listings and the
# transcripts, and epubcheck passes it. It reads the real tree's build, as
# handout.bats does, and runs beside it and beside handout-screen.bats.
# epubcheck, a JVM, is the slowest single check of the book, and the EPUB
# changes only with the book: make test-all runs it (CI), make test not.

# epubcheck may take long on a loaded machine: bats' own per-test limit
# is raised as for the screen checks.
: "${BATS_TEST_TIMEOUT:=$((150 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load handout_helper

setup_file() {
    build_real_handout "$BATS_FILE_TMPDIR/make.log" || return 1
}

# epubcheck: Debian installs it as a symbolic link to the jar, which runs
# directly only where binfmt_misc knows jars. Through java, with only the
# JIT compiler that starts fast and one garbage collector thread: a single
# short run, which by default spent 12 s of CPU on one core's worth of
# work (5 s so).
epubcheck_run() {
    local jar
    jar=$(readlink -f "$(command -v epubcheck)")
    if [[ "$jar" == *.jar ]] && command -v java >/dev/null; then
        "${HANDOUT_FIRST[@]}" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
            -jar "$jar" "$@"
    else
        epubcheck "$@"
    fi
}

@test "handout: the EPUB holds the diagrams, the listings and the transcripts" {
    # (python3 reads the zip: unzip is not among the dependencies)
    run "$PYTHON" "$PEERS/epub-contents.py" "$ROOT/build/handout.epub"
    echo "$output"
    assert_success
}

@test "handout: the PDF, the HTML and the EPUB number their sections the same" {
    # A reader who goes from one edition to another finds section 4.4 as
    # 4.4 in each; the tools appendix's notes on the lesson programs, which only
    # the screen prints, are no numbered section in any edition.
    run "$PYTHON" "$PEERS/section-numbers.py" "$ROOT/build/handout/handout.toc" \
        "$ROOT/build/handout.html" "$ROOT/build/handout.epub"
    echo "$output"
    assert_success
    assert_output --regexp '^[0-9]+ numbered sections in the PDF$'
}

@test "handout: the EPUB passes epubcheck (make test-all)" {
    all_only || skip "epubcheck, a JVM: make test-all runs it"
    command -v epubcheck >/dev/null || skip "no epubcheck (./install-deps installs it)"
    run epubcheck_run "$ROOT/build/handout.epub"
    echo "$output" | tail -n 20
    assert_success
    assert_output --partial 'No errors or warnings detected'
}

@test "handout: the lecturer's manual's EPUB passes epubcheck" {
    has_manual
    command -v epubcheck >/dev/null || skip "no epubcheck (./install-deps installs it)"
    run epubcheck_run "$ROOT/build/lecturers.epub"
    echo "$output" | tail -n 20
    assert_success
    assert_output --partial 'No errors or warnings detected'
}
