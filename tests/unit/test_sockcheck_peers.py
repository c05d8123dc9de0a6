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


class RecvSpy:
    """A socket that notes the timeout each recv() was made with (what
    decides whether the call may wait), the rest passed through."""

    def __init__(self, sock):
        self.sock, self.timeouts = sock, []

    def recv(self, *args):
        self.timeouts.append(self.sock.gettimeout())
        return self.sock.recv(*args)

    def __getattr__(self, name):
        return getattr(self.sock, name)


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
        # for it (it did, 0.5 s at each close of a fixed-port check). Its
        # recv() is made on a socket that may not wait (timeout 0), and
        # the timeout is put back after.
        self.c.s.settimeout(60)
        spy = RecvSpy(self.c.s)
        self.c.s = spy
        self.assertFalse(self.c.peer_closed())
        self.c.s = spy.sock
        self.assertEqual(spy.timeouts, [0.0])
        self.assertEqual(self.c.s.gettimeout(), 60)

    def test_a_closed_end_is_told(self):
        self.conn.close()
        self.c.s.settimeout(60)
        self.assertTrue(self.c.peer_closed(wait=5.0))

    def test_bytes_waiting_are_not_an_end(self):
        self.conn.sendall(b"x")
        self.c.s.settimeout(60)
        self.assertFalse(self.c.peer_closed(wait=5.0))


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
        c.s = spy = RecvSpy(c.s)
        c.close()
        self.assertEqual(spy.timeouts, [0.0])  # its look could not wait
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



class Clock:
    """A clock that moves only when told: time.monotonic() for one_line."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now


class SlowClose:
    """A client whose echo takes 1 s and whose close() 1000 s, on clock."""

    def __init__(self, clock):
        self.clock = clock

    def send(self, data):
        self.data = data

    def read(self, want, limit):
        self.clock.now += 1.0
        return self.data, "ok"

    def close(self):
        self.clock.now += 1000.0


class OneLine(unittest.TestCase):

    def test_the_echos_time_leaves_out_the_close(self):
        clock = Clock()
        with mock.patch.object(echo_server, "connect",
                               return_value=(SlowClose(clock), None)), \
                mock.patch.object(echo_server, "time", clock):
            ok, took, trouble = echo_server.one_line(None)
        self.assertTrue(ok, trouble)
        self.assertEqual(took, 1.0)


class Refusals(unittest.TestCase):
    """UdpPeer.aim(): the kernel's word that a datagram found no socket."""

    def refusals_after(self, peer, want):
        # the kernel's answer comes back on loopback, at once or soon
        deadline = time.monotonic() + 5
        while peer.refusals() < want and time.monotonic() < deadline:
            time.sleep(0.01)
        return peer.refusals()

    def test_a_port_nothing_holds_refuses_each_datagram(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        peer = peers.UdpPeer("127.0.0.1", port=None)
        self.addCleanup(peer.close)
        peer.aim(port)
        peer.send(b"one", port)
        self.assertEqual(self.refusals_after(peer, 1), 1)
        peer.send(b"two", port)
        self.assertEqual(self.refusals_after(peer, 2), 2)

    def test_a_bound_port_refuses_nothing(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            peer = peers.UdpPeer("127.0.0.1", port=None)
            self.addCleanup(peer.close)
            peer.aim(port)
            for _ in range(3):
                peer.send(b"x", port)
            self.assertEqual(s.recv(16), b"x")
            time.sleep(0.1)
            self.assertEqual(peer.refusals(), 0)


if __name__ == "__main__":
    unittest.main()
