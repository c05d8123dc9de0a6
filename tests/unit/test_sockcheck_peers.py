"""scripts/sockcheck/peers.py: the checker's own TCP client. Each case
talks to a listening socket made here, on loopback, at a port the kernel
chose."""

import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import peers  # noqa: E402 (after the path is set)


class Closes(unittest.TestCase):

    def setUp(self):
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        port = self.srv.getsockname()[1]
        run = type("Run", (), {"fixed_port": port})()
        self.prog = type("Prog", (), {"host": "127.0.0.1", "port": port,
                                      "run": run})()

    def tearDown(self):
        self.srv.close()

    def test_a_silent_clients_close_on_a_fixed_port_does_not_wait(self):
        # On a fixed port, close() first looks whether the program has
        # closed its end. A program that has sent nothing and closed
        # nothing must see the client's FIN at once: an iterative server
        # serves its next client only then. (It once waited the socket's
        # whole timeout, 3 s in the checks, for something to read.)
        c = peers.Client(self.prog, timeout=20)
        conn, _ = self.srv.accept()
        self.assertTrue(c.reset_after_eof)
        started = time.monotonic()
        c.close()
        self.assertLess(time.monotonic() - started, 10)
        conn.settimeout(10)
        self.assertEqual(conn.recv(1), b"")  # a FIN, not a reset
        conn.close()

    def test_a_client_whose_program_closed_first_resets(self):
        c = peers.Client(self.prog, timeout=20)
        conn, _ = self.srv.accept()
        conn.close()
        self.assertTrue(c.peer_closed(wait=10))
        self.assertEqual(c.s.gettimeout(), 20)  # as it was
        c.close()


if __name__ == "__main__":
    unittest.main()
