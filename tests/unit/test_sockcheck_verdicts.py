"""Only what was seen: a pass over a crash is a failure, a note
is a pass worth reading, the checks not run after a program could not
start are one line and no failures; and --spec on the command line."""

import io
import os
import shutil
import sys
import tempfile
import unittest
from types import SimpleNamespace

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import report, runner  # noqa: E402 (after the path is set)
from sockcheck.checks import Check, Result, State  # noqa: E402
from sockcheck.common import NotReady, Usage  # noqa: E402
from sockcheck.options import parse, validate  # noqa: E402
from sockcheck.spec_server import SPEC_CHECKS, checks_for  # noqa: E402
from sockcheck import spec as specmod  # noqa: E402

SPECS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "scripts", "sockcheck", "specs")


class FakeProgram:
    """What Run.one asks of a program: its output, its status."""

    def __init__(self, output="", rc=None):
        self.text, self.rc = output, rc

    def output(self):
        return self.text

    def returncode(self):
        return self.rc

    def trace_tail(self):
        return []

    def narration_tail(self):
        return []

    def stop(self):
        pass

    def quiet(self):
        pass  # it has done all it will: its output and status are given

    def fate(self, wait=0):
        return ""

    def alive(self):
        return self.rc is None


def check(func, name="x"):
    return Check("echo-server", name, "title", "rule", func)


def passing_with(prog):
    def func(run, res):
        run.programs.append(prog)
        res.passed("The echo came back.")
    return func


class NoPassOverACrash(unittest.TestCase):

    def setUp(self):
        self.run = runner.Run("echo-server", ["./srv", "{port}"])

    def test_a_traceback_turns_a_pass_into_a_failure(self):
        prog = FakeProgram("Traceback (most recent call last):\n  File x\n"
                           "UnicodeDecodeError: 'utf-8' codec can't\n")
        res = self.run.one(check(passing_with(prog)))
        self.assertFalse(res.ok)
        self.assertEqual(res.reason, "traceback")
        self.assertTrue(res.message.startswith(
            "The echo came back. But the program printed a Python "
            "traceback (UnicodeDecodeError: 'utf-8' codec can't) while "
            "the check ran"), res.message)

    def test_a_thread_ended_by_the_checkers_reset_is_no_crash(self):
        # reset, sigpipe and never-reads reset their client: a thread
        # that dies of it, in a program that lives on, is that client's end
        thread = ("Exception in thread Thread-1 (serve):\nTraceback (most "
                  "recent call last):\n  File x\nConnectionResetError: "
                  "[Errno 104] Connection reset by peer\n")
        res = self.run.one(check(passing_with(FakeProgram(thread)),
                                 "reset"))
        self.assertEqual((res.ok, res.reason), (True, ""))
        self.assertIn("that is the end of that client", res.message)
        # in a check that resets nothing, it is a crash
        res = self.run.one(check(passing_with(FakeProgram(thread)),
                                 "not-utf8"))
        self.assertEqual((res.ok, res.reason), (False, "traceback"))
        # and so is any other error, or a program that has ended
        other = thread.replace("ConnectionResetError", "UnicodeDecodeError")
        res = self.run.one(check(passing_with(FakeProgram(other)), "reset"))
        self.assertEqual((res.ok, res.reason), (False, "traceback"))
        res = self.run.one(check(passing_with(FakeProgram(thread, rc=1)),
                                 "reset"))
        self.assertFalse(res.ok)

    def test_a_sanitizer_report(self):
        prog = FakeProgram("==1==ERROR: AddressSanitizer: "
                           "stack-buffer-overflow on address\n")
        res = self.run.one(check(passing_with(prog)))
        self.assertEqual((res.ok, res.reason), (False, "sanitizer error"))

    def test_a_death_by_a_signal(self):
        res = self.run.one(check(passing_with(FakeProgram(rc=-11))))
        self.assertEqual((res.ok, res.reason), (False, "killed by SIGSEGV"))
        self.assertIn("But the program was killed by SIGSEGV while the "
                      "check ran", res.message)

    def test_a_program_the_checker_ended_is_no_crash(self):
        prog = FakeProgram(rc=-15)
        prog.stopped = True
        self.assertTrue(self.run.one(check(passing_with(prog))).ok)

    def test_a_clean_program_passes_and_a_failure_stays_as_it_is(self):
        res = self.run.one(check(passing_with(FakeProgram("hi\n", rc=0))))
        self.assertEqual((res.ok, res.reason), (True, ""))

        def fails(run, res):
            run.programs.append(FakeProgram(rc=-11))
            res.failed("No echo.", "no echo")
        res = self.run.one(check(fails))
        self.assertEqual((res.ok, res.message, res.reason),
                         (False, "No echo.", "no echo"))


def result(name, how, message="m", reason=""):
    res = Result(Check("spec", name, "title " + name, "rule", None))
    if how == "pass":
        res.passed(message)
    elif how == "note":
        res.noted(message, reason)
    elif how == "fail":
        res.failed(message, reason)
    else:
        res.skip("Not run: the program could not be started in check "
                 "a (see there).")
    return res


def report_of(fmt, *results):
    run = SimpleNamespace(kind="x.spec", argv=["./srv", "{port}"],
                          checks=[r.check for r in results],
                          skips=lambda chk: True)
    out = io.StringIO()
    rep = report.Reporter(fmt, run, out)
    rep.start()
    for res in results:
        rep.add(res)
    return rep.end(), out.getvalue()


class Statuses(unittest.TestCase):

    def test_each_status(self):
        self.assertEqual([result("a", how).status() for how in
                          ("pass", "note", "fail", "skip")],
                         ["PASS", "NOTE", "FAIL", "NOT RUN"])

    def test_a_note_is_a_pass_with_its_reason_shown(self):
        failed, out = report_of("text", result("bind", "note", "Bound wide.",
                                               "bound to 0.0.0.0:80"))
        self.assertEqual(failed, 0)
        self.assertEqual(out.splitlines()[1:], [
            "NOTE bind           title bind: bound to 0.0.0.0:80 (0.00 s)",
            "     Bound wide.",
            "1 check: 1 passed (1 of them with a note), 0 failed"])

    def test_checks_not_run_are_one_line_and_no_failures(self):
        failed, out = report_of("text", result("a", "fail", "It never "
                                               "started.", "never started"),
                                result("b", "skip"), result("c", "skip"))
        self.assertEqual(failed, 1)
        self.assertEqual(out.splitlines()[-2:], [
            "Not run: the program could not be started in check a (see "
            "there): b, c.",
            "3 checks: 0 passed, 1 failed, 2 not run"])

    def test_tap_and_json_show_a_note(self):
        _, out = report_of("tap", result("bind", "note", "Wide.",
                                         "bound to 0.0.0.0:80"))
        self.assertIn("\nok 1 - bind: title bind: bound to 0.0.0.0:80 "
                      "(a note)\n", out)
        _, out = report_of("json", result("bind", "note", "Wide.",
                                          "bound to 0.0.0.0:80"))
        self.assertIn('"result": "NOTE"', out)

    def test_tap_skips_and_json_counts_them(self):
        _, out = report_of("tap", result("a", "fail"), result("b", "skip"))
        self.assertIn("\nok 2 - b: title b # SKIP not run\n", out)
        _, out = report_of("json", result("a", "fail"), result("b", "skip"))
        self.assertIn('"not_run": 1', out)
        self.assertIn('"result": "NOT RUN"', out)

    def test_a_failed_exchange_stops_the_checks_that_play_it(self):
        run = runner.Run("x.spec", ["./srv", "{port}"], checks=[])
        chk = check(lambda r, s: s.failed("No reply.", "no reply"),
                    "exchange")
        chk.fatal = "the spec's exchange failed"
        self.assertTrue(run.one(chk).ran)
        res = run.one(check(lambda r, s: s.passed("ok"), "in-turn"))
        self.assertEqual((res.state, res.message), (
            State.SKIPPED, "Not run: the spec's exchange failed in check exchange "
            "(see there)."))
        exchange = [c for c in SPEC_CHECKS if c.name == "exchange"]
        self.assertEqual([getattr(c, "fatal", None) for c in exchange],
                         ["the spec's exchange failed", None, None])

    def test_the_runner_marks_them(self):
        run = runner.Run("echo-server", ["./srv", "{port}"])

        def never(run, res):
            raise NotReady("It never listened.", "never listened")
        self.assertTrue(run.one(check(never, "a")).ran)
        self.assertIs(run.one(check(lambda r, s: None, "b")).state,
                      State.SKIPPED)


class SpecOption(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, self.dir)

    def test_spec_takes_the_place_of_kind(self):
        opts = parse(["--spec", "echo.spec", "--", "true", "{port}"])
        self.assertEqual((opts.spec, opts.kind), ("echo.spec", None))
        validate(opts, SPECS)
        self.assertEqual(opts.loaded.name, "echo")
        self.assertEqual(opts.spec_checks, checks_for(opts.loaded))
        opts = parse(["--spec", "echo.spec", "echo-server", "--", "./x",
                      "{port}"])
        with self.assertRaises(Usage) as cm:
            validate(opts, SPECS)
        self.assertEqual(str(cm.exception), "--spec: takes the place of "
                         "KIND: give one or the other")

    def test_a_bad_spec_and_a_check_it_does_not_have(self):
        path = os.path.join(self.dir, "bad.spec")
        with open(path, "w") as f:
            f.write("send: x\nexpect: x\nbind: public\n")
        opts = parse(["--spec", path, "--", "./srv", "{port}"])
        with self.assertRaises(Usage) as cm:
            validate(opts, self.dir)
        self.assertEqual(str(cm.exception), "--spec: %s line 3: bind: "
                         "expected loopback or any, got 'public'" % path)
        opts = parse(["--spec", "daytime.spec", "--only", "long-line", "--",
                      "./srv", "{port}"])
        with self.assertRaises(Usage) as cm:
            validate(opts, SPECS)
        self.assertEqual(str(cm.exception), "--only: no check 'long-line' "
                         "for this spec (see --list)")


class WhichChecks(unittest.TestCase):

    def names(self, text):
        """The checks of a spec, in their order: restart last."""
        return [c.name for c in checks_for(specmod.parse(text))]

    def test_a_tcp_server_that_reads_lines(self):
        self.assertEqual(self.names("send: 3 + 4\nexpect: 7\ntogether: 3"), [
            "bind", "exchange", "in-turn", "together", "idle",
            "descriptors", "zombies", "silent-client", "reset", "half-close",
            "sigpipe", "never-reads", "not-utf8", "empty-line", "long-line",
            "out-of-range", "zero", "recv-pieces", "short-send", "eintr",
            "restart"])

    def test_a_greeting_server_gets_no_malformed_input(self):
        # nor requests in pieces: it reads nothing
        self.assertEqual(self.names("expect: .+\nclose: yes"), [
            "bind", "exchange", "in-turn", "idle", "descriptors",
            "zombies", "silent-client", "reset", "short-send", "eintr",
            "restart"])

    def test_a_zero_for_each_number(self):
        self.assertEqual(specmod.zeroed(b"10 / 2.5\n"), b"0 / 0\n")
        self.assertIsNone(specmod.zeroed(b"roll\n"))  # no number
        self.assertIsNone(specmod.zeroed(b"0 + 0\n"))  # zero already

    def test_a_protocol_without_line_ends(self):
        spec = specmod.parse("send: 3 + 4\nexpect: 7\nnewline: no")
        self.assertEqual(spec.steps[0][1], b"3 + 4")  # no newline added
        names = [c.name for c in checks_for(spec)]
        self.assertNotIn("recv-pieces", names)
        self.assertNotIn("empty-line", names)
        self.assertIn("short-send", names)
        with self.assertRaises(specmod.SpecError) as cm:
            specmod.parse("proto: udp\nsend: a\nexpect: a\nnewline: no")
        self.assertIn("newline: only for TCP", str(cm.exception))

    def test_a_client_of_a_protocol_without_line_ends(self):
        spec = specmod.parse("program: client\nnewline: no\ninput: 3 4\n"
                             "expect: ADD 3 4\nsend: 7\nprint: sum: 7")
        self.assertEqual((spec.input, spec.steps[1][1]), (b"3 4\n", b"7"))
        names = [c.name for c in checks_for(spec)]
        self.assertNotIn("empty-line", names)
        self.assertIn("long-line", names)

    def test_a_server_whose_operator_answers_serves_one_at_a_time(self):
        spec = specmod.parse("send: hi\ninput: hello\nexpect: hello")
        names = [c.name for c in checks_for(spec)]
        for name in ("together", "sigpipe", "never-reads"):
            self.assertNotIn(name, names)
        # zombies runs with no operator (its stdin at its end)
        for name in ("in-turn", "reset", "long-line", "zombies", "restart"):
            self.assertIn(name, names)
        from sockcheck.spec_server import typed_after_send
        self.assertEqual(typed_after_send(spec), [("input", b"hello\n", 2)])

    def test_a_relay_is_a_reply_the_other_client_gets(self):
        spec = specmod.parse("send: hi\nrelay: .*hi")
        names = [c.name for c in checks_for(spec)]
        self.assertIn("short-send", names)
        self.assertIn("zombies", names)
        from sockcheck.spec_server import failure_reason
        self.assertEqual(failure_reason(
            "relay 1: ... The line came back to its sender instead"),
            "sent back to its sender only, not relayed")

    def test_a_binary_field_is_4_bytes_and_its_number(self):
        from sockcheck.spec_talk import matches
        spec = specmod.parse("send-u32: 42\nexpect-u32: 43")
        field = spec.steps[1][1]
        self.assertTrue(matches(field, b"\0\0\0+"))
        self.assertFalse(matches(field, b"+\0\0\0"))
        self.assertFalse(matches(field, b"\0\0+"))

    def test_a_server_of_one_client_gets_no_check_of_a_next_one(self):
        self.assertEqual(self.names("send: 3 + 4\nexpect: 7\nclients: 1"), [
            "bind", "exchange", "half-close", "not-utf8", "empty-line",
            "long-line", "out-of-range", "zero", "recv-pieces", "short-send",
            "eintr", "restart"])

    def test_the_fault_checks_enter_a_script_through_its_interpreter(self):
        from sockcheck.spec_faults import cannot_preload
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        script = os.path.join(tmp, "server.py")
        with open(script, "w") as f:
            f.write("#!/usr/bin/env python3\nprint('hi')\n")
        run = SimpleNamespace(cwd=tmp)
        lib = os.path.exists(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..", "build",
            "libsockstep.so"))
        said = cannot_preload(run, ["./server.py", "0"])
        if lib:
            self.assertIsNone(said)  # python3 is dynamically linked
        else:
            self.assertIn("is not built (make builds it)", said)
        static = os.path.join(tmp, "fake")
        with open(static, "wb") as f:
            f.write(b"\x7fELF" + b"\0" * 60)  # ldd: not a dynamic one
        said = cannot_preload(run, [static])
        if lib:
            self.assertIn("is statically linked", said)

    def test_a_dynamic_loader_is_read_from_the_elf_headers(self):
        import struct
        from sockcheck.spec_faults import elf_loader
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)

        def elf(name, types, cls=2):
            # an ELF header (64- or 32-bit, little-endian), then its
            # program headers: only their types matter here
            path = os.path.join(tmp, name)
            if cls == 2:
                head = (b"\x7fELF\x02\x01\x01" + b"\0" * 25 +
                        struct.pack("<Q", 64) + b"\0" * 14 +
                        struct.pack("<HH", 56, len(types)) + b"\0" * 6)
                table = b"".join(struct.pack("<I", t) + b"\0" * 52
                                 for t in types)
            else:
                head = (b"\x7fELF\x01\x01\x01" + b"\0" * 21 +
                        struct.pack("<I", 52) + b"\0" * 10 +
                        struct.pack("<HH", 32, len(types)) + b"\0" * 6)
                table = b"".join(struct.pack("<I", t) + b"\0" * 28
                                 for t in types)
            with open(path, "wb") as f:
                f.write(head + table)
            return path

        self.assertTrue(elf_loader(elf("dyn64", [6, 3, 1])))   # PT_INTERP
        self.assertFalse(elf_loader(elf("static64", [1, 1, 4])))
        self.assertTrue(elf_loader(elf("dyn32", [6, 3, 1], cls=1)))
        self.assertFalse(elf_loader(elf("static32", [1, 4], cls=1)))
        self.assertFalse(elf_loader(elf("none", [])))
        self.assertTrue(elf_loader(os.path.realpath(sys.executable)))
        self.assertIsNone(elf_loader(os.path.join(tmp, "missing")))
        self.assertIsNone(elf_loader(__file__))  # not ELF at all

    def test_the_signals_a_process_catches_are_read_from_proc(self):
        import signal as sig
        from sockcheck.spec_faults import caught
        old = sig.signal(sig.SIGUSR1, lambda *a: None)
        self.addCleanup(sig.signal, sig.SIGUSR1, old)
        self.assertIn("SIGUSR1", caught(os.getpid()))
        sig.signal(sig.SIGUSR1, sig.SIG_DFL)
        self.assertNotIn("SIGUSR1", caught(os.getpid()))

    def test_udp_and_a_client(self):
        self.assertEqual(self.names("proto: udp\nsend: hi\nexpect: hi"), [
            "bind", "exchange", "in-turn", "idle", "not-utf8",
            "empty-line", "long-line"])
        self.assertEqual(self.names("program: client\nexpect: hi\n"
                                    "send: hi\nprint: hi"), [
            "exchange", "pieces", "closes-early", "refused", "not-utf8",
            "empty-line", "long-line", "long-input", "bad-input",
            "short-send"])

    def test_a_reply_matches_whole_without_its_line_end(self):
        from sockcheck.spec_server import failure_reason
        from sockcheck.spec_talk import matches
        import re
        pat = re.compile(r"6\.21 mi")
        self.assertTrue(matches(pat, b"6.21 mi\r\n"))
        self.assertTrue(matches(pat, b"6.21 mi"))
        self.assertFalse(matches(pat, b"6.21 mi or so\n"))
        self.assertFalse(matches(pat, b"\xff6.21 mi\n"))
        self.assertEqual(failure_reason("Reply 1 was x, which does not "
                                        "match /y/"), "reply did not match")
        self.assertEqual(failure_reason("nothing more came within 3.00 s, "
                                        "where reply 1 was due"), "no reply")
        self.assertEqual(failure_reason("something else"), "exchange failed")

    def test_every_check_has_a_title_a_rule_and_a_test(self):
        for c in SPEC_CHECKS:
            self.assertTrue(c.title and c.rule and callable(c.applies),
                            c.name)


if __name__ == "__main__":
    unittest.main()
