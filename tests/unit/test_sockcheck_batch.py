"""scripts/sockcheck/batch.py: a fixed port waited for between
submissions, and the lecturer's summary of a class; and the checker's
modules compiled for the sandbox's path (sandbox.py)."""

import importlib.util
import marshal
import os
import shutil
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import batch, grading, sandbox  # noqa: E402 (path set)
from sockcheck.runner import Run  # noqa: E402


def row(name, failed, **checks):
    r = {"submission": name, "failed": failed}
    r.update({k.replace("_", "-"): v for k, v in checks.items()})
    return r


class Summary(unittest.TestCase):

    def test_a_line_per_check_that_ran_anywhere(self):
        rows = [row("ann", 0, one_line="PASS", half_close="NOTE"),
                row("bob", 1, one_line="FAIL", half_close="NOT RUN"),
                row("cat", 1),  # its run file was wrong
                dict(row("dan", 0, one_line="NOT RUN",
                         half_close="NOT RUN"), **{"not checked": True})]
        self.assertEqual(batch.summary(rows, ["loopback", "one-line",
                                              "half-close"]), [
            "4 submissions: 1 passed every check, 1 failed, "
            "0 failed none but had checks not run, 2 not checked",
            "check       passed  failed  noted  not run",
            "one-line         1       1      0        1",
            "half-close       0       0      1        2"])

    def test_nothing_ran(self):
        self.assertEqual(batch.summary([row("ann", 1)], ["one-line"]),
                         ["1 submission: 0 passed every check, 0 failed, "
                          "0 failed none but had checks not run, 1 not checked"])


class Filled(unittest.TestCase):
    """A row from what the checker inside told: a check it had begun
    when it was ended (the submission outlasted its time, or stopped or
    ended its checker) fails; nothing begun, the row counts a failure."""

    def grader(self):
        klass = type("K", (), {"checks": ["one-line", "idle", "zombies"]})()
        return grading.Grader(klass, None)

    def blank(self, grader):
        row = {"submission": "sub", "passed": 0, "failed": 0}
        row.update({c: "NOT RUN" for c in grader.klass.checks})
        return row

    PASSED = {"one-line": {"status": "PASS", "ok": True, "ran": True,
                           "reason": ""}}
    WHAT = "in check idle, it had taken the 20 s a submission may take"

    def test_the_check_begun_fails(self):
        g = self.grader()
        row = g.fill(self.blank(g), dict(self.PASSED), None, self.WHAT,
                     "idle")
        self.assertEqual([row[c] for c in g.klass.checks],
                         ["PASS", "FAIL", "NOT RUN"])
        self.assertEqual((row["passed"], row["failed"], row["not run"]),
                         (1, 1, 1))
        self.assertEqual(row["notes"], self.WHAT)
        # the first check begun: it was checked, and failed
        row = g.fill(self.blank(g), {}, None, self.WHAT, "one-line")
        self.assertEqual(row["one-line"], "FAIL")
        self.assertNotIn("not checked", row)

    def test_none_begun(self):
        g = self.grader()
        row = g.fill(self.blank(g), {}, None, "in its build, it had taken "
                     "the 20 s a submission may take", None)
        self.assertEqual((row["failed"], row["not run"], row["not checked"]),
                         (1, 3, True))


class FixedPort(unittest.TestCase):

    def listener(self):
        s = socket.socket()
        self.addCleanup(s.close)
        s.bind(("127.0.0.1", 0))
        s.listen()
        return s, s.getsockname()[1]

    def test_a_free_port_is_not_waited_for(self):
        s, port = self.listener()
        s.close()
        told = []
        self.assertEqual(batch.wait_for_port(port, "tcp", 5, told.append)[0],
                         None)
        self.assertEqual(told, [])

    def test_a_held_port_is_waited_for_at_most_the_limit(self):
        s, port = self.listener()
        told = []
        held, waited = batch.wait_for_port(port, "tcp", 0.3, told.append)
        self.assertEqual(held, "a listening socket of pid %d (%s)"
                         % (os.getpid(), batch.command_name(os.getpid())))
        self.assertGreaterEqual(waited, 0.3)
        self.assertEqual(told, ["port %d is held by %s: waiting for it (at "
                                "most 0.30 s)" % (port, held)])

    def test_time_wait_without_so_reuseaddr_is_the_kernels(self):
        s, port = self.listener()
        c = socket.create_connection(("127.0.0.1", port))
        self.addCleanup(c.close)
        a, _ = s.accept()
        a.close()  # the server closes first: its end goes to TIME_WAIT
        self.assertEqual(c.recv(1), b"")
        c.close()
        s.close()
        what, kernel = batch.holders(port, "tcp")
        # TIME_WAIT, or FIN_WAIT2 if the client's FIN is still on its way
        self.assertRegex(what, r"^1 connection in (TIME_WAIT|FIN_WAIT2), "
                         r"which the kernel closes by itself \(left by a "
                         r"program without SO_REUSEADDR\)$")
        self.assertTrue(kernel)

    def test_udp(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(s.close)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        self.assertTrue(batch.holders(port, "udp")[0].startswith(
            "a socket of pid %d" % os.getpid()))
        s.close()
        self.assertEqual(batch.holders(port, "udp"), ("", False))

    def test_proto_of(self):
        self.assertEqual([batch.proto_of(Run(k, ["x"])) for k in (
            "echo-server", "echo-client", "udp-receiver", "udp-sender")],
            ["tcp", "tcp", "udp", "udp"])


class Precompile(unittest.TestCase):
    """A tree with build/ gets each module of scripts/sockcheck compiled
    where scripts/check, inside the sandbox, looks for it: build/pycache,
    then the path the sandbox shows the module at (sandbox.TOOL)."""

    def tree(self, build):
        top = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, top)
        os.makedirs(os.path.join(top, "scripts", "sockcheck"))
        with open(os.path.join(top, "scripts", "sockcheck", "a.py"),
                  "w") as f:
            f.write("X = 1\n")
        if build:
            os.mkdir(os.path.join(top, "build"))
        return top

    def cached(self, top):
        return os.path.join(top, "build", "pycache",
                            sandbox.TOOL.lstrip("/"), "scripts", "sockcheck",
                            "a.%s.pyc" % sys.implementation.cache_tag)

    def test_compiled_for_the_sandbox_path(self):
        top = self.tree(build=True)
        sandbox.precompile(top)
        with open(self.cached(top), "rb") as f:
            data = f.read()
        st = os.stat(os.path.join(top, "scripts", "sockcheck", "a.py"))
        # a timestamp pyc of this source: magic, flags 0, mtime, size
        self.assertEqual(data[:4], importlib.util.MAGIC_NUMBER)
        self.assertEqual(int.from_bytes(data[4:8], "little"), 0)
        self.assertEqual(int.from_bytes(data[8:12], "little"),
                         int(st.st_mtime) & 0xFFFFFFFF)
        self.assertEqual(int.from_bytes(data[12:16], "little"), st.st_size)
        self.assertEqual(marshal.loads(data[16:]).co_filename,
                         os.path.join(sandbox.TOOL, "scripts", "sockcheck",
                                      "a.py"))
        # and the cache path is the one Python derives inside
        saved = sys.pycache_prefix
        sys.pycache_prefix = os.path.join(sandbox.TOOL, "build", "pycache")
        try:
            inside = importlib.util.cache_from_source(os.path.join(
                sandbox.TOOL, "scripts", "sockcheck", "a.py"))
        finally:
            sys.pycache_prefix = saved
        self.assertEqual(os.path.join(top, os.path.relpath(
            inside, sandbox.TOOL)), self.cached(top))

    def test_nothing_without_build(self):
        top = self.tree(build=False)
        sandbox.precompile(top)
        self.assertEqual(sorted(os.listdir(top)), ["scripts"])


if __name__ == "__main__":
    unittest.main()


class ProgramProcesses(unittest.TestCase):
    """In the sandbox, the program under test gets CHECKER_ROOM fewer
    processes than the checker, whose peers are threads (grading.py)."""

    def limit_for(self, soft):
        saved = grading.resource.getrlimit
        grading.resource.getrlimit = lambda what: (soft, soft)
        try:
            return grading.program_nproc()
        finally:
            grading.resource.getrlimit = saved

    def test_64_fewer_than_the_sandbox(self):
        self.assertEqual(grading.CHECKER_ROOM, 64)
        self.assertEqual(self.limit_for(sandbox.LIMITS.procs),
                         sandbox.LIMITS.procs - 64)

    def test_no_limit_of_its_own_where_none_holds(self):
        self.assertIsNone(self.limit_for(grading.resource.RLIM_INFINITY))
