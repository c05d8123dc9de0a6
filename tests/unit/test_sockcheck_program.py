"""scripts/sockcheck/program.py: what can be tested without starting a
program: Capture, which keeps the head and the tail of its output."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import program  # noqa: E402 (after the path is set)


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


if __name__ == "__main__":
    unittest.main()
