"""The source check (--source FILE): what reading the program's own files
shows, which no peer can see from outside: a socket call whose result is
never looked at, what gcc -Wall says, a port set without htons(), a
scanf() %s without a width, a whole buffer sent for the text in it, a
failure printed and gone past, argv read with argc never looked at, an
address length never set, a Python send() whose count is dropped.

C files are read by gcc (-fsyntax-only) and clang-tidy (its
bugprone-unused-return-value check, told which calls to watch); Python
files by the ast module. Nothing is run: a finding is a line of the
file and what it means. The files are the student's: every line of
them that is printed goes through shown() (no control bytes)."""

import ast
import os
import re
import shutil
import subprocess

from .checks import Check
from .words import and_list, plural, printable

# Calls whose result says whether (or how much of) what was asked
# happened: a program that drops it goes on as if it had. close() is
# left out: on Linux its descriptor is gone whatever it returns.
WATCHED = {
    "socket": "socket() returns the new socket's descriptor, or -1: "
              "dropped, the socket can be neither used nor closed",
    "bind": "when bind() fails (the port is taken: EADDRINUSE), the "
            "program goes on without its port",
    "listen": "when listen() fails, no client can connect",
    "accept": "accept() returns the connection's descriptor, or -1: "
              "dropped, that client is never served nor closed",
    "connect": "when connect() fails (refused, unreachable), the program "
               "goes on with an unconnected socket",
    "send": "send() returns how many bytes it took, which can be fewer "
            "than asked, or -1",
    "write": "write() returns how many bytes it took, which can be fewer "
             "than asked, or -1",
    "sendto": "sendto() returns -1 when the datagram was not sent",
    "recv": "recv() returns how many bytes came: 0 when the peer has "
            "closed, -1 on an error",
    "read": "read() returns how many bytes came: 0 at the end, -1 on an "
            "error",
    "recvfrom": "recvfrom() returns how many bytes came, or -1",
    "inet_pton": "inet_pton() returns 0 for an address it cannot read, "
                 "and leaves the address unset",
    "scanf": "scanf() returns how many items it read, or EOF at the end "
             "of input: dropped, the program goes on with a buffer it never "
             "filled",
    "fscanf": "fscanf() returns how many items it read, or EOF at the end "
              "of input: dropped, the program goes on with a buffer it "
              "never filled",
    "fgets": "fgets() returns NULL at the end of input: dropped, the "
             "program goes on with a buffer it never filled (or the last "
             "line again)",
    "fork": "fork() returns 0 in the child, the child's pid in the "
            "parent and -1 when it failed: dropped, both processes run "
            "the same code",
    "select": "select() returns how many descriptors are ready, or -1 "
              "(EINTR): after -1 its sets say nothing",
    "poll": "poll() returns how many descriptors are ready, or -1 "
            "(EINTR): after -1 its revents say nothing",
}

# gcc -Wall warnings that are about style, not what the program does
QUIET = ("-Wunused-variable", "-Wunused-parameter", "-Wunused-function",
         "-Wunused-label", "-Wunused-value", "-Wsign-compare",
         "-Wmisleading-indentation", "-Wparentheses", "-Wpointer-sign")

# warnings that GCC 14 turned into errors: this file will not build there
GCC14_ERRORS = ("-Wincompatible-pointer-types", "-Wint-conversion",
                "-Wimplicit-function-declaration", "-Wimplicit-int",
                "-Wreturn-mismatch")

TIMEOUT = 60  # seconds for one tool on one file

# a finding that is a NOTE, not a failure: the restart check (with --port)
# is what shows whether it matters
REUSE = ("a TCP server that never sets SO_REUSEADDR: when it closes a "
         "connection first, or is stopped while a client is connected, "
         "starting it again on the same port fails (EADDRINUSE) while that "
         "connection is in TIME_WAIT (60 s on Linux)")


def strip_c(text):
    """The C text with comments and the insides of string and character
    literals blanked (newlines kept, so line numbers hold)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def gcc_findings(path):
    """gcc -Wall -Wformat-security on one file: [(line, words)]."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None
    try:
        p = subprocess.run(
            [cc, "-fsyntax-only", "-Wall", "-Wformat-security",
             "-fdiagnostics-plain-output", "-fno-diagnostics-show-caret",
             "-I", os.path.dirname(os.path.abspath(path)), path],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT,
            env=dict(os.environ, LC_ALL="C"))
    except subprocess.TimeoutExpired:
        return [(0, "gcc took more than %d s on it: not read" % TIMEOUT)]
    found = []
    for ln in p.stderr.decode("utf-8", "replace").splitlines():
        m = re.match(r"[^:]*:(\d+):\d+: (warning|error): (.*)", ln)
        if not m:
            continue
        what = m.group(3)
        flag = re.search(r" \[(-W[^\]=]+)[^\]]*\]$", what)
        flag = flag.group(1) if flag else ""
        if flag in QUIET:
            continue
        words = "gcc says: %s" % what
        if m.group(2) == "error":
            words = "gcc cannot compile it: %s" % what
        elif flag in GCC14_ERRORS:
            words += " (GCC 14 refuses this: an error there, not a warning)"
        found.append((int(m.group(1)), words))
    return found


def tidy_findings(path, text):
    """Calls of WATCHED whose result is dropped (clang-tidy's
    bugprone-unused-return-value): [(line, words)], or None without
    clang-tidy."""
    tidy = shutil.which("clang-tidy")
    if tidy is None:
        return None
    config = ("{CheckOptions: [{key: bugprone-unused-return-value."
              "CheckedFunctions, value: '%s'}]}"
              % ";".join("::" + f for f in sorted(WATCHED)))
    try:
        p = subprocess.run(
            [tidy, "--quiet", "-checks=-*,bugprone-unused-return-value",
             "-config=" + config, path, "--", "-std=gnu11", "-w",
             "-I", os.path.dirname(os.path.abspath(path))],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT,
            env=dict(os.environ, LC_ALL="C"))
    except subprocess.TimeoutExpired:
        return [(0, "clang-tidy took more than %d s on it: not read"
                 % TIMEOUT)]
    lines = text.splitlines()
    found = []
    for ln in p.stdout.decode("utf-8", "replace").splitlines():
        m = re.match(r"(.*):(\d+):(\d+): warning: .*"
                     r"\[bugprone-unused-return-value\]$", ln)
        if not m or os.path.abspath(m.group(1)) != os.path.abspath(path):
            continue
        row, col = int(m.group(2)), int(m.group(3))
        src = lines[row - 1] if row <= len(lines) else ""
        call = re.match(r"\s*(?:::)?([A-Za-z_]\w*)\s*\(",
                        src[col - 1:] if col >= 1 else "")
        if not call or call.group(1) not in WATCHED:
            continue
        name = call.group(1)
        found.append((row, "the result of %s() is dropped: %s. Look at "
                      "it." % (name, WATCHED[name])))
    return found


PORT_SET = re.compile(r"\bsin6?_port\s*=(?!=)\s*([^;]+);")
SCANF = re.compile(r"\b(f?scanf)\s*\(")


KEPT = re.compile(r"\b([A-Za-z_]\w*)\s*=\s*(socket|accept4?)\s*\(")
COMPARED = r"(\b%s\s*[<>=!]=?\s*-?\s*[01]\b|\b-?\s*[01]\s*[<>=!]=?\s*%s\b)"
UNCOMPARED = {
    "socket": "when socket() fails, every later call on it fails too",
    "accept": "when accept() fails (EINTR, EMFILE), the program goes on "
              "with -1 as a client",
}
UNCOMPARED["accept4"] = UNCOMPARED["accept"]


COUNTED = re.compile(r"\b([A-Za-z_]\w*)\s*=\s*(recv|recvfrom|read)\s*\(")


def counts_unchecked(code):
    """A count kept from recv(), recvfrom() or read() that is never
    compared with anything: -1 (an error) and 0 (the end) are used as
    counts of bytes."""
    found, said = [], set()
    for m in COUNTED.finditer(code):
        var, call = m.groups()
        if var in said:
            continue
        close = matching_paren(code, m.end() - 1)
        if close < 0 or re.match(r"\s*\)*\s*[<>=!]=?", code[close + 1:]):
            continue  # while ((n = recv(...)) > 0)
        # in the function it is in: from the "}" that ends the one before
        start = code.rfind("\n}", 0, m.start()) + 1
        end = code.find("\n}", m.end())
        body = code[start:end if end >= 0 else len(code)]
        if re.search(r"\b%s\s*(?:[<>]=?|[=!]=)|(?:[<>]=?|[=!]=)\s*%s\b|"
                     r"!\s*%s\b|\b(?:if|while)\s*\(\s*%s\s*\)"
                     % ((re.escape(var),) * 4), body):
            continue
        said.add(var)
        found.append((line_of(code, m.start()),
                      "%s holds what %s() returned and is never compared "
                      "with anything: when it is -1 (an error) or 0 (the "
                      "peer has gone), the program goes on as if %s bytes "
                      "had come" % (var, call, var)))
    return found


def matching_paren(code, at):
    """The index of the ")" that closes the "(" at code[at], or -1."""
    depth = 0
    for i in range(at, len(code)):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def uncompared(code):
    """A descriptor kept from socket() or accept() that is never compared
    with -1 or 0: [(line, words)]."""
    found = []
    for m in KEPT.finditer(code):
        var, call = m.groups()
        close = matching_paren(code, m.end() - 1)
        if close < 0 or re.match(r"\s*\)*\s*[<>=!]=?\s*-?\s*[01]\b",
                                 code[close + 1:]):
            continue  # if ((fd = accept(...)) < 0)
        if re.search(COMPARED % (re.escape(var), re.escape(var)), code):
            continue
        found.append((line_of(code, m.start()),
                      "%s holds what %s() returned and is never compared "
                      "with -1: %s" % (var, call, UNCOMPARED[call])))
    return found


CHAR_DECL = re.compile(r"\b(?:unsigned\s+|signed\s+)?char\s+"
                       r"([^;(){}]*(?:\{[^;(){}]*\}[^;(){}]*)*);")
FILL = re.compile(r"(?:\b([A-Za-z_]\w*)\s*=\s*)?\b(recv|read|recvfrom)\s*\(")
AS_STRING = re.compile(r"\b(puts|fputs|strlen|strcmp|strcpy|strcat|strstr|"
                       r"strchr|strrchr|strdup|atoi|atol|strtol)\s*\(")
PRINTF = re.compile(r"\b(printf|fprintf|sprintf|snprintf|dprintf)\s*\(")


def squeeze(expr):
    return re.sub(r"\s+", "", expr)


def arguments(code, open_at):
    """The top-level arguments of the call whose "(" is at open_at, and
    the index of its ")" (-1 if it is never closed)."""
    close = matching_paren(code, open_at)
    if close < 0:
        return [], -1
    args, depth, start = [], 0, open_at + 1
    for i in range(open_at + 1, close):
        if code[i] in "([{":
            depth += 1
        elif code[i] in ")]}":
            depth -= 1
        elif code[i] == "," and depth == 0:
            args.append(code[start:i].strip())
            start = i + 1
    args.append(code[start:close].strip())
    return args, close


def used_as_string(text, code, name, start):
    """Is the array name read as a C string after code[start]: an
    argument of strlen(), puts()..., or of a printf() whose format has a
    plain %s?"""
    for m in AS_STRING.finditer(code, start):
        args, _ = arguments(code, m.end() - 1)
        if any(re.fullmatch(r"&?\s*%s" % re.escape(name), a) for a in args):
            return True
    for m in PRINTF.finditer(code, start):
        args, close = arguments(code, m.end() - 1)
        fmt = next((i for i, a in enumerate(args) if a.startswith('"')),
                   None)
        if fmt is None:
            continue
        at = code.index('"', m.end())
        literal = text[at + 1:code.index('"', at + 1)]
        if re.search(r"%[-+ #0]*\d*s", literal) and \
                any(re.fullmatch(re.escape(name), a) for a in args[fmt + 1:]):
            return True
    return False


def char_arrays(code):
    """The char arrays code declares: {name: its size, squeezed}."""
    arrays = {}
    for m in CHAR_DECL.finditer(code):
        for a in re.finditer(r"\b([A-Za-z_]\w*)\s*\[\s*([^\]]+?)\s*\]",
                             m.group(1)):
            arrays[a.group(1)] = squeeze(a.group(2))
    return arrays


def whole_array(args, arrays):
    """The array a call's second argument names when its third is that
    array's whole size (its length, or sizeof it); else None."""
    buf = re.sub(r"^\(\s*(char|void)\s*\*\s*\)|^&", "", args[1]).strip()
    size = squeeze(args[2])
    if buf not in arrays or size not in (
            arrays[buf], "sizeof(%s)" % buf, "sizeof" + buf):
        return None
    return buf


def full_buffers(text, code):
    """A char array that recv(), read() or recvfrom() may fill to its
    last byte, then read as a string with no '\\0' after the data, or
    ended with buf[n] = '\\0' one byte past: [(line, words)]."""
    arrays = char_arrays(code)
    found = []
    for m in FILL.finditer(code):
        count, call = m.groups()
        args, close = arguments(code, m.end() - 1)
        if len(args) < 3:
            continue
        buf = whole_array(args, arrays)
        if buf is None:
            continue
        where = line_of(code, m.start())
        ended = None
        for e in re.finditer(r"\b%s\s*\[\s*([^\]]+?)\s*\]\s*=(?!=)\s*"
                             % re.escape(buf), code):
            if re.match(r"(0\b|'\\0')", text[e.end():]):
                ended = e.group(1)
                break
        if ended is not None and count and squeeze(ended) == count:
            found.append((where, "%s() may fill all %s bytes of %s, and "
                          "then %s[%s] = '\\0' writes one byte past its "
                          "end. Receive at most sizeof %s - 1 bytes."
                          % (call, arrays[buf], buf, buf, count, buf)))
        elif ended is None and used_as_string(text, code, buf, close):
            found.append((where, "%s() may fill all %s bytes of %s, and "
                          "nothing ends the text with a '\\0': reading it "
                          "as a string (%%s, strlen()...) then runs past "
                          "its end. Receive at most sizeof %s - 1 bytes and "
                          "end the text at the count: %s[n] = '\\0'."
                          % (call, arrays[buf], buf, buf, buf)))
    return found


FAILED_TEST = re.compile(r"(<\s*0\b|==\s*-\s*1\b|<=\s*-\s*1\b|"
                         r"\b(socket|bind|listen|connect|accept|setsockopt|"
                         r"inet_pton)\s*\(.*\)\s*!=\s*0\b)", re.S)
EXIT_0 = re.compile(r"\bexit\s*\(\s*(0|EXIT_SUCCESS)\s*\)")


def success_on_failure(code):
    """exit(0) in the branch of an if that tests for a failed call:
    [(line, words)]."""
    found = []
    for m in re.finditer(r"\bif\s*\(", code):
        close = matching_paren(code, m.end() - 1)
        if close < 0 or not FAILED_TEST.search(code[m.end():close]):
            continue
        at = close + 1
        while at < len(code) and code[at].isspace():
            at += 1
        end = code.find(";", at)
        if code.startswith("{", at):
            end = at
            depth = 0
            for end in range(at, len(code)):
                depth += {"{": 1, "}": -1}.get(code[end], 0)
                if depth == 0:
                    break
        e = EXIT_0.search(code, at, end if end >= 0 else len(code))
        if e:
            found.append((line_of(code, e.start()),
                          "after a failed call the program ends with "
                          "exit(%s), which says success: a shell or a "
                          "script that runs it cannot tell. Use exit(1) "
                          "(EXIT_FAILURE)." % e.group(1)))
    return found


# what ends a branch: after it, the program does not go on
ENDS = re.compile(r"\b(exit|_exit|_Exit|abort|return|break|continue|goto|"
                  r"err|errx|die|fatal|error_exit)\b")
SAYS = re.compile(r"\b(printf|fprintf|perror|puts|fputs|write|dprintf|"
                  r"warn|warnx)\s*\(")
# an if's test that looks for a failure: a negative result, -1, a NULL,
# or a program run with too few arguments
FAILED_IF = re.compile(r"(<\s*0\b|<=\s*0\b|==\s*-\s*1\b|==\s*NULL\b|"
                       r"\bargc\s*(!=|<|<=)\s*\d|"
                       r"\b(socket|bind|listen|connect|accept|setsockopt|"
                       r"inet_pton|fcntl)\s*\(.*\)\s*!=\s*0\b)", re.S)
# an if's test that looks for success: its else branch is the failure
SUCCEEDED_IF = re.compile(r"^\s*\(*\s*[A-Za-z_]\w*\s*(>\s*0|>=\s*0|"
                          r"!=\s*-\s*1)\s*\)*\s*$")


def branch(code, at):
    """The statement or block that starts at code[at] (blanks skipped):
    (start, end) with code[end] its last character."""
    while at < len(code) and code[at].isspace():
        at += 1
    if code.startswith("{", at):
        depth = 0
        for end in range(at, len(code)):
            depth += {"{": 1, "}": -1}.get(code[end], 0)
            if depth == 0:
                return at, end
        return at, len(code) - 1
    end = code.find(";", at)
    return at, (len(code) - 1 if end < 0 else end)


def only_says(body):
    """Is a branch nothing but messages: each of its statements a call
    of printf(), perror()...?"""
    body = body.strip()
    if body.startswith("{"):
        body = body[1:-1]
    statements = [t.strip() for t in body.split(";") if t.strip()]
    return bool(statements) and all(
        SAYS.match(t) and not ENDS.search(t) for t in statements)


def says_and_goes_on(code):
    """An if whose test finds a failed call (or too few arguments), and
    whose branch prints a message but neither ends the program nor leaves
    the loop or function: the calls after it use what failed. The else
    of a test for success counts too. [(line, words)]"""
    found = []
    # the failures that later calls build on: a descriptor, an address,
    # a connection, the command line (not a send() or a close())
    held = "|".join(re.escape(v) for v, _ in sorted(set(KEPT.findall(code))))
    needed = re.compile(
        r"^[\s(!]*(argc\b|(?:[A-Za-z_]\w*\s*=\s*)?(socket|accept4?|"
        r"connect|bind|listen|inet_pton|inet_aton)\s*\(%s)" % (
            r"|(%s)\s*[<>=!]" % held if held else ""))
    for m in re.finditer(r"\bif\s*\(", code):
        close = matching_paren(code, m.end() - 1)
        if close < 0:
            continue
        test = code[m.end():close]
        if not needed.search(test):
            continue
        start, end = branch(code, close + 1)
        if FAILED_IF.search(test):
            body = code[start:end + 1]
        elif SUCCEEDED_IF.match(test):
            rest = code[end + 1:]
            other = re.match(r"\s*else\b(?!\s*if\b)", rest)
            if not other:
                continue
            start, end = branch(code, end + 1 + other.end())
            body = code[start:end + 1]
        else:
            continue
        if re.search(r"\b(EAGAIN|EWOULDBLOCK|EINTR)\b", test + body):
            continue  # a non-blocking socket's "not yet": going on is right
        if not only_says(body):
            continue
        cont = end + 1
        other = re.match(r"\s*else\b", code[cont:])
        if other:  # the if's else: what comes after both
            cont = branch(code, cont + other.end())[1] + 1
        if re.match(r"\s*(exit|_exit|return|abort)\b", code[cont:]):
            continue  # it ends right after (exit(0) is another finding)
        what = ("too few arguments" if re.search(r"\bargc\b", test)
                else "a failure")
        found.append((line_of(code, start),
                      "this branch finds %s, prints a message, and the "
                      "program goes on as if nothing had happened: the "
                      "calls after it use what failed. End there "
                      "(exit(1), or exit(2) for a bad command line) or "
                      "leave that client." % what))
    return found


def argv_unchecked(code):
    """argv[1] (or a later one) read, and argc never looked at."""
    used = re.search(r"\bargv\s*\[\s*([1-9])\s*\]", code)
    if not used or re.search(r"\bargc\b(?!\s*,)(?!\s*\))", code):
        return []
    return [(line_of(code, used.start()),
             "argv[%s] is read and argc is never looked at: run without "
             "that argument, argv[%s] is NULL, and the call that reads it "
             "(atoi(), inet_addr()...) crashes. Check argc first, and say "
             "how to run the program (exit status 2)."
             % (used.group(1), used.group(1)))]


ADDR_LEN = re.compile(r"\b(accept4?|recvfrom|getpeername|getsockname)\s*\(")


def unset_lengths(code):
    """An address length given to accept() or recvfrom() that was never
    set: the kernel reads it to know how much room the address has."""
    found, said = [], set()
    for m in ADDR_LEN.finditer(code):
        args, _ = arguments(code, m.end() - 1)
        if not args:
            continue
        var = re.fullmatch(r"(?:\(\s*\w+\s*\*\s*\)\s*)?&\s*([A-Za-z_]\w*)",
                           args[-1])
        if not var or var.group(1) in said:
            continue
        name = var.group(1)
        if re.search(r"\b%s\s*=(?!=)" % re.escape(name), code) or \
                re.search(r"[(,]\s*(?:const\s+)?[A-Za-z_]\w*\s*\*?\s*%s"
                          r"\s*[,)]" % re.escape(name), code):
            continue  # set, or a parameter (its caller sets it)
        said.add(name)
        found.append((line_of(code, m.start()),
                      "%s() is given &%s, and %s is never set: it must "
                      "hold the size of the address structure (%s = sizeof "
                      "addr) before each call. Unset, the kernel may "
                      "fill in no address at all, and a reply sent to it "
                      "goes nowhere." % (m.group(1), name, name, name)))
    return found


SEND_CALL = re.compile(r"\b(send|write|sendto)\s*\(")
# calls that put text into their first argument
TEXT_INTO = re.compile(r"\b(strcpy|strncpy|strcat|strncat|sprintf|snprintf|"
                       r"fgets|gets)\s*\(")


def whole_buffers(text, code):
    """send() or write() of a char array's whole size when the array
    holds text: the bytes after the text go too. [(line, words)]"""
    arrays = char_arrays(code)
    found = []
    for m in SEND_CALL.finditer(code):
        args, _ = arguments(code, m.end() - 1)
        if len(args) < 3:
            continue
        buf = whole_array(args, arrays)
        if buf is None:
            continue
        as_text = used_as_string(text, code, buf, 0) or any(
            (arguments(code, t.end() - 1)[0] or [""])[0] == buf
            for t in TEXT_INTO.finditer(code))
        if not as_text:
            continue
        found.append((line_of(code, m.start()),
                      "%s() sends all %s bytes of %s, whatever text it "
                      "holds: the bytes after the text (NULs, or what an "
                      "earlier message left) go to the peer too. Send the "
                      "length of the text: strlen(%s), or the count that "
                      "recv() returned." % (m.group(1), arrays[buf], buf,
                                            buf)))
    return found


# a finding that is a NOTE, not a failure: an assignment may fix the port
FIXED = "the port is fixed in the source"


def fixed_ports(code):
    """sin_port set to htons() of a number written in the source (or of
    a name #defined or declared as one)."""
    found = []
    for m in PORT_SET.finditer(code):
        arg = re.fullmatch(r"htons\s*\(\s*(?:\(\s*\w+(?:\s+\w+)*\s*\)\s*)?"
                           r"([A-Za-z_]\w*|\d+)\s*\)", m.group(1).strip())
        if not arg:
            continue
        number = arg.group(1)
        if not number.isdigit():
            named = re.search(r"#\s*define\s+%s\s+\(?(\d+)\)?\s*$|"
                              r"\bconst\s+(?:unsigned\s+)?\w+\s+%s\s*=\s*"
                              r"(\d+)\s*;" % (re.escape(number),
                                              re.escape(number)),
                              code, re.M)
            if not named:
                continue
            number = named.group(1) or named.group(2)
        if int(number) == 0:
            continue  # 0: the kernel chooses
        if re.search(r"\bbind\s*\(", code):
            why = ("two copies cannot run at once, and a test or a grader "
                   "cannot give it a free port. Take the port from the "
                   "command line (and 0, to let the kernel choose one, as "
                   "the lessons' --port 0 does).")
        else:
            why = ("the program can reach no server on another port. Take "
                   "the port from the command line.")
        found.append((line_of(code, m.start()),
                      "%s (%s): %s" % (FIXED, number, why)))
    return found


# a finding that is a NOTE, not a failure: one client at a time is how
# many assignments begin (the silent-client check allows it)
HELD = "a client that connects and sends nothing holds this server"


def held_by_one(code):
    """A TCP server that accepts clients in a loop, one at a time (no
    fork(), thread, poll() or select()), with no time limit on a
    client's recv(): [(line, words)]."""
    at = re.search(r"\baccept4?\s*\(", code)
    if not at or not re.search(r"\blisten\s*\(", code) or re.search(
            r"\b(fork|pthread_create|select|poll|epoll_wait|SO_RCVTIMEO|"
            r"alarm|setitimer|O_NONBLOCK)\b", code):
        return []
    for loop in re.finditer(r"\b(for|while)\s*\(", code):
        close = matching_paren(code, loop.end() - 1)
        if close < 0:
            continue
        start, end = branch(code, close + 1)
        if start <= at.start() <= end and re.search(
                r"\b(recv|read|recvfrom|fgets|fread|getline)\s*\(",
                code[at.end():end]):  # it waits for what a client says
            return [(line_of(code, at.start()),
                     "%s for ever: it serves one client at a time, and its "
                     "recv() has no time limit, so no other client is "
                     "served until that one leaves. Set SO_RCVTIMEO on each "
                     "client's socket (lesson 06's server gives up after "
                     "--timeout), or serve clients at once (fork(), lesson "
                     "12; poll(), lesson 13)." % HELD)]
    return []


def text_findings(text):
    """What a reading of the C text shows: [(line, words)]."""
    code = strip_c(text)
    found = []
    for m in PORT_SET.finditer(code):
        value = m.group(1).strip()
        if re.match(r"(htons|htonl)\s*\(|0+$", value):
            continue
        var = re.fullmatch(r"[A-Za-z_]\w*", value)
        if var and re.search(r"\b%s\s*=\s*htons\s*\(" % var.group(0),
                             code):
            continue  # it holds what htons() gave
        number = re.fullmatch(r"(0[xX][0-9a-fA-F]+|[1-9][0-9]*)[uUlL]*",
                              value)
        if number and int(number.group(1), 0) < 65536:
            n = int(number.group(1), 0)
            words = ("the port it names depends on the machine's byte "
                     "order: %d on x86 (little-endian), %d on a big-endian "
                     "machine. Write htons() of the port you mean."
                     % ((n >> 8) | ((n & 255) << 8), n))
        else:
            words = ("sin_port holds the port in network byte order, so a "
                     "number in the machine's own order names another port "
                     "on x86 (4444 becomes 23569)")
        found.append((line_of(code, m.start()),
                      "sin_port is set to %s, not to htons() of a port: %s"
                      % (printable(value[:40]), words)))
    for m in SCANF.finditer(code):
        # the format: the first string literal after the call's "("
        start = m.end()
        fmt = re.match(r"\s*(?:stdin\s*,\s*)?\"", code[start:])
        if not fmt:
            continue
        q = start + fmt.end() - 1
        end = code.find('"', q + 1)
        literal = text[q + 1:end] if end > q else ""
        if re.search(r"%(?!%)(?:\*)?(?:s|\[)", literal):
            found.append((line_of(code, m.start()),
                          "%s() reads a %%s or %%[ with no width: a "
                          "longer word than the buffer writes past its "
                          "end. Give a width one less than the buffer "
                          "(%%99s for char buf[100])." % m.group(1)))
    found += uncompared(code)
    found += counts_unchecked(code)
    found += full_buffers(text, code)
    found += success_on_failure(code)
    found += fixed_ports(code)
    found += held_by_one(code)
    found += says_and_goes_on(code)
    found += argv_unchecked(code)
    found += unset_lengths(code)
    found += whole_buffers(text, code)
    at = re.search(r"\bbind\s*\(", code)
    if at and all(re.search(r"\b%s\b" % w, code)
                  for w in (r"listen\s*\(", r"accept\s*\(",
                            r"[AP]F_INET6?")) and \
            not re.search(r"\bSO_REUSE(ADDR|PORT)\b", code):
        found.append((line_of(code, at.start()), REUSE))
    return found


def python_findings(path, text):
    """What the ast of a Python 3 file shows: [(line, words)], or a
    one-item list saying it is not Python 3."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as e:
        return [(getattr(e, "lineno", 0) or 0,
                 "Python 3 cannot read this file (%s): Python 2 code?"
                 % printable(str(getattr(e, "msg", e)).split(". ")[0])[:70])]
    found = []
    binds = listens = accepts = reuse = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr == "listen":
                listens = True
            elif node.attr == "bind":
                binds = True
            elif node.attr == "accept":
                accepts = True
            elif node.attr in ("SO_REUSEADDR", "SO_REUSEPORT"):
                reuse = True
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute) and \
                node.value.func.attr == "send":
            found.append((node.lineno,
                          "send()'s count is dropped: send() may take "
                          "only part of the bytes, and the rest are never "
                          "sent. Use sendall()."))
        if isinstance(node, ast.Call) and \
                isinstance(node.func, ast.Attribute) and \
                node.func.attr == "decode" and \
                isinstance(node.func.value, ast.Call) and \
                isinstance(node.func.value.func, ast.Attribute) and \
                node.func.value.func.attr in ("recv", "recvfrom") and \
                len(node.args) < 2 and \
                not any(k.arg == "errors" for k in node.keywords):
            found.append((node.lineno,
                          "decode() of what one recv() gave: bytes that "
                          "are not UTF-8, or a character cut between two "
                          "recv()s, raise UnicodeDecodeError and end the "
                          "program"))
    if binds and listens and accepts and not reuse:
        line = min((n.lineno for n in ast.walk(tree)
                    if isinstance(n, ast.Attribute) and n.attr == "bind"),
                   default=0)
        found.append((line, REUSE))
    return found


def read_file(path):
    """(findings, what could not be read) of one file."""
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 20)
    except OSError as e:
        return [], ["%s: %s" % (path, e.strerror)]
    text = data.decode("utf-8", "replace")
    if path.endswith(".py"):
        return python_findings(path, text), []
    missing = []
    found = text_findings(text)
    for tool, get in (("gcc", lambda: gcc_findings(path)),
                      ("clang-tidy", lambda: tidy_findings(path, text))):
        more = get()
        if more is None:
            missing.append("%s is not installed (./install-deps installs "
                           "it)" % tool)
        else:
            found += more
    return found, missing


def source_check(run, res):
    found, missing = [], []
    gone = [p for p in run.sources if not os.path.isfile(p) or
            not os.access(p, os.R_OK)]
    if gone:
        cwd = getattr(run, "source_dir", None) or getattr(run, "cwd", None)
        res.not_run("Not run: cannot read %s." % ", ".join(
            printable(os.path.relpath(p, cwd) if cwd else p)
            for p in gone), "no such file" if not any(
                os.path.exists(p) for p in gone) else "unreadable")
        return
    for path in run.sources:
        f, m = read_file(path)
        name = printable(os.path.basename(path))
        found += [(name, line, words) for line, words in f]
        missing += m
    # one line for each thing in each file, with every line it is on
    where = {}
    for name, line, words in found:
        rows = where.setdefault((name, words), [])
        if line not in rows:
            rows.append(line)
    seen, lines = [], []
    for (name, words), rows in sorted(where.items(),
                                      key=lambda x: (x[0][0], min(x[1]))):
        rows = sorted(r for r in rows if r)
        seen.append((name, rows, words))
        lines.append("%s:%s: %s" % (name, ", ".join(map(str, rows)), words)
                     if rows else "%s: %s" % (name, words))
    read = plural(len(run.sources), "file")
    gaps = (" Not read: %s." % "; ".join(sorted(set(missing)))
            if missing else "")
    if not lines:
        res.passed("Read %s: nothing found that a careful reader would "
                   "fix.%s" % (read, gaps))
        return
    if all(words == REUSE or words.startswith((FIXED, HELD))
           for _, _, words in seen):
        res.noted("Read %s: %s worth knowing.%s\n%s"
                  % (read, "one thing" if len(lines) == 1 else
                     plural(len(lines), "thing"), gaps, "\n".join(lines)),
                  and_list(sorted({"no SO_REUSEADDR" if words == REUSE
                                   else "a port fixed in the source"
                                   if words.startswith(FIXED) else
                                   "one client at a time, no time limit"
                                   for _, _, words in seen})))
        return
    res.failed("Read %s: %s that a careful reader would fix.%s\n%s"
               % (read, plural(len(lines), "thing"), gaps,
                  "\n".join(lines)), plural(len(lines), "finding"))


SOURCE = Check(
    "source", "source", "what reading its source files shows",
    "Reads the files given with --source (C with gcc -Wall and "
    "clang-tidy, Python with its ast module): a socket call whose result "
    "is dropped, a compiler warning, sin_port set without htons(), a "
    "scanf() %s with no width, a whole buffer sent for its text, a "
    "failure printed and gone past, argv read with argc never looked at, "
    "an address length never set, a count from recv() never compared, "
    "a server without SO_REUSEADDR, a "
    "Python send() whose count is dropped. Nothing is run.", source_check)
