"""scripts/sockcheck/words.py: how bytes, numbers, commands, exit statuses
and a program's own output are put into the checker's sentences."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import words  # noqa: E402 (after the path is set)


class Shown(unittest.TestCase):
    """A peer's bytes, quoted and escaped so that any byte shows."""

    def test_printable_bytes_are_kept(self):
        self.assertEqual(words.shown(b"hello, sockstep"), '"hello, sockstep"')

    def test_newline_and_backslash_are_escaped(self):
        self.assertEqual(words.shown(b"a\\b\n"), '"a\\\\b\\n"')

    def test_other_bytes_are_hex(self):
        self.assertEqual(words.shown(b"\x00\t\r\x7f\xff"),
                         '"\\x00\\x09\\x0d\\x7f\\xff"')

    def test_text_is_shown_as_its_utf8_bytes(self):
        self.assertEqual(words.shown("caf\u00e9"), '"caf\\xc3\\xa9"')

    def test_cut_at_the_limit_with_dots(self):
        self.assertEqual(words.shown(b"x" * 61), '"%s"...' % ("x" * 60))
        self.assertEqual(words.shown(b"x" * 60), '"%s"' % ("x" * 60))
        self.assertEqual(words.shown(b"abcdef", 3), '"abc"...')

    def test_the_limit_counts_bytes_not_escapes(self):
        self.assertEqual(words.shown(b"\n\n\n", 2), '"\\n\\n"...')


class Printable(unittest.TestCase):
    """What a program printed, said safely: every character a terminal
    would act on escaped as the character it is."""

    def test_controls_are_hex(self):
        self.assertEqual(words.printable("a\x1b[2Jb\n"), "a\\x1b[2Jb\\x0a")

    def test_above_ffff_keeps_its_whole_number(self):
        # a tag character, not printable: not cut to \u0001
        self.assertEqual(words.printable("x\U000e0001"), "x\\U000e0001")
        self.assertEqual(words.printable("\u2028"), "\\u2028")


class CrashReport(unittest.TestCase):
    """What a program printed as it crashed, one way for every verdict."""

    def test_a_python_traceback_names_its_exception(self):
        text = ("Traceback (most recent call last):\n  File \"c.py\"\n"
                "EOFError: EOF when reading a line\n")
        self.assertEqual(words.crash_report(text), "a Python traceback "
                         "(EOFError: EOF when reading a line)")

    def test_a_traceback_without_its_last_line(self):
        self.assertEqual(words.crash_report(
            "Traceback (most recent call last):\n  File \"c.py\"\n"),
            "a Python traceback")

    def test_a_sanitizer_line_is_itself(self):
        self.assertEqual(words.crash_report(
            "==7==ERROR: AddressSanitizer: heap-buffer-overflow on 0x1\n"),
            "ERROR: AddressSanitizer: heap-buffer-overflow on 0x1")
        self.assertEqual(words.crash_report("c.c:3:5: runtime error: "
                                            "signed integer overflow\n"),
                         "runtime error: signed integer overflow")

    def test_nothing(self):
        self.assertIsNone(words.crash_report("bye\n"))


class NotConnected(unittest.TestCase):
    """A client that could not connect: one sentence, written once."""

    def test_the_sentence(self):
        self.assertEqual(words.not_connected("The next client",
                                             "Connection refused"),
                         "The next client could not connect: Connection "
                         "refused.")

    def test_no_other_module_writes_it(self):
        package = os.path.dirname(os.path.abspath(words.__file__))
        for name in sorted(os.listdir(package)):
            if not name.endswith(".py") or name == "words.py":
                continue
            with open(os.path.join(package, name), encoding="utf-8") as f:
                text = f.read()
            self.assertFalse("could not connect: %s" in text,
                             "%s writes it again" % name)


class Numbers(unittest.TestCase):

    def test_plural(self):
        self.assertEqual(words.plural(1, "byte"), "1 byte")
        self.assertEqual(words.plural(0, "datagram"), "0 datagrams")
        self.assertEqual(words.plural(2, "child", "children"), "2 children")
        self.assertEqual(words.plural(1, "child", "children"), "1 child")

    def test_and_list(self):
        self.assertEqual(words.and_list([]), "")
        self.assertEqual(words.and_list(["a"]), "a")
        self.assertEqual(words.and_list(["a", "b"]), "a and b")
        self.assertEqual(words.and_list(x for x in "abc"), "a, b and c")

    def test_secs_two_decimals_below_ten(self):
        self.assertEqual(words.secs(0.5), "0.50 s")
        self.assertEqual(words.secs(3), "3.00 s")
        self.assertEqual(words.secs(12.34), "12.3 s")
        self.assertEqual(words.secs(9.99), "9.99 s")
        self.assertEqual(words.secs(10), "10.0 s")

    def test_megabytes_are_decimal(self):
        self.assertEqual(words.megabytes(1 << 20), "1.0 MB")
        self.assertEqual(words.megabytes(2250000), "2.2 MB")

    def test_digits_repeat_0_to_9(self):
        self.assertEqual(words.digits(12), b"012345678901")
        self.assertEqual(len(words.digits(2000)), 2000)

    def test_digit_run_is_the_longest_run_in_order(self):
        self.assertEqual(words.digit_run("0123456789" * 3), 30)
        self.assertEqual(words.digit_run("01234x0123456789"), 10)
        self.assertEqual(words.digit_run("0123401234"), 5)
        self.assertEqual(words.digit_run("0123456789012"), 13)  # 9 then 0
        self.assertEqual(words.digit_run("no digits"), 0)
        self.assertEqual(words.digit_run(""), 0)

    def test_digit_run_starts_as_the_datagram_does(self):
        # a run counts from a "0" that begins a number, followed by "1"
        self.assertEqual(words.digit_run("78901"), 0)
        self.assertEqual(words.digit_run("Client @ 127.0.0.1 joined."), 0)
        self.assertEqual(words.digit_run("from port 50123"), 0)
        self.assertEqual(words.digit_run("0"), 0)

    def test_digit_run_finds_a_cut_datagram(self):
        # what the truncated check reads back from a 1024-byte buffer
        text = "got: " + words.digits(1024).decode() + "\nafter\n"
        self.assertEqual(words.digit_run(text), 1024)


class Commands(unittest.TestCase):

    def test_plain_words_are_not_quoted(self):
        self.assertEqual(words.show_cmd(["python3", "srv.py", "{port}",
                                         "--x=a,b", "me@host:1"]),
                         "python3 srv.py {port} --x=a,b me@host:1")

    def test_other_words_are_quoted_as_a_shell_would(self):
        self.assertEqual(words.show_cmd(["sh", "-c", "a b", ""]),
                         "sh -c 'a b' ''")
        self.assertEqual(words.show_cmd(["echo", "it's"]),
                         "echo 'it'\"'\"'s'")


class Statuses(unittest.TestCase):

    def test_signal_name(self):
        self.assertEqual(words.signal_name(13), "SIGPIPE")
        self.assertEqual(words.signal_name(999), "signal 999")

    def test_describe_status(self):
        self.assertEqual(words.describe_status(None), "was still running")
        self.assertEqual(words.describe_status(0), "exited with status 0")
        self.assertEqual(words.describe_status(3), "exited with status 3")
        self.assertEqual(words.describe_status(-9), "was killed by SIGKILL")

    def test_a_shells_status_of_128_plus_a_signal(self):
        self.assertEqual(words.describe_status(141),
                         "exited with status 141 (a shell's way of saying "
                         "that its command was killed by SIGPIPE)")
        self.assertEqual(words.describe_status(200), "exited with status 200")
        self.assertEqual(words.describe_status(128), "exited with status 128")
        self.assertEqual(words.describe_status(129),
                         "exited with status 129 (a shell's way of saying "
                         "that its command was killed by SIGHUP)")
        self.assertEqual(words.describe_status(192),
                         "exited with status 192 (a shell's way of saying "
                         "that its command was killed by SIGRTMAX)")
        self.assertEqual(words.describe_status(193), "exited with status 193")

    def test_a_number_that_names_no_signal(self):
        # glibc keeps 32 and 33 for its threads: SIGRTMIN is 34
        self.assertEqual(words.signal_name(33), "signal 33")
        self.assertEqual(words.describe_status(128 + 33),
                         "exited with status 161")

    def test_died_of(self):
        self.assertTrue(words.died_of(-13, 13))
        self.assertTrue(words.died_of(141, 13))
        self.assertFalse(words.died_of(1, 13))
        self.assertFalse(words.died_of(-9, 13))


TRACEBACK = """\
Traceback (most recent call last):
  File "client.py", line 5, in <module>
    s.connect(("127.0.0.1", port))
ConnectionRefusedError: [Errno 111] Connection refused
"""


class ProgramErrors(unittest.TestCase):
    """What a program's output says about how it failed."""

    def test_python_error_is_the_exception_line(self):
        self.assertEqual(words.python_error("hello\n" + TRACEBACK),
                         "ConnectionRefusedError: [Errno 111] Connection "
                         "refused")

    def test_python_error_of_the_last_traceback(self):
        first = TRACEBACK.replace("ConnectionRefusedError", "OSError")
        last = ("Traceback (most recent call last):\n  File \"x\"\n"
                "EOFError: EOF when reading a line\n")
        self.assertEqual(words.python_error(first + last),
                         "EOFError: EOF when reading a line")

    def test_python_error_without_an_exception_line(self):
        self.assertEqual(words.python_error(
            "Traceback (most recent call last):\n  File \"x\"\n"),
            "a Python traceback")

    def test_python_error_is_cut_at_100(self):
        text = ("Traceback (most recent call last):\nValueError: "
                + "v" * 200 + "\n")
        self.assertEqual(words.python_error(text),
                         ("ValueError: " + "v" * 200)[:100])

    def test_no_traceback(self):
        self.assertIsNone(words.python_error("ValueError: not after one\n"))

    def test_sanitizer_error(self):
        self.assertEqual(words.sanitizer_error(
            "==12==ERROR: AddressSanitizer: heap-use-after-free on x\nmore"),
            "ERROR: AddressSanitizer: heap-use-after-free on x")
        self.assertEqual(words.sanitizer_error(
            "srv.c:9:5: runtime error: signed integer overflow\n"),
            "runtime error: signed integer overflow")
        self.assertIsNone(words.sanitizer_error("ERROR: something else\n"))

    def test_sanitizer_error_is_cut_at_100(self):
        self.assertEqual(words.sanitizer_error(
            "ERROR: LeakSanitizer: " + "l" * 200),
            ("ERROR: LeakSanitizer: " + "l" * 200)[:100])
        self.assertEqual(words.sanitizer_error(
            "x: runtime error: " + "r" * 200),
            ("runtime error: " + "r" * 200)[:100])


class FoldCalls(unittest.TestCase):
    """The last system calls of an strace, folded."""

    def test_a_loop_at_the_end_is_shown_once_with_its_count(self):
        calls = ["accept(3) = 4", "recv(4) = 0"] + ["recv(4) = 0"] * 19
        self.assertEqual(words.fold_calls(calls), [
            "accept(3) = 4", "recv(4) = 0",
            "(the last 1 call, repeated 20 times)"])

    def test_a_loop_of_two_calls_from_the_start(self):
        calls = ["poll() = 1", "read(4) = 0"] * 5
        self.assertEqual(words.fold_calls(calls), [
            "poll() = 1", "read(4) = 0",
            "(the last 2 calls, repeated at least 5 times)"])

    def test_fewer_than_three_rounds_are_not_folded(self):
        calls = ["a() = 0", "b() = 0", "b() = 0"]
        self.assertEqual(words.fold_calls(calls), calls)
        calls = ["a() = 0"] + ["b() = 0", "c() = 0"] * 2
        self.assertEqual(words.fold_calls(calls), calls)

    def test_three_rounds_are_folded(self):
        self.assertEqual(words.fold_calls(["a() = 0"] + ["b() = 0"] * 3),
                         ["a() = 0", "b() = 0",
                          "(the last 1 call, repeated 3 times)"])

    def test_loops_of_up_to_eight_calls(self):
        start = ["s%d() = 0" % i for i in range(8)]
        for period, folded in ((8, True), (9, False)):
            block = ["c%d() = 0" % i for i in range(period)]
            got = words.fold_calls(start + block * 3, 40)
            if folded:
                self.assertEqual(got, start + block + [
                    "(the last 8 calls, repeated 3 times)"])
            else:
                self.assertEqual(got, start + block * 3)

    def test_a_loop_that_may_have_begun_before_the_trace(self):
        # fewer calls before the loop than in one round of it
        block = ["c%d() = 0" % i for i in range(3)]
        self.assertEqual(words.fold_calls(["s() = 0"] + block * 3), [
            "s() = 0"] + block + [
            "(the last 3 calls, repeated at least 3 times)"])

    def test_the_last_failed_call_stays_in_view(self):
        calls = ["c%d() = 0" % i for i in range(30)]
        calls[5] = "send(4) = -1 EPIPE (Broken pipe)"
        self.assertEqual(words.fold_calls(calls),
                         calls[3:6] + ["..."] + calls[22:])

    def test_a_signal_before_the_tail_stays_in_view(self):
        for event in ("--- SIGPIPE {si_signo=SIGPIPE} ---",
                      "+++ killed by SIGPIPE +++"):
            calls = ["c%d() = 0" % i for i in range(20)]
            calls[2] = event
            self.assertEqual(words.fold_calls(calls),
                             calls[0:3] + ["..."] + calls[12:])

    def test_a_failed_call_in_the_tail_is_not_repeated(self):
        calls = ["c%d() = 0" % i for i in range(20)]
        calls[8] = "connect(3) = -1 ECONNREFUSED (Connection refused)"
        self.assertEqual(words.fold_calls(calls), calls[8:])
        calls = ["c%d() = 0" % i for i in range(20)]
        calls[7] = "connect(3) = -1 ECONNREFUSED (Connection refused)"
        self.assertEqual(words.fold_calls(calls),
                         calls[5:8] + ["..."] + calls[12:])

    def test_long_calls_are_cut(self):
        call = "write(1, \"%s\") = 200" % ("y" * 200)
        self.assertEqual(words.fold_calls([call]), [call[:107] + "..."])
        self.assertEqual(words.fold_calls(["z" * 110]), ["z" * 110])
        self.assertEqual(words.fold_calls(["z" * 111]), ["z" * 107 + "..."])


if __name__ == "__main__":
    unittest.main()
