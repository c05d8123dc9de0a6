"""scripts/sockcheck/spec_talk.py: the words for a reply that a spec's
pattern does not match, made of the bytes that came; a client that could
not connect, told by a field, not by its sentence."""

import os
import re
import sys
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import checks, spec_talk  # noqa: E402 (after the path)
from sockcheck.spec_talk import padding_note  # noqa: E402


class Padding(unittest.TestCase):

    def test_a_reply_that_matches_up_to_its_first_nul(self):
        words = padding_note(re.compile("Thank you"),
                             b"Thank you\n" + b"\0" * 14)
        self.assertIn("Up to its first NUL byte it would match, and 14 "
                      "more bytes follow (all NUL)", words)

    def test_pieces_each_in_a_whole_buffer(self):
        # a file sent a line at a time, each line in a buffer of 16
        data = b"first line\n".ljust(16, b"\0") + \
            b"second line\n".ljust(16, b"\0")
        words = padding_note(re.compile("first line\nsecond line\n"), data)
        self.assertIn("With its 9 NUL bytes taken out it would match: each "
                      "piece of it came in a whole buffer.", words)
        self.assertIn("; with its 9 NUL bytes taken out it would match",
                      padding_note(re.compile("first line\nsecond line"),
                                   data, clause=True))
        # NUL bytes whose removal does not make it match: nothing said
        self.assertEqual(padding_note(re.compile("third line"), data), "")


class RepliesIn(unittest.TestCase):

    def test_replies_are_counted_behind_a_buffers_leftovers(self):
        from sockcheck.patterns import Pattern
        from sockcheck.spec_faults import replies_in
        spec = type("Spec", (), {"steps": [("send", b"hello\n", 1),
                                           ("expect", Pattern("Thank you"),
                                            2)]})()
        # a buffer of 16 sent whole twice: what the stack held, then the
        # second reply
        data = b"\x00\x7f\xe0\x01" + b"Thank you\n" + b"\x00\x05\x7f"
        self.assertEqual(replies_in(spec, data), 1)
        self.assertEqual(replies_in(spec, b"\x00\x7f\xe0\x01"), 0)
        self.assertEqual(replies_in(spec, b"Thank you\nThank you\n"), 2)


if __name__ == "__main__":
    unittest.main()


class Unconnected(unittest.TestCase):
    """exchange() and before_input() put the error of a client that could
    not connect in a list of the caller's (zombies asks it, and not its
    sentence, whether every client connected)."""

    class Prog:
        host = "127.0.0.1"

        class out:
            @staticmethod
            def mark():
                return 0

    class Spec:
        proto, timeout = "tcp", 1.0

        def relays(self):
            return False

    def test_the_error_goes_in_the_list(self):
        errs = []
        with mock.patch.object(spec_talk, "connect",
                               lambda prog, timeout: (None, "refused")):
            said = [spec_talk.exchange(self.Prog(), self.Spec(), "Client 3",
                                       unconnected=errs),
                    spec_talk.before_input(self.Prog(), self.Spec(), [],
                                           "Client 4", errs),
                    spec_talk.exchange(self.Prog(), self.Spec(), "Client 5")]
        self.assertEqual(errs, ["refused", "refused"])
        self.assertEqual(said[0], (False, "Client 3 could not connect: "
                                          "refused."))
        self.assertFalse(said[2][0])

    def test_the_checker_could_not_connect_is_one_sentence(self):
        res = checks.Result(None)
        checks.could_not_connect(res, "refused (ECONNREFUSED)")
        self.assertEqual((res.status(), res.message, res.reason),
                         ("FAIL", "The checker could not connect: refused "
                          "(ECONNREFUSED).", "could not connect"))


class DirectPatterns(unittest.TestCase):
    """A pattern without a repeat or an alternation is matched by re
    itself; any other goes through the regex module's time limit (or a
    child process), as before."""

    def test_only_patterns_that_cannot_backtrack_are_direct(self):
        from sockcheck.patterns import can_backtrack
        for text in ("hello, sockstep", r"6\.21 mi", r"a\*b", r"\{1\}",
                     r"[a-z]\d:\d\d", r"(ab)\1"):
            self.assertFalse(can_backtrack(text), text)
        for text in ("Hello, Ada!?", r"7(\.0+)?", r".*\w.*", "a|b",
                     "x{2}", r"a\\*", "[*]", "(?i)hello"):
            self.assertTrue(can_backtrack(text), text)

    def test_a_direct_match_is_re_s_own(self):
        from sockcheck.patterns import Pattern
        for text, line in (("hello, sockstep", "hello, sockstep"),
                           ("hello, sockstep", "hello, sockstep!"),
                           (r"6\.21 mi", "6.21 mi"), (r"6\.21 mi", "6x21 mi"),
                           (r"[0-9]\d", "42"), (r"[0-9]\d", "4")):
            pat = Pattern(text)
            self.assertTrue(pat.direct)
            self.assertEqual(pat.fullmatch(line),
                             True if re.fullmatch(text, line) else None)
