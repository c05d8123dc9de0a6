"""scripts/sockcheck/source.py: what reading a program's own files shows
(--source). Each case is a small file written here, read as the check
reads it; a case that needs gcc or clang-tidy is skipped without it."""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import source  # noqa: E402 (after the path is set)
from sockcheck.checks import Result, State  # noqa: E402

HEAD = """#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
"""

# a server that checks every call and sets SO_REUSEADDR: nothing to say
CAREFUL = HEAD + """
int main(void)
{
    struct sockaddr_in addr;
    int one = 1, fd, conn;
    char buf[100];
    ssize_t n;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(0); /* the kernel chooses */
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        return 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        return 1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        return 1;
    if (listen(fd, 5) == -1 || (conn = accept(fd, NULL, NULL)) == -1)
        return 1;
    /* scanf("%s", buf); in a comment is not a call */
    if (scanf("%99s", buf) != 1)
        return 1;
    while ((n = recv(conn, buf, sizeof buf, 0)) > 0)
        if (send(conn, buf, (size_t)n, 0) != n)
            return 1;
    return close(conn) == -1 || close(fd) == -1;
}
"""

# the mistakes of real course programs, one per line that the test names
CARELESS = HEAD + """
void main(void)
{
    struct sockaddr_in addr;
    int fd, conn, port = 4444;
    char buf[100];

    memset(&addr, sizeof addr, 0);
    addr.sin_family = AF_INET;
    addr.sin_port = port;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    bind(fd, (struct sockaddr *)&addr, sizeof addr);
    listen(fd, 5);
    conn = accept(fd, NULL, NULL);
    scanf("%s", buf);
    recv(conn, buf, sizeof buf, 0);
    send(conn, buf, strlen(buf), 0);
    close(conn);
}
"""


def line(text, needle):
    """The number of the first line of text that holds needle."""
    return next(i for i, ln in enumerate(text.splitlines(), 1)
                if needle in ln)


class Reads(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def check(self, *paths):
        res = Result(source.SOURCE)
        run = type("Run", (), {"sources": list(paths)})()
        source.source_check(run, res)
        return res

    def test_a_careful_server_passes(self):
        res = self.check(self.write("good.c", CAREFUL))
        self.assertIs(res.state, State.PASSED, res.message)
        self.assertIn("nothing found", res.message)

    def test_text_findings_need_no_tool(self):
        found = dict(source.text_findings(CARELESS))
        self.assertIn("sin_port is set to port, not to htons()",
                      found[line(CARELESS, "sin_port = port")])
        self.assertIn("scanf() reads a %s or %[ with no width",
                      found[line(CARELESS, "scanf(")])
        self.assertEqual(found[line(CARELESS, "bind(")], source.REUSE)
        self.assertEqual(source.text_findings(CAREFUL), [])

    def test_a_descriptor_never_compared_with_minus_one(self):
        found = dict(source.text_findings(CARELESS))
        self.assertEqual(found[line(CARELESS, "fd = socket(")],
                         "fd holds what socket() returned and is never "
                         "compared with -1: when socket() fails, every "
                         "later call on it fails too")
        self.assertIn("conn holds what accept() returned",
                      found[line(CARELESS, "conn = accept(")])
        for text in ("if ((c = accept(fd, 0, 0)) < 0) f();",
                     "c = accept(fd, 0, 0); if (c == -1) f();",
                     "c = accept(fd, 0, 0);\nif (-1 == c) f();",
                     "int c = socket(2, 1, 0); while (c < 0) f();"):
            self.assertEqual(source.uncompared(text), [], text)

    def test_a_buffer_filled_to_its_last_byte(self):
        text = HEAD + """
char a[50], b[SIZE], c[64], d[64], e[64];
void f(int fd)
{
    ssize_t n;
    recv(fd, a, 50, 0);
    printf("got %s", a);
    n = recvfrom(fd, b, SIZE, 0, NULL, NULL);
    b[n] = '\\0';
    n = read(fd, c, sizeof c - 1);
    c[n] = 0;
    puts(c);
    n = recv(fd, d, sizeof(d), 0);
    printf("%.*s", (int)n, d);
    n = recv(fd, e, sizeof e, 0);
    fwrite(e, 1, (size_t)n, stdout);
}
"""
        found = dict(source.full_buffers(text, source.strip_c(text)))
        self.assertEqual(sorted(found), [line(text, "recv(fd, a"),
                                         line(text, "recvfrom(fd, b")])
        self.assertIn("recv() may fill all 50 bytes of a, and nothing ends "
                      "the text", found[line(text, "recv(fd, a")])
        self.assertIn("then b[n] = '\\0' writes one byte past its end",
                      found[line(text, "recvfrom(fd, b")])

    def test_exit_0_after_a_failed_call(self):
        text = ("if (fd == -1) {\n  puts(\"no\");\n  exit(0);\n}\n"
                "if (connect(fd, a, n) != 0)\n  exit(EXIT_SUCCESS);\n"
                "if (n == 0) exit(0);\n"
                "if (n < 0) { perror(\"recv\"); exit(1); }\n")
        found = source.success_on_failure(source.strip_c(text))
        self.assertEqual([ln for ln, _ in found], [3, 6])
        self.assertIn("ends with exit(EXIT_SUCCESS), which says success",
                      found[1][1])

    def test_a_failure_said_and_gone_past(self):
        # what course programs do: print that a call failed, then go on
        # with what failed: a descriptor, an address, the command line
        text = ("if (argc != 3) {\n  printf(\"usage\");\n}\n"
                "if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)\n"
                "  perror(\"socket\");\n"
                "conn = accept(fd, NULL, NULL);\n"
                "if (conn > 0) {\n  serve(conn);\n} else {\n"
                "  printf(\"Accept Error.\");\n}\n"
                # what ends the branch, handles the failure, is a
                # non-blocking socket's "not yet", or is not built on
                # (a close(), a send()): nothing to say
                "if (fd == -1) { perror(\"socket\"); exit(1); }\n"
                "if (connect(fd, a, n) == -1) { puts(\"no\"); close(fd); }\n"
                "if (conn < 0) { if (errno == EAGAIN) puts(\"later\"); }\n"
                "if (close(conn) == -1) perror(\"close\");\n"
                "if (send(conn, b, n, 0) == -1) perror(\"send\");\n"
                "if (fd < 0) { puts(\"no socket\"); }\nexit(0);\n")
        found = source.says_and_goes_on(source.strip_c(text))
        self.assertEqual([ln for ln, _ in found], [1, 5, 9])
        self.assertIn("this branch finds too few arguments, prints a "
                      "message, and the program goes on", found[0][1])
        self.assertIn("finds a failure", found[1][1])

    def test_argv_read_with_no_look_at_argc(self):
        (ln, words), = source.argv_unchecked(
            "int main(int argc, char **argv)\n{\n  port = atoi(argv[1]);")
        self.assertEqual(ln, 3)
        self.assertIn("argv[1] is read and argc is never looked at",
                      words)
        self.assertEqual(source.argv_unchecked(
            "if (argc < 2) return 2;\nport = atoi(argv[1]);"), [])

    def test_an_address_length_never_set(self):
        text = ("socklen_t len, ok = sizeof a;\n"
                "recvfrom(fd, b, 9, 0, (SA *)&a, &len);\n"
                "accept(fd, (SA *)&a, &ok);\n"
                "void f(int fd, socklen_t n) { accept(fd, 0, &n); }\n")
        (ln, words), = source.unset_lengths(source.strip_c(text))
        self.assertEqual(ln, 2)
        self.assertIn("recvfrom() is given &len, and len is never set",
                      words)

    def test_a_whole_buffer_sent_for_its_text(self):
        text = HEAD + """
char a[64], b[BUFFER_SIZE] = {0}, c[64], d[8];
void f(int fd)
{
    fgets(a, sizeof a, stdin);
    write(fd, a, sizeof(a));
    strcpy(b, "Thank you\\n");
    send(fd, b, BUFFER_SIZE, 0);
    strcpy(c, "ok\\n");
    send(fd, c, strlen(c), 0);
    memcpy(d, "binary!!", 8);
    send(fd, d, sizeof d, 0);
}
"""
        found = dict(source.whole_buffers(text, source.strip_c(text)))
        self.assertEqual(sorted(found), [line(text, "write(fd, a"),
                                         line(text, "send(fd, b")])
        self.assertIn("send() sends all BUFFER_SIZE bytes of b, whatever "
                      "text it holds", found[line(text, "send(fd, b")])

    def test_a_header_is_read_as_c(self):
        res = self.check(self.write("helpers.h", HEAD + (
            "void serve(int fd)\n{\n    char buf[64];\n"
            "    recv(fd, buf, sizeof buf, 0);\n    puts(buf);\n}\n")))
        self.assertIs(res.state, State.FAILED, res.message)
        self.assertIn("helpers.h:%d: recv() may fill all 64 bytes of buf" %
                      (HEAD.count("\n") + 4), res.message)

    def test_a_port_fixed_in_the_source_is_a_note(self):
        text = ("#define PORT 8080\n"
                "a.sin_port = htons(PORT);\n"
                "b.sin_port = htons(7891);\n"
                "c.sin_port = htons(atoi(argv[1]));\n"
                "d.sin_port = htons(0);\n"
                "bind(fd, a, n);\n")
        found = source.fixed_ports(source.strip_c(text))
        self.assertEqual([ln for ln, _ in found], [2, 3])
        self.assertIn("the port is fixed in the source (8080): two copies "
                      "cannot run at once", found[0][1])
        # a client's server port: another reason
        (_, words), = source.fixed_ports("a.sin_port = htons(3000);\n"
                                         "connect(fd, a, n);\n")
        self.assertIn("(3000): the program can reach no server on another "
                      "port", words)
        # with SO_REUSEADDR's note alone, a note still
        res = self.check(self.write("fixed.c", HEAD + (
            "int main(void)\n{\n    struct sockaddr_in a;\n"
            "    int fd, c;\n    memset(&a, 0, sizeof a);\n"
            "    a.sin_port = htons(9000);\n"
            "    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||\n"
            "        bind(fd, (struct sockaddr *)&a, sizeof a) == -1 ||\n"
            "        listen(fd, 5) == -1 ||\n"
            "        (c = accept(fd, NULL, NULL)) == -1)\n"
            "        return 1;\n    return close(c) || close(fd);\n}\n")))
        self.assertIs(res.state, State.NOTED, res.message)
        self.assertEqual(res.reason, "a port fixed in the source and no "
                         "SO_REUSEADDR")
        self.assertIn("Read 1 file: 2 things worth knowing.", res.message)

    def test_a_count_never_compared(self):
        text = ("void serve(int fd)\n{\n"
                "    n = recvfrom(fd, b, sizeof b, 0, &a, &len);\n"
                "    sendto(fd, b, n, 0, &a, len);\n}\n"
                "void other(int fd)\n{\n"
                "    n = recv(fd, b, sizeof b, 0);\n"
                "    if (n <= 0) return;\n"
                "    while ((m = read(fd, b, sizeof b)) > 0) f(m);\n"
                "    k = read(fd, b, sizeof b);\n    if (k) f(k);\n}\n")
        (ln, words), = source.counts_unchecked(source.strip_c(text))
        self.assertEqual(ln, 3)
        self.assertIn("n holds what recvfrom() returned and is never "
                      "compared with anything: when it is -1", words)

    def test_one_client_at_a_time_with_no_time_limit_is_a_note(self):
        loop = ("listen(fd, 5);\nfor (;;) {\n"
                "    c = accept(fd, NULL, NULL);\n"
                "    while ((n = recv(c, b, sizeof b, 0)) > 0)\n"
                "        send(c, b, n, 0);\n    close(c);\n}\n")
        (ln, words), = source.held_by_one(loop)
        self.assertEqual(ln, 3)
        self.assertIn("a client that connects and sends nothing holds this "
                      "server for ever", words)
        # a time limit, clients at once, a greeting that waits for
        # nothing, or one client only: nothing to say
        for other in (loop.replace("listen(", "setsockopt(fd, SOL_SOCKET, "
                                   "SO_RCVTIMEO, &tv, sizeof tv);\nlisten("),
                      loop.replace("close(c);", "if (fork() == 0) f();"),
                      loop.replace("recv(c, b, sizeof b, 0)", "0"),
                      loop.replace("for (;;) {", "{")):
            self.assertEqual(source.held_by_one(other), [], other)

    def test_the_same_thing_twice_is_one_line(self):
        res = self.check(self.write("twice.py", "s.send(b'a')\n"
                                    "s.send(b'b')\n"))
        self.assertEqual(res.message.split("\n")[1:], [
            "twice.py:1, 2: send()'s count is dropped: send() may take "
            "only part of the bytes, and the rest are never sent. Use "
            "sendall()."])

    def test_a_port_number_written_in_one_byte_order(self):
        (_, words), = source.text_findings("a.sin_port = 0x8813;")
        self.assertEqual(words, "sin_port is set to 0x8813, not to htons() "
                         "of a port: the port it names depends on the "
                         "machine's byte order: 5000 on x86 (little-endian), "
                         "34835 on a big-endian machine. Write htons() of the "
                         "port you mean.")

    def test_a_port_that_came_through_htons_is_not_named(self):
        text = "p = htons(x); a.sin_port = p; b.sin_port = 0;\n" \
               "if (a.sin_port == b.sin_port) f();\n"
        self.assertEqual(source.text_findings(text), [])

    def test_reuse_is_said_of_tcp_servers_only(self):
        # a Unix socket server, and a client: nothing
        self.assertEqual(source.text_findings(
            "bind(fd, a, n); listen(fd, 5); accept(fd, 0, 0); AF_UNIX;"), [])
        self.assertEqual(source.text_findings(
            "connect(fd, a, n); AF_INET;"), [])
        self.assertEqual(source.text_findings(
            "bind(fd, a, n); listen(fd, 5); accept(fd, 0, 0); AF_INET;"),
            [(1, source.REUSE)])

    @unittest.skipUnless(shutil.which("gcc"), "needs gcc")
    def test_gcc_says_what_matters_not_style(self):
        path = self.write("bad.c", CARELESS)
        found = dict(source.gcc_findings(path))
        self.assertIn("-Wmain", found[line(CARELESS, "void main")])
        self.assertIn("-Wmemset-transposed-args",
                      found[line(CARELESS, "memset(")])
        # an unused variable is style: not said
        unused = self.write("unused.c", "int main(void) { int x; "
                            "return 0; }\n")
        self.assertEqual(source.gcc_findings(unused), [])

    @unittest.skipUnless(shutil.which("clang-tidy"), "needs clang-tidy")
    def test_every_dropped_result_is_named_with_its_line(self):
        path = self.write("bad.c", CARELESS)
        found = source.tidy_findings(path, CARELESS)
        names = {ln: words.split("()")[0].rsplit(" ", 1)[-1]
                 for ln, words in found}
        self.assertEqual(names, {line(CARELESS, c + "("): c for c in
                                 ("bind", "listen", "scanf", "recv",
                                  "send")})
        # close() is not watched; the assigned socket() and accept() are
        # used (whether they are checked is another matter)
        self.assertNotIn(line(CARELESS, "close("), names)

    @unittest.skipUnless(shutil.which("gcc") and shutil.which("clang-tidy"),
                         "needs gcc and clang-tidy")
    def test_a_careless_server_fails_with_one_line_per_finding(self):
        res = self.check(self.write("bad.c", CARELESS))
        self.assertIs(res.state, State.FAILED)
        body = res.message.split("\n")
        self.assertEqual(body[0], "Read 1 file: 13 things that a careful "
                         "reader would fix.")
        self.assertEqual(len(body), 14)
        self.assertTrue(all(b.startswith("bad.c:") for b in body[1:]))

    def test_only_the_reuse_note_is_a_note(self):
        res = self.check(self.write("srv.py", (
            "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\n"
            "s.listen()\nc, _ = s.accept()\nc.sendall(c.recv(100))\n")))
        self.assertIs(res.state, State.NOTED)
        self.assertEqual(res.reason, "no SO_REUSEADDR")
        self.assertIn("srv.py:3: a TCP server that never sets SO_REUSEADDR",
                      res.message)

    def test_python(self):
        text = ("import socket\n"
                "s = socket.create_connection(('127.0.0.1', 9))\n"
                "s.send(b'hello')\n"
                "n = s.send(b'counted')\n"
                "print(s.recv(100).decode())\n"
                "print(s.recv(100).decode('utf-8', 'replace'))\n"
                "print(s.recv(100).decode(errors='replace'))\n")
        found = source.python_findings("c.py", text)
        self.assertEqual([ln for ln, _ in found], [3, 5])
        self.assertIn("Use sendall()", found[0][1])
        self.assertIn("UnicodeDecodeError", found[1][1])

    def test_python_2_is_said_once(self):
        found = source.python_findings("old.py", "print 'hello'\n")
        self.assertEqual(len(found), 1)
        self.assertIn("Python 3 cannot read this file (Missing parentheses "
                      "in call to 'print')", found[0][1])

    def test_control_bytes_of_a_file_name_are_not_printed(self):
        res = self.check(self.write("a\x1b[2Jb.py", "s.send(b'x')\n"))
        self.assertNotIn("\x1b", res.message)
        self.assertIn("a\\x1b[2Jb.py:1:", res.message)

    def test_a_file_that_cannot_be_read_is_said(self):
        res = self.check(os.path.join(self.dir, "gone.c"))
        self.assertIs(res.state, State.NOT_RUN)
        self.assertIn("cannot read %s/gone.c" % self.dir, res.message)


if __name__ == "__main__":
    unittest.main()
