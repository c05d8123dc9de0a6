"""scripts/sockcheck/sandbox.py's copy of a submission's folder: a link
is never followed, and a folder that changes while it is copied (a
directory swapped for a link to another, a file that grows past the
limit) does not carry anything of outside into the copy. The change is
made at the moment the copy has looked at the name and not yet opened
it (the race a submission would try to win), by a stat() that changes
the folder as it answers."""

import os
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import sandbox  # noqa: E402 (after the path is set)

REAL_STAT, REAL_LSTAT = os.stat, os.lstat


def changing(name, change):
    """os.stat and os.lstat stand-ins that answer as before, then, the
    first time they are asked about name (a last component), call
    change()."""
    done = []

    def after(path, answer):
        if not done and os.path.basename(os.fsdecode(path)) == name:
            done.append(True)
            change()
        return answer

    def stat(path, *args, **kw):
        return after(path, REAL_STAT(path, *args, **kw))

    def lstat(path, *args, **kw):
        return after(path, REAL_LSTAT(path, *args, **kw))
    return stat, lstat


class Copy(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sockstep-unit.")
        self.top = self.tmp.name
        self.src = os.path.join(self.top, "src")
        self.dst = os.path.join(self.top, "dst")
        self.outside = os.path.join(self.top, "outside")
        os.makedirs(os.path.join(self.src, "sub"))
        os.makedirs(self.outside)
        with open(os.path.join(self.outside, "secret"), "w") as f:
            f.write("SECRET-OUTSIDE\n")
        with open(os.path.join(self.src, "server.py"), "w") as f:
            f.write("print('hi')\n")

    def tearDown(self):
        self.tmp.cleanup()

    def copied(self):
        """Every file's text under dst, links not followed."""
        texts = []
        for here, _, files in os.walk(self.dst):
            for n in files:
                p = os.path.join(here, n)
                if not os.path.islink(p):
                    with open(p, errors="replace") as f:
                        texts.append(f.read())
        return "".join(texts)

    def test_a_link_to_a_file_outside_is_a_link_its_bytes_not_copied(self):
        os.symlink(os.path.join(self.outside, "secret"),
                   os.path.join(self.src, "notes.txt"))
        sandbox.copy_folder(self.src, self.dst, None, 1 << 20)
        link = os.path.join(self.dst, "notes.txt")
        self.assertTrue(os.path.islink(link))
        self.assertNotIn("SECRET-OUTSIDE", self.copied())
        self.assertIn("print('hi')", self.copied())

    def test_a_directory_swapped_for_a_link_mid_copy_is_not_followed(self):
        sub = os.path.join(self.src, "sub")

        def swap():
            os.rename(sub, sub + ".was")
            os.symlink(self.outside, sub)
        stat, lstat = changing("sub", swap)
        with mock.patch("os.stat", stat), mock.patch("os.lstat", lstat):
            with self.assertRaises(sandbox.CopyRefused) as caught:
                sandbox.copy_folder(self.src, self.dst, None, 1 << 20)
        self.assertEqual("sub: changed while it was copied (a link or a "
                         "file swapped in): not copied", str(caught.exception))
        self.assertTrue(os.path.islink(sub), "the swap was not made")
        self.assertNotIn("SECRET-OUTSIDE", self.copied())

    def test_a_file_that_grows_past_the_limit_mid_copy_is_refused(self):
        big = os.path.join(self.src, "big")
        with open(big, "wb") as f:
            f.write(b"x" * 1000)

        def grow():
            with open(big, "ab") as f:
                f.write(b"y" * (3 << 20))
        stat, lstat = changing("big", grow)
        with mock.patch("os.stat", stat), mock.patch("os.lstat", lstat):
            with self.assertRaises(sandbox.CopyRefused) as caught:
                sandbox.copy_folder(self.src, self.dst, None, 2 << 20)
        self.assertEqual("its folder grew past 2 MiB while it was copied: "
                         "not copied", str(caught.exception))

    def test_a_fifo_is_left_out_and_does_not_hold_the_copy(self):
        os.mkfifo(os.path.join(self.src, "pipe"))
        sandbox.copy_folder(self.src, self.dst, None, 1 << 20)
        self.assertEqual(["server.py", "sub"], sorted(os.listdir(self.dst)))


if __name__ == "__main__":
    unittest.main()
