"""scripts/sockcheck/pictures.py: --picture's window of a check, and
where it is refused."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import pictures  # noqa: E402 (after the path is set)
from sockcheck.common import Usage  # noqa: E402
from sockcheck.options import parse  # noqa: E402

PACKETS = (b"100.5 IP 127.0.0.1.4000 > 127.0.0.1.5000: Flags [S], length 0\n"
           b"101.0 IP 127.0.0.1.5000 > 127.0.0.1.4000: Flags [S.], length 0\n"
           b"\t0x0000:  4500 0034\n"
           b"101.5 IP 127.0.0.1.5000 > 127.0.0.1.4000: Flags [F.], length 0\n")


class Window(unittest.TestCase):

    def cut(self, ended):
        with tempfile.TemporaryDirectory() as d:
            src, out = os.path.join(d, "in"), os.path.join(d, "out")
            with open(src, "wb") as f:
                f.write(PACKETS)
            pictures.window(src, ended, out)
            with open(out, "rb") as f:
                return f.read().splitlines()

    def test_a_packet_after_the_verdict_is_left_out(self):
        lines = self.cut(101.2)
        self.assertEqual(len(lines), 3)
        self.assertIn(b"[S.]", lines[1])
        self.assertFalse(any(b"[F.]" in ln for ln in lines))

    def test_one_at_the_verdict_is_kept_and_a_bytes_line_with_it(self):
        self.assertEqual(len(self.cut(101.5)), 4)
        self.assertEqual(self.cut(100.0), [])


class Refused(unittest.TestCase):

    def test_with_batch_or_sandbox_in_one_line(self):
        for args, word in ((["--picture", "d", "--batch", "x"], "--batch"),
                           (["--picture", "d", "--sandbox"], "--sandbox")):
            with self.assertRaises(Usage) as e:
                pictures.refuse(parse(args))
            self.assertTrue(str(e.exception).startswith("--picture: not "
                                                        "with " + word))
            self.assertNotIn("\n", str(e.exception))


if __name__ == "__main__":
    unittest.main()
