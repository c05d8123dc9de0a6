"""scripts/sockcheck/spec_talk.py: the words for a reply that a spec's
pattern does not match, made of the bytes that came."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck.spec_talk import padding_note  # noqa: E402 (after the path)


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
