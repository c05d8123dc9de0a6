"""scripts/sockcheck/runner.py: each check in turn, its verdict, and what
is done when a check cannot reach one."""

import os
import socket
import sys
import unittest
from types import SimpleNamespace
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import procfs, runner  # noqa: E402 (after the path is set)
from sockcheck.checks import Check, State  # noqa: E402
from sockcheck.common import NotReady  # noqa: E402


def check(func, name="x"):
    return Check("echo-server", name, "title", "rule", func)


class Command(unittest.TestCase):

    def test_port_and_host_are_put_in(self):
        run = runner.Run("echo-server",
                         ["./srv", "--port", "{port}", "--to={host}:{port}"])
        self.assertEqual(run.command(8080),
                         ["./srv", "--port", "8080",
                          "--to=127.0.0.1:8080"])
        self.assertEqual(run.argv[2], "{port}")

    def test_only_picks_checks_in_their_own_order(self):
        run = runner.Run("udp-sender", ["x"], only=["no-receiver", "lines"])
        self.assertEqual([c.name for c in run.checks],
                         ["lines", "no-receiver"])
        run = runner.Run("udp-sender", ["x"])
        self.assertEqual([c.name for c in run.checks],
                         ["lines", "long-line", "no-receiver"])


    def test_defaults(self):
        run = runner.Run("echo-server", ["x"])
        self.assertEqual((run.fixed_port, run.cwd, run.wait, run.strace,
                          run.broken), (None, None, 10, False, None))

    def test_next_id_counts_from_1(self):
        run = runner.Run("echo-server", ["x"])
        self.assertEqual([run.next_id(), run.next_id()], [1, 2])


class One(unittest.TestCase):
    """Run.one: a check's verdict, whatever its function does."""

    def setUp(self):
        self.run = runner.Run("echo-server", ["./srv", "{port}"])

    def test_a_pass(self):
        res = self.run.one(check(lambda run, res: res.passed("fine")))
        self.assertEqual((res.ok, res.message, res.reason), (True, "fine",
                                                             ""))
        self.assertGreaterEqual(res.seconds, 0.0)

    def test_a_failure(self):
        res = self.run.one(check(lambda run, res: res.failed("bad", "why")))
        self.assertEqual((res.ok, res.message, res.reason),
                         (False, "bad", "why"))

    def test_no_verdict_is_a_failure(self):
        res = self.run.one(check(lambda run, res: None))
        self.assertEqual((res.ok, res.message, res.reason),
                         (False, "The checker reached no verdict.",
                          "checker error"))

    def test_a_bug_in_the_checker_is_a_failure(self):
        def boom(run, res):
            raise ValueError("boom")
        res = self.run.one(check(boom))
        self.assertEqual((res.ok, res.message, res.reason),
                         (False, "The checker itself failed in this check: "
                          "ValueError: boom.", "checker error"))
        self.assertIsNone(self.run.broken)

    def test_a_program_that_cannot_start_stops_the_rest(self):
        def never(run, res):
            raise NotReady("It never listened.", "never listened")
        called = []
        res = self.run.one(check(never, "first"))
        self.assertEqual((res.ok, res.message, res.reason),
                         (False, "It never listened.", "never listened"))
        self.assertEqual(self.run.broken, "first")
        res = self.run.one(check(lambda run, res: called.append(1), "next"))
        self.assertEqual(called, [])
        self.assertEqual((res.ok, res.message, res.reason),
                         (False, "Not run: the program could not be started "
                          "in check first (see there).", "not run"))

    def test_a_not_ready_that_is_not_fatal(self):
        def busy(run, res):
            raise NotReady("Port taken.", "port busy", fatal=False)
        res = self.run.one(check(busy))
        self.assertEqual(res.reason, "port busy")
        self.assertIsNone(self.run.broken)
        self.assertTrue(self.run.one(check(
            lambda run, res: res.passed("ok"))).ok)

    def test_cleanup_runs_after_each_check(self):
        done = []

        def fails_to_close():
            done.append("closed")
            raise OSError("already closed")

        def uses(run, res):
            run.cleanup += [fails_to_close, None, lambda: done.append("2")]
            res.passed("ok")
        self.assertTrue(self.run.one(check(uses)).ok)
        self.assertEqual(done, ["closed", "2"])
        self.assertEqual((self.run.programs, self.run.cleanup), ([], []))


class Ended:
    """A program that ended at its bind(), as Run.one reads it."""

    def __init__(self, said):
        self.said = said

    def output(self):
        return self.said

    def returncode(self):
        return 1

    def trace_tail(self):
        return []

    def narration_tail(self):
        return []

    def stop(self):
        pass

    def fate(self, wait=0):
        return " The program had ended: it exited with status 1."

    def alive(self):
        return False

    def quiet(self, limit=0):
        """Ended: nothing to settle (the runner waits for a program to
        settle before it looks for a crash)."""


class TimeWait(unittest.TestCase):
    """On a fixed port, a check whose program could not bind it while
    connections of the checks before held it in TIME_WAIT: NOT RUN, and
    says why; the checks after it run. Restart's own failure stands."""

    def setUp(self):
        self.run = runner.Run("echo-server", ["./srv"], fixed_port=5555)

    def ends_at_bind(self, run, res):
        run.programs.append(Ended("bind: Address already in use\n"))
        raise NotReady("The program exited with status 1 before it "
                       "listened on port 5555.",
                       "ended before it listened on the port")

    def one(self, name, table):
        with mock.patch.object(procfs, "net_table", return_value=table):
            return self.run.one(check(self.ends_at_bind, name))

    WAITING = [SimpleNamespace(port=5555, state=procfs.Sock.TIME_WAIT)]

    def test_not_run_and_why(self):
        res = self.one("idle", self.WAITING)
        self.assertEqual((res.state, res.reason),
                         (State.NOT_RUN, "port in TIME_WAIT"))
        self.assertIn("could not take port 5555 again: connections that the "
                      "checks before this one made were still in TIME_WAIT "
                      "there", res.message)
        self.assertIn("(--only idle)", res.message)
        self.assertIsNone(self.run.broken)  # the next checks run

    def test_with_nothing_in_time_wait_it_fails(self):
        res = self.one("idle", [])
        self.assertEqual(res.state, State.FAILED)
        self.assertEqual(self.run.broken, "idle")

    def test_restart_fails_on_it(self):
        res = self.one("restart", self.WAITING)
        self.assertEqual(res.state, State.FAILED)

    def test_a_connection_still_closing_holds_the_port_too(self):
        # the program's end of a connection in LAST_ACK (or FIN_WAIT2...)
        # stops a bind() without SO_REUSEADDR as TIME_WAIT does
        res = self.one("idle", [SimpleNamespace(port=5555, state=9)])
        self.assertEqual((res.state, res.reason),
                         (State.NOT_RUN, "port held by closing connections"))
        self.assertIn("were still in LAST_ACK there", res.message)


class FixedPortFree(unittest.TestCase):
    """On a fixed port, the next check's program starts once the last
    one's ends of connections are no longer closing: a connection in
    FIN_WAIT2 (its program gone, the peer still open) is waited for."""

    def test_it_waits_for_a_closing_connection(self):
        port = procfs.free_port("tcp")
        lsn = socket.create_server(("127.0.0.1", port))
        peer = socket.create_connection(("127.0.0.1", port))
        mine, _ = lsn.accept()
        lsn.close()
        mine.close()  # the program's end: FIN_WAIT1, then FIN_WAIT2
        # (once the kernel has taken the peer's ACK), while peer is open
        self.assertIn(procfs.connections_on(port),
                      (["FIN_WAIT1"], ["FIN_WAIT2"]))
        run = runner.Run("echo-server", ["./srv"], fixed_port=port)
        closed = []

        def sleep(_):  # port_for waits: now the peer closes
            if not closed:
                closed.append(True)
                peer.close()
        try:
            with mock.patch.object(runner.time, "sleep", side_effect=sleep):
                self.assertEqual(run.port_for("tcp"), port)
        finally:
            peer.close()
        self.assertEqual(closed, [True])  # it waited for the close
        self.assertEqual(procfs.connections_on(port), ["TIME_WAIT"])


class RunChecks(unittest.TestCase):

    def test_every_check_reported_in_turn(self):
        run = runner.Run("echo-server", ["./srv", "{port}"])
        run.checks = [check(lambda run, res: res.passed("a"), "a"),
                      check(lambda run, res: res.failed("b", "why"), "b")]
        seen = []

        class Reporter:
            def start(self):
                seen.append("start")

            def begin(self, chk):
                seen.append(chk.name)

            def add(self, res):
                seen.append((res.check.name, res.ok,
                             run in runner.ALIVE))

        results = runner.run_checks(run, Reporter())
        self.assertEqual([r.ok for r in results], [True, False])
        self.assertEqual(seen, ["start", "a", ("a", True, True),
                                "b", ("b", False, True)])
        self.assertNotIn(run, runner.ALIVE)


class StopEverything(unittest.TestCase):
    """The signal handler: every run ends its programs, then the exit."""

    def test_ends_every_run_and_exits_128_plus_the_signal(self):
        ended = []
        runs = [runner.Run("echo-server", ["x"]) for _ in range(2)]
        for run in runs:
            run.cleanup.append(lambda run=run: ended.append(run))
        saved = list(runner.ALIVE)
        runner.ALIVE[:] = runs
        self.addCleanup(runner.ALIVE.__setitem__, slice(None), saved)
        with self.assertRaises(SystemExit) as cm:
            runner.stop_everything(15, None)
        self.assertEqual(cm.exception.code, 143)
        self.assertEqual(ended, runs)


class Program:
    """A stand-in for a started program: stop() notes that it ran."""

    def __init__(self, run, name):
        self.name, self.stopped = name, 0
        run.programs.append(self)

    def stop(self):
        self.stopped += 1


class Again(unittest.TestCase):
    """Run.again: a second run of the program beside the check's first."""

    def setUp(self):
        self.run = runner.Run("echo-server", ["x"])
        self.first = Program(self.run, "first")
        self.closed = []
        self.run.cleanup.append(lambda: self.closed.append("first's peer"))

    def test_first_stopped_before_second_after_first_kept(self):
        def second(word):
            # the first run's programs and peers have been ended
            self.assertEqual((self.first.stopped, self.closed, word),
                             (1, ["first's peer"], "hello"))
            self.assertEqual(self.run.programs, [])
            self.second = Program(self.run, "second")
            return 42
        self.assertEqual(self.run.again(second, "hello"), 42)
        self.assertEqual(self.second.stopped, 1)
        self.assertEqual(self.run.programs, [self.first])
        self.assertEqual(self.run.cleanup, [])

    def test_also_when_the_second_run_raises(self):
        def second():
            self.second = Program(self.run, "second")
            raise NotReady("never listened", "never listened")
        with self.assertRaises(NotReady):
            self.run.again(second)
        self.assertEqual(self.second.stopped, 1)
        self.assertEqual(self.run.programs, [self.first])


class TailLines(unittest.TestCase):
    """The program's last lines, shown under a failed check."""

    def test_the_last_four_lines_with_text(self):
        self.assertEqual(runner.tail_lines("1\n2\n\n3\n  \n4  \n5\n"),
                         ["2", "3", "4", "5"])
        self.assertEqual(runner.tail_lines("a\nb\n", 1), ["b"])
        self.assertEqual(runner.tail_lines(""), [])

    def test_control_characters_and_long_lines(self):
        self.assertEqual(runner.tail_lines("a\tb\x1b[0m\n"), ["a\\x09b\\x1b[0m"])
        self.assertEqual(runner.tail_lines("y" * 101),
                         ["y" * 97 + "..."])
        self.assertEqual(runner.tail_lines("y" * 100), ["y" * 100])


if __name__ == "__main__":
    unittest.main()


class Crashed(Ended):
    """A program that printed a traceback and ended while a check ran."""


class CrashOverNotRun(unittest.TestCase):
    """A check that could not judge what it is about, but saw the program
    crash on its way, fails; one that looked at nothing stays NOT RUN."""

    TRACEBACK = ("Traceback (most recent call last):\n"
                 '  File "srv.py", line 3, in <module>\n'
                 "ValueError: bad byte\n")

    def one(self, reason):
        def func(run, res):
            run.programs.append(Crashed(self.TRACEBACK))
            res.not_run("Not run: the exchange failed.", reason)
        return runner.Run("echo-server", ["./srv"]).one(check(func, "idle"))

    def test_a_crash_fails_it(self):
        res = self.one("exchange failed")
        self.assertEqual((res.state, res.reason),
                         (State.FAILED, "traceback"))
        self.assertIn("The program printed a Python traceback (ValueError: "
                      "bad byte) while this check ran", res.message)
        self.assertIn("could not judge what it is about: the exchange "
                      "failed.", res.message)

    def test_not_a_crash_a_check_before_it_failed(self):
        run = runner.Run("echo-server", ["./srv"])

        def crashes(run, res):
            run.programs.append(Crashed(self.TRACEBACK))
            res.failed("It crashed.", "traceback")

        def not_run(run, res):
            run.programs.append(Crashed(self.TRACEBACK))
            res.not_run("Not run: the exchange failed.", "exchange failed")
        self.assertEqual(run.one(check(crashes, "one-line")).state,
                         State.FAILED)
        # the same crash again: the check before shows it
        self.assertEqual(run.one(check(not_run, "idle")).state,
                         State.NOT_RUN)

    def test_not_when_it_looked_at_nothing(self):
        res = self.one("port in TIME_WAIT")
        self.assertEqual(res.state, State.NOT_RUN)
