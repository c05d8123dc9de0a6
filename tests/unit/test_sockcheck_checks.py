"""The checks' own logic that needs no program: the registry, and how a
program's output and ending are read and put into words."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import checks, echo_server, kinds, peers, spec_server, \
    udp_sender  # noqa: E402
from sockcheck.procfs import show_addr  # noqa: E402
from sockcheck.common import KINDS  # noqa: E402


class FakeProgram:
    """What the helpers ask of a Program: its output so far, and the
    status the process the checker started ended with (None: it runs)."""

    stopped = False

    def __init__(self, text="", first=None):
        self.text = text
        self.first = first

    def output(self):
        return self.text

    def returncode(self):
        return self.first


TRACEBACK = ("Traceback (most recent call last):\n  File \"c.py\"\n"
             "EOFError: EOF when reading a line\n")
ASAN = "==7==ERROR: AddressSanitizer: heap-buffer-overflow on 0x1\n"


class Registry(unittest.TestCase):
    """Every kind's checks, in the order they run (and --list shows)."""

    EXPECTED = {
        "echo-server": ["loopback", "one-line", "split-line", "one-megabyte",
                        "twenty-clients"],
        "echo-client": ["one-line", "closes-early", "pieces", "refused"],
        "udp-receiver": ["loopback", "datagram", "empty", "truncated",
                         "burst"],
        "udp-sender": ["lines", "long-line", "no-receiver"],
    }

    def test_the_checks_of_each_kind_in_order(self):
        self.assertEqual(list(checks.CHECKS), list(KINDS))
        for kind in KINDS:
            self.assertEqual([c.name for c in checks.CHECKS[kind]],
                             self.EXPECTED[kind], kind)

    # With the generic checks of the spec each kind plays (kinds.py):
    # a spec check that the kind's own checks make is left out.
    WITH_SPEC = {
        "echo-server": EXPECTED["echo-server"] + [
            "idle", "descriptors", "zombies", "silent-client", "reset",
            "half-close", "sigpipe", "never-reads", "not-utf8", "empty-line",
            "long-line", "recv-pieces", "short-send", "eintr", "restart"],
        "echo-client": EXPECTED["echo-client"] + [
            "not-utf8", "empty-line", "long-line", "long-input", "bad-input",
            "short-send"],
        "udp-receiver": EXPECTED["udp-receiver"] + [
            "in-turn", "idle", "not-utf8"],
        "udp-sender": EXPECTED["udp-sender"],
    }

    def test_every_kind_plays_the_generic_checks_of_its_spec(self):
        for kind in KINDS:
            chks, spec = kinds.kind_checks(kind)
            self.assertIsNotNone(spec, kind)
            self.assertEqual([c.name for c in chks], self.WITH_SPEC[kind],
                             kind)
            # the spec's, in its order, after the kind's own
            # each OWN entry names a check of the kind and one of its spec
            mine = {c.name for c in checks.CHECKS[kind]}
            theirs = {c.name for c in spec_server.checks_for(spec)}
            for spec_name, kind_name in checks.OWN[kind].items():
                self.assertIn(kind_name, mine, kind)
                self.assertIn(spec_name, theirs, kind)
            own = mine | set(checks.OWN[kind])
            self.assertEqual(
                [c.name for c in chks[len(checks.CHECKS[kind]):]],
                [c.name for c in spec_server.checks_for(spec)
                 if c.name not in own], kind)

    def test_each_check_has_its_kind_words_and_a_function(self):
        for kind in KINDS:
            for c in checks.CHECKS[kind]:
                self.assertEqual(c.kind, kind)
                self.assertTrue(c.title and c.rule, c.name)
                self.assertTrue(callable(c.func), c.name)

    def test_the_decorator_registers_and_returns_the_function(self):
        def func(run, res):
            pass
        before = list(checks.CHECKS["udp-sender"])
        self.addCleanup(checks.CHECKS.__setitem__, "udp-sender", before)
        self.assertIs(checks.check("udp-sender", "extra", "a title",
                                   "a rule")(func), func)
        last = checks.CHECKS["udp-sender"][-1]
        self.assertEqual((last.kind, last.name, last.title, last.rule,
                          last.func),
                         ("udp-sender", "extra", "a title", "a rule", func))


class Results(unittest.TestCase):

    def test_a_result_starts_without_a_verdict(self):
        res = checks.Result("chk")
        self.assertEqual((res.check, res.state, res.ok, res.message,
                          res.reason, res.output, res.trace, res.seconds),
                         ("chk", checks.State.UNDECIDED, False, "", "", [],
                          [], 0.0))

    def test_passed_and_failed(self):
        res = checks.Result(None)
        res.passed("all good")
        self.assertEqual((res.ok, res.message, res.reason),
                         (True, "all good", ""))
        res.failed("it broke", "broken")
        self.assertEqual((res.ok, res.message, res.reason),
                         (False, "it broke", "broken"))

    # each way to give a verdict, and what a result says after it alone:
    # (state, status, counts as passed, ran)
    VERDICTS = {
        "passed": (lambda r: r.passed("m"),
                   (checks.State.PASSED, "PASS", True, True)),
        "noted": (lambda r: r.noted("m", "why"),
                  (checks.State.NOTED, "NOTE", True, True)),
        "failed": (lambda r: r.failed("m", "why"),
                   (checks.State.FAILED, "FAIL", False, True)),
        "not_run": (lambda r: r.not_run("m", "why"),
                    (checks.State.NOT_RUN, "NOT RUN", False, False)),
        "skip": (lambda r: r.skip("m"),
                 (checks.State.SKIPPED, "NOT RUN", False, False)),
    }

    def test_a_result_has_exactly_one_state(self):
        # the last verdict given is the whole of it: nothing is left of
        # an earlier one (a NOTE that then fails is a FAIL, not a NOTE)
        for first, (give_first, _) in self.VERDICTS.items():
            for last, (give, said) in self.VERDICTS.items():
                res = checks.Result(None)
                give_first(res)
                give(res)
                self.assertEqual((res.state, res.status(), res.ok, res.ran),
                                 said, "%s, then %s" % (first, last))
        self.assertEqual(len({said[0] for _, said in
                              self.VERDICTS.values()}), 5)


class NotMeasured(unittest.TestCase):
    """A check that could not measure what it is about says NOT RUN, with
    the reason, not FAIL: the checks that serve clients fail the
    program for not serving them. But a defect it saw itself (the first
    client served, a later one not) is its FAIL."""

    class Prog:
        def fate(self):
            return " The program is still running."

        def fds(self):
            return 4, 1

    def test_descriptors_with_no_first_client_served(self):
        res = checks.Result(None)
        checks.count_descriptors(self.Prog(), res, lambda n, first: (
            0, "Client %d could not connect: refused." % first))
        self.assertEqual((res.status(), res.reason),
                         ("NOT RUN", "not measured: first client not served"))

    def test_descriptors_with_one_of_twenty_served(self):
        res = checks.Result(None)
        checks.count_descriptors(self.Prog(), res, lambda n, first: (
            1, "Client %d could not connect: refused." % (first + 1)))
        # the first was served: a later one not served is a defect seen
        # here, a FAIL (a spec's in-turn plays only 5 clients)
        self.assertEqual((res.status(), res.reason),
                         ("FAIL", "served 1 of 20 more clients"))
        self.assertIn("of 20 more, 1 was served; the next one: "
                      "client 3 could not connect", res.message)


class BusyWords(unittest.TestCase):
    """The few words of a spin (a CSV's notes) say why it counts as one:
    on a loaded machine a program always ready to run may get little of
    a CPU, and "0.00 s of CPU in 1.00 s" alone reads as no spin."""

    @staticmethod
    def busy(cpu, share):
        b = checks.Busy.__new__(checks.Busy)
        b.cpu, b.span, b.share, b.looks = cpu, 1.0, share, 50
        return b

    def test_ready_to_run_with_little_cpu(self):
        self.assertEqual(self.busy(0.0, 0.96).short(),
                         "0.00 s of CPU in 1.00 s, and ready to run at 96% "
                         "of 50 looks")

    def test_half_a_cpu_is_said_with_its_looks_too(self):
        # the same words whichever made it a spin: on a quiet machine the
        # CPU, on a busy one the looks (a batch's rows must not move)
        self.assertEqual(self.busy(0.9, 0.96).short(),
                         "0.90 s of CPU in 1.00 s, and ready to run at 96% "
                         "of 50 looks")


class LastWords(unittest.TestCase):
    """What a program said last, as quoted in a check's sentence."""

    def test_the_last_line_that_says_what_happened(self):
        text = ("Connecting to 127.0.0.1\nError: connection refused\n"
                "bye\n\n")
        self.assertEqual(checks.last_words(text),
                         '"Error: connection refused"')

    def test_narration_and_indented_lines_are_passed_over(self):
        text = ("server closed the line\n  recv() failed: closed\n"
                "close(3) = 0\n")
        self.assertEqual(checks.last_words(text), '"server closed the line"')

    def test_else_the_last_plain_line(self):
        self.assertEqual(checks.last_words("hello\nworld  \n"), '"world"')
        self.assertEqual(checks.last_words("hello\nclose(3) = 0\n"),
                         '"hello"')
        self.assertEqual(checks.last_words("main line\n refused!\n"),
                         '"main line"')

    def test_else_the_last_line_of_any(self):
        self.assertEqual(checks.last_words("  a\n  b\n"), '"b"')

    def test_nothing_said(self):
        self.assertIsNone(checks.last_words(""))
        self.assertIsNone(checks.last_words("\n  \n"))

    def test_escaped_and_cut_at_80_bytes(self):
        self.assertEqual(checks.last_words("a\tb\n"), '"a\\x09b"')
        self.assertEqual(checks.last_words("z" * 100),
                         '"%s"...' % ("z" * 80))


class Endings(unittest.TestCase):
    """How a client ended, in the reason and in the sentence."""

    def test_short_end(self):
        self.assertEqual(checks.short_end(FakeProgram(), None), "hangs")
        self.assertEqual(checks.short_end(FakeProgram(TRACEBACK), 1),
                         "Python traceback (EOFError)")
        self.assertEqual(checks.short_end(FakeProgram(ASAN), 1),
                         "sanitizer error")
        self.assertEqual(checks.short_end(FakeProgram("bye\n"), -13),
                         "was killed by SIGPIPE")

    def test_crashed_by_a_signal_without_a_name(self):
        # a real-time signal (SIGRTMIN+6 on Linux) has no name of its
        # own: said by number, not a failure of the checker
        self.assertEqual(checks.crashed(FakeProgram(first=-40)),
                         "killed by signal 40")
        self.assertEqual(checks.crashed(FakeProgram(first=-11)),
                         "killed by SIGSEGV")

    def test_a_program_that_left_a_process_running(self):
        # its first process exited by itself; one it started went on
        left = FakeProgram(first=0)
        self.assertEqual(checks.short_end(left, None),
                         "left a process running")
        self.assertEqual(checks.ending(left, None, 5.0, 0.1, 5.0,
                                       "after its start"),
                         "exited with status 0; a process it started was "
                         "still running 5.00 s after its start")
        # ended by the checker's own signal: not an end of its own
        stopped = FakeProgram(first=-15)
        stopped.stopped, stopped.ended_before_stop = True, None
        self.assertEqual(checks.short_end(stopped, None), "hangs")

    def test_ending_of_a_program_still_running(self):
        self.assertEqual(checks.ending(FakeProgram(), None, 5.0, 0.1, 5.0,
                                       "after its start"),
                         "was still running 5.00 s after its start")
        self.assertEqual(checks.ending(FakeProgram(), None, 5.0, 2.0, 5.0,
                                       "later"),
                         "was still running 5.00 s later, using 2.00 s of "
                         "CPU: it spins")
        # a quarter of the time limit is still waiting, not spinning
        self.assertEqual(checks.ending(FakeProgram(), None, 4.0, 1.0, 4.0,
                                       "later"),
                         "was still running 4.00 s later")

    def test_ending_of_a_program_that_ended(self):
        self.assertEqual(checks.ending(FakeProgram("ok\n"), 0, 1, 0, 5, "x"),
                         "exited with status 0")
        self.assertEqual(checks.ending(FakeProgram(TRACEBACK), 1, 1, 0, 5,
                                       "x"),
                         "exited with status 1 after a Python traceback "
                         "(EOFError: EOF when reading a line)")
        self.assertEqual(checks.ending(FakeProgram(ASAN), 1, 1, 0, 5, "x"),
                         "exited with status 1 after ERROR: AddressSanitizer: "
                         "heap-buffer-overflow on 0x1")
        self.assertEqual(checks.ending(FakeProgram(
            "c.c:3:9: runtime error: null pointer\n"), -6, 1, 0, 5, "x"),
            "was killed by SIGABRT after runtime error: null pointer")

    def test_client_crashed(self):
        self.assertTrue(checks.client_crashed(FakeProgram(), None))
        self.assertTrue(checks.client_crashed(FakeProgram(), -13))
        self.assertTrue(checks.client_crashed(FakeProgram(), 141))
        self.assertTrue(checks.client_crashed(FakeProgram(TRACEBACK), 1))
        self.assertTrue(checks.client_crashed(FakeProgram(ASAN), 0))
        self.assertFalse(checks.client_crashed(FakeProgram("refused\n"), 1))
        self.assertFalse(checks.client_crashed(FakeProgram(), 0))
        self.assertFalse(checks.client_crashed(FakeProgram(), 200))
        self.assertFalse(checks.client_crashed(FakeProgram(), 128))
        self.assertTrue(checks.client_crashed(FakeProgram(), 129))
        self.assertTrue(checks.client_crashed(FakeProgram(), 192))
        self.assertFalse(checks.client_crashed(FakeProgram(), 193))


class EchoTrouble(unittest.TestCase):
    """The sentence on an echo that did not come back whole."""

    LINE = b"hello, sockstep\n"

    def trouble(self, got, how):
        return peers.echo_trouble(self.LINE, got, how, 3.0)

    def test_nothing_or_part_of_it_in_time(self):
        self.assertEqual(self.trouble(b"", "timeout"),
                         "Nothing came back within 3.00 s.")
        self.assertEqual(self.trouble(b"hell", "timeout"),
                         "Only 4 of the 16 bytes came back within 3.00 s.")

    def test_closed_or_reset(self):
        self.assertEqual(self.trouble(b"he", "eof"),
                         "The program closed the connection after sending "
                         "back 2 of the 16 bytes.")
        self.assertEqual(self.trouble(b"", "reset"),
                         "The program reset the connection (ECONNRESET) "
                         "after sending back 0 of the 16 bytes.")

    def test_another_error(self):
        self.assertEqual(self.trouble(b"h", "Broken pipe"),
                         "Reading the echo failed (Broken pipe) after 1 "
                         "bytes.")

    def test_other_bytes_came_back(self):
        self.assertEqual(self.trouble(b"HELLO, SOCKSTEP\n", "ok"),
                         '16 bytes came back, but not the same: sent '
                         '"hello, sockstep\\n", got "HELLO, SOCKSTEP\\n".')

    def test_more_bytes_came_back(self):
        self.assertEqual(self.trouble(self.LINE + b"!", "ok"),
                         '17 bytes came back for 16 sent: '
                         '"hello, sockstep\\n!".')

    def test_a_buffer_sent_whole_is_named(self):
        self.assertEqual(self.trouble(self.LINE + b"\x00", "ok"),
                         'The line came back, then 1 byte more that was '
                         'never sent, starting with a NUL byte: "\\x00". '
                         'The program probably sends its whole buffer '
                         '(sizeof, or a fixed count) where it should send '
                         'the length of the text in it (strlen(), or what '
                         'recv() returned).')


class FakeSock:
    """What wider_words asks of a bound socket: its address."""

    def __init__(self, ip, port=7777):
        self.ip, self.port = ip, port

    def where(self):
        return show_addr(self.ip, self.port)


class WiderWords(unittest.TestCase):
    """A server bound wider than loopback: a note that says what it means
    and how to keep it to this machine, for a kind and a spec."""

    def test_every_address(self):
        words = checks.wider_words([FakeSock("0.0.0.0")], "tcp")
        self.assertIn("The program listens on 0.0.0.0:7777: every address "
                      "of this machine", words)
        self.assertIn("bind 127.0.0.1 (in Python, bind((\"127.0.0.1\", "
                      "port))", words)
        self.assertNotIn("spec", words)

    def test_every_ipv6_address_and_the_spec(self):
        words = checks.wider_words([FakeSock("::")], "udp", spec=True)
        self.assertIn("The program is bound to [::]:7777: every address",
                      words)
        self.assertIn("needs, and the spec allows it.", words)
        self.assertIn("bind ::1 ", words)

    def test_one_address_of_this_machine(self):
        words = checks.wider_words([FakeSock("192.168.1.20")], "tcp")
        self.assertNotIn("every address", words)
        self.assertIn("The program listens on 192.168.1.20:7777, an address "
                      "of this machine that is not loopback: any machine "
                      "whose packets reach it can connect, from whatever "
                      "network.", words)
        self.assertIn("take it from the command line", words)

    def test_both(self):
        words = checks.wider_words([FakeSock("0.0.0.0"),
                                    FakeSock("10.0.0.2"),
                                    FakeSock("10.0.0.3")], "tcp")
        self.assertIn("every address", words)
        self.assertIn("also listens on 10.0.0.2:7777 and 10.0.0.3:7777, "
                      "addresses of this machine that are not loopback",
                      words)


class FakePeer:
    """The program's end of a connection: its receive and send queues."""

    def __init__(self, rx_queue, tx_queue):
        self.rx_queue, self.tx_queue = rx_queue, tx_queue


class MegabyteWords(unittest.TestCase):
    """one-megabyte: what was seen first (the bytes, the program's fate),
    then a hint only where that supports it."""

    MB = echo_server.MEGABYTE
    DATA = bytes(range(256)) * (MB // 256)
    FATE = (" The program had ended: it exited with status 1, after a "
            "Python traceback (UnicodeDecodeError: 'utf-8' codec can't "
            "decode byte 0xe4).")

    def words(self, sent, back, how, peer=None, fate=""):
        said, hint = echo_server.megabyte_words(self.DATA, sent, back, how,
                                                20.0, peer, fate)
        return said + hint

    def test_a_death_is_told_before_the_hint_and_nothing_is_guessed(self):
        text = self.words(65536, b"", "reset", FakePeer(0, 0), self.FATE)
        self.assertTrue(text.startswith(
            "The checker sent 65536 of the 1048576 random bytes while "
            "reading the echo, and 0 came back; then the program reset the "
            "connection (ECONNRESET). The program had ended"), text)
        self.assertLess(text.index("UnicodeDecodeError"),
                        text.index("seldom UTF-8"))
        self.assertNotIn("stuck", text)
        self.assertNotIn("short send", text)

    def test_a_prefix_then_a_close_is_a_single_recv(self):
        text = self.words(327680, self.DATA[:65536], "reset")
        self.assertIn("65536 came back, all the same as the start of what "
                      "was sent", text)
        self.assertIn("while the checker was still sending: probably it "
                      "calls recv() once", text)
        self.assertNotIn("short send", text)

    def test_bytes_missing_in_the_middle_are_a_short_send(self):
        back = self.DATA[:1000] + self.DATA[2000:5000]
        text = self.words(self.MB, back, "timeout", FakePeer(0, 0))
        self.assertIn("different from byte 1000 on", text)
        self.assertIn("probably a send() took fewer bytes", text)
        self.assertIn("\"A short send\"", text)

    def test_stopped_reading_says_what_its_socket_showed(self):
        text = self.words(400000, self.DATA[:1000], "timeout",
                          FakePeer(300000, 0))
        self.assertIn("300000 bytes of ours waited unread in its socket, "
                      "and nothing of its own waited to go out, so it was "
                      "not stuck in a send()", text)
        self.assertNotIn("short send", text)
        text = self.words(400000, self.DATA[:1000], "timeout",
                          FakePeer(300000, 4096))
        self.assertIn("and 4096 of its own waited to go out: probably it "
                      "was stuck in a send()", text)

    def test_all_read_and_only_a_start_came_back_is_a_short_send(self):
        text = self.words(self.MB, self.DATA[:500000], "timeout",
                          FakePeer(0, 0))
        self.assertIn("It had read everything", text)
        self.assertIn("\"A short send\"", text)
        # with ours still unread, nothing is guessed
        self.assertNotIn("short send", self.words(
            self.MB, self.DATA[:500000], "timeout", FakePeer(1000, 0)))

    def test_a_long_line_cut_is_a_line_buffer_not_a_short_send(self):
        short = (b"x" * 99 + b"\n") * 50
        data = short + b"y" * 1999 + b"\n" + short
        data += b"z" * (self.MB - len(data))
        cut = len(short) + 600  # a buffer of 600 bytes: the rest is lost
        back = data[:cut] + data[len(short) + 2000:]
        said, hint = echo_server.megabyte_words(data, self.MB, back, "eof",
                                                20.0, FakePeer(0, 0), "")
        self.assertIn("different from byte %d on" % cut, said)
        self.assertIn("Byte %d is byte 600 of a line of 2000 bytes, longer "
                      "than every line before it" % cut, hint)
        self.assertIn("a buffer of about 600 bytes", hint)
        self.assertNotIn("short send", hint)

    def test_only_the_last_line_without_its_newline_missing(self):
        tail = self.DATA.rfind(b"\n") + 1
        text = self.words(self.MB, self.DATA[:tail], "timeout",
                          FakePeer(0, 0))
        self.assertIn("What never came is the %d bytes after the last "
                      "newline" % (self.MB - tail), text)
        self.assertNotIn("short send", text)


class UdpSender(unittest.TestCase):

    def test_strip_newline(self):
        self.assertEqual(udp_sender.strip_newline(b"one\n"), b"one")
        self.assertEqual(udp_sender.strip_newline(b"one\r\n"), b"one")
        self.assertEqual(udp_sender.strip_newline(b"one"), b"one")
        self.assertEqual(udp_sender.strip_newline(b"one\n\n"), b"one\n")
        self.assertEqual(udp_sender.strip_newline(b""), b"")


class Refusal(unittest.TestCase):
    def test_python_3_and_2_refusals_are_refusals(self):
        self.assertTrue(checks.refusal(
            "ConnectionRefusedError: [Errno 111] Connection refused"))
        self.assertTrue(checks.refusal(
            "socket.error: [Errno 111] Connection refused"))

    def test_other_errors_are_not(self):
        self.assertFalse(checks.refusal(
            "TypeError: 'str' object cannot be interpreted as an integer"))
        self.assertFalse(checks.refusal(
            "ConnectionResetError: [Errno 104] Connection reset by peer"))


if __name__ == "__main__":
    unittest.main()
