"""scripts/sockcheck/peers.py: the checker's own TCP client."""

import os
import socket
import sys
import time
import unittest
from types import SimpleNamespace
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import echo_server, peers  # noqa: E402 (after the path)


class PeerClosed(unittest.TestCase):
    """Client.peer_closed(): has the program closed its end? On a fixed
    port every connection asks it at its close()."""

    def setUp(self):
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(1)
        prog = SimpleNamespace(host="127.0.0.1",
                               port=self.ls.getsockname()[1],
                               run=SimpleNamespace(fixed_port=None))
        self.c = peers.Client(prog)
        self.conn, _ = self.ls.accept()

    def tearDown(self):
        self.c.close()
        self.conn.close()
        self.ls.close()

    def test_an_open_end_is_told_without_the_sockets_timeout(self):
        # read() leaves a timeout on the socket: the look must not wait
        # for it (it did, 0.5 s at each close of a fixed-port check)
        self.c.s.settimeout(60)
        t0 = time.monotonic()
        self.assertFalse(self.c.peer_closed())
        self.assertLess(time.monotonic() - t0, 30)

    def test_a_closed_end_is_told(self):
        self.conn.close()
        self.c.s.settimeout(60)
        self.assertTrue(self.c.peer_closed(wait=5.0))

    def test_bytes_waiting_are_not_an_end(self):
        self.conn.sendall(b"x")
        self.c.s.settimeout(60)
        self.assertFalse(self.c.peer_closed(wait=5.0))


class SlowClose:
    """A client whose echo comes at once and whose close() takes 2 s."""

    def send(self, data):
        self.data = data

    def read(self, want, limit):
        return self.data, "ok"

    def close(self):
        time.sleep(2.0)


class OneLine(unittest.TestCase):

    def test_the_echos_time_leaves_out_the_close(self):
        with mock.patch.object(echo_server, "connect",
                               return_value=(SlowClose(), None)):
            ok, took, trouble = echo_server.one_line(None)
        self.assertTrue(ok, trouble)
        self.assertLess(took, 1.0)


if __name__ == "__main__":
    unittest.main()
