"""scripts/sockcheck/procfs.py: reading /proc/net and /proc/PID."""

import os
import socket
import struct
import sys
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import procfs  # noqa: E402 (after the path is set)


def kernel_hex(ip, port):
    """ip:port as /proc/net/tcp prints it: each 32-bit word of the address
    as a number in this machine's byte order, then the port."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    raw = socket.inet_pton(family, ip)
    return "%s:%04X" % ("".join(
        "%08X" % struct.unpack("=I", raw[i:i + 4])[0]
        for i in range(0, len(raw), 4)), port)


def table_line(local, remote, state, queues="00000000:00000000", inode=4242,
               drops=0):
    """One line of /proc/net/tcp or udp, split as net_table splits it."""
    return ("%d: %s %s %02X %s 00:00000000 00000000  1000        0 %d 2 "
            "0000000000000000 %d" % (0, local, remote, state, queues, inode,
                                     drops)).split()


class Addresses(unittest.TestCase):

    def test_parse_addr_ipv4(self):
        self.assertEqual(procfs.parse_addr(kernel_hex("127.0.0.1", 8080)),
                         ("127.0.0.1", 8080))

    @unittest.skipUnless(sys.byteorder == "little", "a little-endian example")
    def test_parse_addr_as_a_little_endian_kernel_prints_it(self):
        self.assertEqual(procfs.parse_addr("0100007F:1F90"),
                         ("127.0.0.1", 8080))
        self.assertEqual(procfs.parse_addr(
            "0000000000000000FFFF00000100007F:0050"),
            ("::ffff:127.0.0.1", 80))

    def test_parse_addr_ipv6(self):
        self.assertEqual(procfs.parse_addr(kernel_hex("::1", 443)),
                         ("::1", 443))
        self.assertEqual(procfs.parse_addr(kernel_hex("fe80::1:2", 1)),
                         ("fe80::1:2", 1))

    def test_show_addr_brackets_ipv6(self):
        self.assertEqual(procfs.show_addr("127.0.0.1", 80), "127.0.0.1:80")
        self.assertEqual(procfs.show_addr("::1", 80), "[::1]:80")

    def test_is_loopback(self):
        for ip in ("127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"):
            self.assertTrue(procfs.is_loopback(ip), ip)
        for ip in ("0.0.0.0", "::", "10.0.0.1", "::ffff:10.0.0.1"):
            self.assertFalse(procfs.is_loopback(ip), ip)

    def test_connect_host(self):
        self.assertEqual(procfs.connect_host("127.0.0.5"), "127.0.0.5")
        self.assertEqual(procfs.connect_host("0.0.0.0"), "127.0.0.1")
        self.assertEqual(procfs.connect_host("::"), "::1")
        self.assertEqual(procfs.connect_host("::1"), "::1")
        self.assertEqual(procfs.connect_host("::ffff:127.0.0.1"), "127.0.0.1")
        self.assertEqual(procfs.connect_host("::ffff:0.0.0.0"), "127.0.0.1")
        self.assertIsNone(procfs.connect_host("192.168.1.2"))


class Sockets(unittest.TestCase):
    """One line of /proc/net/tcp or udp."""

    def test_a_listening_tcp_socket(self):
        s = procfs.Sock("tcp", table_line(kernel_hex("127.0.0.1", 8080),
                                          kernel_hex("0.0.0.0", 0), 0x0A,
                                          "00000010:00000200", inode=777))
        self.assertEqual((s.ip, s.port, s.rip, s.rport),
                         ("127.0.0.1", 8080, "0.0.0.0", 0))
        self.assertEqual((s.inode, s.tx_queue, s.rx_queue, s.drops),
                         (777, 16, 512, 0))
        self.assertTrue(s.bound())
        self.assertEqual(s.where(), "127.0.0.1:8080")

    def test_a_connected_tcp_socket_is_not_bound(self):
        s = procfs.Sock("tcp6", table_line(kernel_hex("::1", 8080),
                                           kernel_hex("::1", 50000), 0x01))
        self.assertFalse(s.bound())
        self.assertEqual(s.where(), "[::1]:8080")

    def test_only_a_listening_tcp_socket_is_bound(self):
        for state in (0x01, 0x06, 0x07):  # ESTABLISHED, TIME_WAIT, CLOSE
            s = procfs.Sock("tcp", table_line(kernel_hex("127.0.0.1", 80),
                                              kernel_hex("0.0.0.0", 0),
                                              state))
            self.assertFalse(s.bound(), state)

    def test_udp_sockets_and_their_drops(self):
        free = procfs.Sock("udp", table_line(kernel_hex("127.0.0.1", 9000),
                                             kernel_hex("0.0.0.0", 0), 0x07,
                                             drops=12))
        self.assertTrue(free.bound())
        self.assertEqual(free.drops, 12)
        peer = procfs.Sock("udp", table_line(kernel_hex("127.0.0.1", 9000),
                                             kernel_hex("127.0.0.1", 9001),
                                             0x01))
        self.assertFalse(peer.bound())


class NetTable(unittest.TestCase):
    """/proc/net/tcp and udp, with sockets of the test's own."""

    def socket(self, kind=socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        self.addCleanup(s.close)
        s.bind(("127.0.0.1", 0))
        return s, s.getsockname()[1], os.fstat(s.fileno()).st_ino

    def test_a_listening_socket_and_a_connection(self):
        ls, port, inode = self.socket()
        ls.listen(1)
        mine = [s for s in procfs.net_table("tcp") if s.inode == inode]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0].proto, mine[0].ip, mine[0].port),
                         ("tcp", "127.0.0.1", port))
        self.assertTrue(mine[0].bound())
        self.assertTrue(procfs.port_in_use(port, "tcp"))
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.addCleanup(c.close)
        c.sendall(b"12345")
        conn, _ = ls.accept()
        self.addCleanup(conn.close)
        peer = procfs.tcp_peer(port, c.getsockname()[1])
        self.assertEqual((peer.port, peer.rport, peer.inode),
                         (port, c.getsockname()[1],
                          os.fstat(conn.fileno()).st_ino))
        self.assertEqual(peer.rx_queue, 5)
        self.assertIsNone(procfs.tcp_peer(port, port))

    def test_a_udp_socket(self):
        _, port, inode = self.socket(socket.SOCK_DGRAM)
        mine = [s for s in procfs.net_table("udp") if s.inode == inode]
        self.assertEqual(len(mine), 1)
        self.assertTrue(mine[0].bound())
        self.assertTrue(procfs.port_in_use(port, "udp"))

    def test_a_free_port_is_free(self):
        for proto, kind in (("tcp", socket.SOCK_STREAM),
                            ("udp", socket.SOCK_DGRAM)):
            port = procfs.free_port(proto)
            self.assertFalse(procfs.port_in_use(port, proto))
            s = socket.socket(socket.AF_INET, kind)
            self.addCleanup(s.close)
            s.bind(("127.0.0.1", port))

    def test_a_free_port_is_below_the_ephemeral_range(self):
        # no connect() takes a local port there, so none can be held in
        # TIME_WAIT by another program's connection by the time it is used
        low = procfs.ephemeral_low()
        if low is None or low <= procfs.FIXED_FIRST + 1000:
            self.skipTest("no ephemeral range above %d here"
                          % procfs.FIXED_FIRST)
        for proto in ("tcp", "udp"):
            port = procfs.free_port(proto)
            self.assertGreaterEqual(port, procfs.FIXED_FIRST)
            self.assertLess(port, low)

    def test_a_port_in_use_is_not_chosen(self):
        held = socket.socket()
        self.addCleanup(held.close)
        held.bind(("127.0.0.1", 0))
        taken = held.getsockname()[1]
        # every try lands on the held port, then bind(0) chooses
        with mock.patch.object(procfs.random, "sample",
                               lambda pop, k: [taken] * k):
            port = procfs.free_port("tcp")
        self.assertNotEqual(port, taken)
        self.assertFalse(procfs.port_in_use(port, "tcp"))


class ThisProcess(unittest.TestCase):
    """proc_stat and the descriptors, read from the test's own process."""

    def test_proc_stat(self):
        st = procfs.proc_stat(os.getpid())
        self.assertEqual(st["state"], "R")
        self.assertEqual(st["ppid"], os.getppid())
        self.assertEqual(st["session"], os.getsid(0))
        self.assertGreaterEqual(st["cpu"], 0.0)

    def test_socket_inodes_finds_a_socket(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(s.close)
        inode = os.fstat(s.fileno()).st_ino
        self.assertIn(inode, procfs.socket_inodes(os.getpid()))
        self.assertTrue(procfs.fd_links(os.getpid())[s.fileno()]
                        .startswith("socket:["))


if __name__ == "__main__":
    unittest.main()


class BlockedCallTest(unittest.TestCase):
    """calls_of() and send_timeout(), on a child of this test blocked in
    send() to a peer that never reads: the call, its socket, and the
    SO_SNDTIMEO read from a copy of its descriptor."""

    def test_a_child_blocked_in_send(self):
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen()
        peer = socket.create_connection(lst.getsockname())
        conn, _ = lst.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO,
                        struct.pack("ll", 7, 0))
        pid = os.fork()
        if pid == 0:
            try:
                conn.sendall(b"x" * (64 << 20))
            finally:
                os._exit(0)
        try:
            inode = os.fstat(conn.fileno()).st_ino
            blocked = None
            for _ in range(500):  # until it sits in send(): an event
                calls = procfs.calls_of([pid])
                if calls is None:
                    self.skipTest("/proc/PID/syscall cannot be read here")
                blocked = next((c for c in calls if c.sends()), None)
                if blocked:
                    break
                os.sched_yield()
                import time
                time.sleep(0.02)
            self.assertIsNotNone(blocked)
            self.assertEqual(blocked.called, "send")
            self.assertEqual(blocked.fd, conn.fileno())
            self.assertEqual(blocked.inode, inode)
            self.assertIn(procfs.send_timeout(pid, conn.fileno()), (7.0, None))
        finally:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            for s in (peer, conn, lst):
                s.close()

    def test_a_running_thread_is_in_no_call(self):
        call = procfs.Call(1, 1, "running")
        self.assertEqual((call.name, call.called, call.fd), ("", "", None))
        self.assertFalse(call.sends() or call.receives())
