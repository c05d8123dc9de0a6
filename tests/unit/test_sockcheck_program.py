"""scripts/sockcheck/program.py: Capture, which keeps the head and the
tail of its output; and which processes are a program's, told apart from
what an earlier program of the same run left behind."""

import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import program  # noqa: E402 (after the path is set)
from sockcheck import spec_server  # noqa: E402


class SmallCapture(program.Capture):
    HEAD = 4
    TAIL = 3


class Capture(unittest.TestCase):

    def capture(self, data, cls=program.Capture):
        """A Capture of a pipe that gets data and is closed."""
        r, w = os.pipe()
        cap = cls(r)
        os.write(w, data)
        os.close(w)
        cap.thread.join(5)
        self.assertFalse(cap.thread.is_alive())
        self.addCleanup(os.close, r)
        return cap

    def test_everything_it_wrote(self):
        cap = self.capture(b"hello\nworld\n")
        self.assertEqual(cap.text(), "hello\nworld\n")
        self.assertEqual(cap.total, 12)

    def test_bytes_that_are_not_utf8(self):
        self.assertEqual(self.capture(b"a\xffb").text(), "a\ufffdb")

    def test_the_head_and_the_tail_of_a_long_output(self):
        cap = self.capture(b"abcdefghij", SmallCapture)
        self.assertEqual(cap.text(), "abcd\n[... 3 bytes left out ...]\nhij")

    def test_nothing_left_out_between_head_and_tail(self):
        cap = self.capture(b"abcdefg", SmallCapture)
        self.assertEqual(cap.text(), "abcdefg")


# a process that leaves one zombie child (it never calls wait()) and
# sleeps
ZOMBIE_MAKER = ("import os, time\n"
                "if os.fork() == 0:\n"
                "    os._exit(0)\n"
                "time.sleep(30)\n")


class OneRun:
    """What Program needs of a run: a command, and nothing else on."""
    narrate = strace = False
    spec = cwd = None

    def __init__(self, tmpdir):
        self.programs = []
        self.tmpdir = tmpdir

    def command(self, port):
        return [sys.executable, "-c", ZOMBIE_MAKER]


class Leftovers(unittest.TestCase):

    def zombie_children(self, pid, count=1):
        """Wait (5 s at most) until pid has count zombie children."""
        for _ in range(250):
            kids = [k for k in program.my_procs().values()
                    if k["ppid"] == pid and k["state"] == "Z"]
            if len(kids) >= count:
                return
            time.sleep(0.02)
        self.fail("pid %d made no zombie" % pid)

    def test_an_earlier_programs_orphan_is_not_this_programs(self):
        # An earlier program's process that its stop() could not end yet
        # is a child of the checker, with a zombie child of its own. A
        # program started after it does not own it, nor its zombie.
        old = subprocess.Popen([sys.executable, "-c", ZOMBIE_MAKER])
        self.addCleanup(old.wait)
        self.addCleanup(old.kill)
        self.zombie_children(old.pid)
        time.sleep(0.05)  # a clock tick (10 ms) or more: it is older
        tmp = tempfile.mkdtemp()
        self.addCleanup(os.rmdir, tmp)
        prog = program.Program(OneRun(tmp), 0)
        self.addCleanup(prog.stop)
        self.zombie_children(prog.pid)
        self.assertNotIn(old.pid, prog.pids(zombies=True))
        self.assertIn(old.pid, prog.pids(zombies=True, leftovers=True))
        self.assertEqual([pp for _, pp in spec_server.zombies(prog)],
                         [prog.pid])



class QuietOut:
    """What Program.settled() reads of a Capture: nothing unread, 7
    bytes so far; its own settled() (the fallback) says -1."""

    def __init__(self):
        import threading
        self.lock = threading.Lock()
        self.total = 7

    def unread(self):
        return 0

    def settled(self, limit=1.0):
        return -1  # (the mark after the limit: told apart)


class Settled(unittest.TestCase):
    """Program.settled(): a mark once the program waits, or after its
    limit if it never does."""

    def program(self, code):
        """A Program of a Python child that has started code (it says
        so first)."""
        child = subprocess.Popen(
            [sys.executable, "-c", "print('go', flush=True)\n" + code],
            stdout=subprocess.PIPE)
        self.addCleanup(child.stdout.close)
        self.addCleanup(child.wait)
        self.addCleanup(child.kill)
        self.assertEqual(child.stdout.readline(), b"go\n")
        self.child = child
        prog = program.Program.__new__(program.Program)
        prog.out = QuietOut()
        prog.pids = lambda: [child.pid]
        return prog

    def test_a_sleeping_program_is_waiting(self):
        prog = self.program("import time; time.sleep(30)")
        deadline = time.monotonic() + 10
        while not prog.waiting() and time.monotonic() < deadline:
            time.sleep(0.05)  # (between its print and its sleep)
        self.assertTrue(prog.waiting())
        # It is settled while the program still sleeps: had settled()
        # waited out its limit of 60 s, the 30 s sleep, begun before it,
        # would have ended, and the program with it.
        self.assertEqual(prog.settled(limit=60), 7)
        self.assertIsNone(self.child.poll())

    def test_a_computing_program_is_not(self):
        prog = self.program("while True: pass")
        self.assertFalse(prog.waiting())
        start = time.monotonic()
        self.assertEqual(prog.settled(limit=0.5), -1)
        self.assertGreaterEqual(time.monotonic() - start, 0.5)  # lower bound


if __name__ == "__main__":
    unittest.main()
