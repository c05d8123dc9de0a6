"""scripts/sockcheck/python2.py: a Python 2 program named as such, from
its command, its script's first line and how it died."""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import python2, runner  # noqa: E402 (after the path is set)
from sockcheck.checks import Check, State  # noqa: E402

SYNTAX = ('  File "/home/ann/server.py", line 7\n'
          '    print "listening"\n'
          '    ^^^^^^^^^^^^^^^^^\n'
          "SyntaxError: Missing parentheses in call to 'print'. Did you mean "
          "print(...)?\n")


class Python2(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, self.dir)

    def write(self, name, text, mode=0o644):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)
        os.chmod(os.path.join(self.dir, name), mode)

    def test_a_print_statement_is_named_with_its_line(self):
        self.write("server.py", 'print "listening"\n')
        why = python2.diagnose(["python3", "server.py", "8000"], self.dir,
                               [(SYNTAX, 1)])
        self.assertTrue(why.startswith(
            "This is a Python 2 program (Python 3 stopped at line 7 of "
            "server.py before running anything: SyntaxError: Missing "
            "parentheses in call to 'print'), and Python 2 is not supported "
            "here (Debian has no python2): port it to Python 3, where print "
            "\"x\" becomes print(\"x\")"), why)
        self.assertEqual(why.count(". "), 0, why)  # one sentence

    def test_a_name_only_python2_has_is_named(self):
        why = python2.diagnose(["python3", "x.py"], self.dir, [(
            '  File "x.py", line 9, in <module>\n'
            "NameError: name 'raw_input' is not defined\n", 1)])
        self.assertTrue(why.startswith(
            "This is a Python 2 program (Python 3 stopped at line 9 of "
            "x.py: NameError: name 'raw_input' is not defined), and Python "
            "2 is not supported here"), why)

    def test_text_and_bytes_mixed_in_a_script_that_calls_raw_input(self):
        died = ('  File "srv.py", line 14, in <module>\n'
                "TypeError: can only concatenate str (not \"bytes\") to "
                "str\n")
        self.write("srv.py", 'usr = c.recv(1024)\nprint("C: " + usr)\n'
                   'msg = raw_input("reply: ")\n')
        why = python2.diagnose(["python3", "srv.py"], self.dir, [(died, 1)])
        self.assertTrue(why.startswith(
            "This is a Python 2 program (it calls raw_input(), which only "
            "Python 2 has, and Python 3 stopped at line 14 of srv.py: "
            "TypeError: can only concatenate str (not \"bytes\") to str)"),
            why)
        # the same mistake in a Python 3 program is its own, not Python 2's
        self.write("srv.py", 'usr = c.recv(1024)\nprint("C: " + usr)\n')
        self.assertIsNone(python2.diagnose(["python3", "srv.py"], self.dir,
                                           [(died, 1)]))
        # and a program still running has not died of it
        self.assertIsNone(python2.diagnose(["python3", "x.py"], self.dir, [(
            "NameError: name 'raw_input' is not defined\n", None)]))

    def test_an_exec_statement_too(self):
        why = python2.diagnose(["python3", "x.py"], self.dir, [(
            "SyntaxError: Missing parentheses in call to 'exec'\n", 1)])
        self.assertIn("call to 'exec'", why)

    def test_a_first_line_asking_for_python2_and_a_quick_death(self):
        self.write("client", "#!/usr/bin/env python2\nimport socket\n",
                   0o755)
        for out, rc in (("/usr/bin/env: 'python2': No such file or "
                         "directory\n", 127),
                        ("  File \"client\", line 3\n    except OSError, "
                         "e:\nSyntaxError: multiple exception types must "
                         "be parenthesized\n", 1)):
            why = python2.diagnose(["./client", "8000"], self.dir,
                                   [(out, rc)])
            self.assertIn("(the first line of client, #!/usr/bin/env "
                          "python2, asks for Python 2)", why)
            self.assertTrue(why.endswith(
                "and make that line #!/usr/bin/env python3."), why)

    def test_a_command_that_starts_python2(self):
        why = python2.diagnose(["python2", "c.py"], self.dir,
                               [("python2: command not found\n", 127)])
        self.assertIn("(its command starts python2)", why)

    def test_not_python2(self):
        self.write("server.py", "#!/usr/bin/env python2\nprint('hi')\n")
        self.write("good.py", "#!/usr/bin/env python3\n")
        for argv, ended in (
                # asks for python2, but runs (or failed otherwise)
                (["python3", "server.py"], [("hi\n", None)]),
                (["python3", "server.py"], [("Traceback (most recent call "
                                             "last):\nValueError: x\n", 1)]),
                # a SyntaxError of Python 3's own
                (["python3", "good.py"], [("SyntaxError: invalid syntax\n",
                                           1)]),
                (["./srv"], [("./srv: not found\n", 127)]),
                (["python3", "-c", "pass"], [("", 0)]),
                ([], [])):
            self.assertIsNone(python2.diagnose(argv, self.dir, ended),
                              argv)

    def test_script_of(self):
        self.write("s.py", "x = 1\n")
        self.write("run.sh", "#!/bin/sh\n", 0o755)
        self.write("bin", "\x7fELF", 0o755)
        d = self.dir
        self.assertEqual(python2.script_of(["python3", "-u", "s.py"], d),
                         os.path.join(d, "s.py"))
        self.assertEqual(python2.script_of(["nice", "python3", "s.py"], d),
                         os.path.join(d, "s.py"))
        self.assertEqual(python2.script_of(["./run.sh", "s.py"], d),
                         os.path.join(d, "./run.sh"))
        self.assertEqual(python2.script_of(["./bin", "s.py"], d),
                         os.path.join(d, "s.py"))
        self.assertIsNone(python2.script_of(["python3", "t.py"], d))


class Dead:
    """A program that died at once, as Run.one sees it."""

    def __init__(self, text, rc):
        self.text, self.rc = text, rc

    def output(self):
        return self.text

    def returncode(self):
        return self.rc

    def stop(self):
        pass

    def trace_tail(self):
        return []

    def narration_tail(self):
        return []

    def fate(self, wait=0):
        return " The program had ended."

    def alive(self):
        return False

    def quiet(self, limit=0):
        """Ended: nothing to settle (the runner waits for a program to
        settle before it looks for a crash)."""


class InARun(unittest.TestCase):

    def test_the_first_failure_names_it_and_the_rest_are_not_run(self):
        def fails(run, res):
            run.programs.append(Dead(SYNTAX, 1))
            res.failed("It ended before it listened.", "ended")
        run = runner.Run("echo-server", ["python3", "server.py", "{port}"])
        first = run.one(Check("echo-server", "a", "t", "r", fails))
        self.assertEqual((first.ok, first.reason), (False,
                                                    "Python 2 program"))
        self.assertIn("SyntaxError: Missing parentheses", first.message)
        self.assertEqual(first.output[-1][:40], SYNTAX.splitlines()[-1][:40])
        second = run.one(Check("echo-server", "b", "t", "r", fails))
        self.assertIs(second.state, State.SKIPPED)
        self.assertEqual(second.message, "Not run: Python 2 code stopped "
                         "the program in check a (see there).")

    def test_another_failure_is_left_as_it_is(self):
        def fails(run, res):
            run.programs.append(Dead("Traceback (most recent call last):\n"
                                     "OSError: x\n", 1))
            res.failed("It ended before it listened.", "ended")
        run = runner.Run("echo-server", ["python3", "server.py", "{port}"])
        res = run.one(Check("echo-server", "a", "t", "r", fails))
        self.assertEqual((res.reason, run.broken), ("ended", None))


if __name__ == "__main__":
    unittest.main()
