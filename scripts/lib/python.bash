# scripts/lib/python.bash - the one Python interpreter the tests and
# docs/runs.sh start their peers with, as an absolute path, found once.
# Sourced by tests/run, tests/test_helper.bash and docs/runs.sh.
#
# ss_find_python: sets and exports PYTHON, unless it is set already (set
# it yourself to test with another interpreter). The choice:
#   1. /usr/bin/python3, the Debian interpreter that install-deps installs;
#   2. else the python3 on PATH, resolved once to the program it runs.
# Why not simply the python3 on PATH: it may be a version manager's shim
# (a shell script that looks up the interpreter on every start: 0.4 s a
# start, 2 to 3 s on a busy machine), and even the interpreter it finds
# may load hooks from its site-packages at every start. On one of our
# machines 10 starts of `-c pass` took 0.39 s with pyenv's interpreter
# and 0.10 s with /usr/bin/python3, and the suite starts Python hundreds
# of times. The peers need only Python's standard library.
ss_find_python() {
    if [[ -n "${PYTHON:-}" ]]; then
        export PYTHON
        return 0
    fi
    if [[ -x /usr/bin/python3 ]]; then
        PYTHON=/usr/bin/python3
    elif command -v python3 >/dev/null; then
        PYTHON=$(python3 -c 'import sys; print(sys.executable)') || return 1
    else
        return 1
    fi
    export PYTHON
}
