"""scripts/sockcheck/elsewhere.py: where a UDP server's reply went, read
from scripts/narrate's lines (real lines of the preload library)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck.elsewhere import (Elsewhere, received_from,  # noqa: E402
                                 sent_elsewhere)

CLIENT = ("127.0.0.1", 45684)
TOLD = """bind(3, 127.0.0.1:25999, 16) = 0
    fd 3 now has the address 127.0.0.1:25999: datagrams sent to it come to
recvfrom(3, "hi, there\\n", 65536, 0, 127.0.0.1:45684, 16) = 10
"""


class SentElsewhere(unittest.TestCase):
    def test_a_reply_to_another_port_is_found(self):
        went = sent_elsewhere(
            TOLD + 'sendto(3, "hi, there\\n", 10, 0, 127.0.0.1:26000, 16) '
            '= 10\n', CLIENT)
        self.assertIsInstance(went, Elsewhere)
        self.assertEqual((went.host, went.port, went.call),
                         ("127.0.0.1", 26000, "sendto()"))
        went.prog_port = 25999
        self.assertEqual(went.where(), "127.0.0.1:26000")
        self.assertEqual(went.reason(),
                         "reply sent to 127.0.0.1:26000, not to the sender")
        # the same port, and as far from a new run's port as before
        self.assertEqual(went.addresses(30000), [("127.0.0.1", 26000),
                                                 ("127.0.0.1", 30001)])
        # never the program's own port
        self.assertEqual(went.addresses(26000), [("127.0.0.1", 26001)])

    def test_a_reply_to_the_client_is_not(self):
        self.assertIs(sent_elsewhere(
            TOLD + 'sendto(3, "hi", 2, 0, 127.0.0.1:45684, 16) = 2\n',
            CLIENT), False)

    def test_nothing_sent_is_none(self):
        self.assertIsNone(sent_elsewhere(TOLD, CLIENT))
        # a failed sendto() sent nothing
        self.assertIsNone(sent_elsewhere(
            TOLD + 'sendto(3, "hi", 2, 0, 127.0.0.1:9, 16) = -1 EPERM\n',
            CLIENT))

    def test_a_name_servers_port_is_passed_over(self):
        went = sent_elsewhere(
            TOLD + 'sendto(4, "\\x12", 30, 0, 127.0.0.53:53, 16) = 30\n'
            'sendto(3, "hi", 2, 0, [::1]:45684, 28) = 2\n', CLIENT)
        self.assertEqual((went.host, went.port, went.where()),
                         ("::1", 45684, "[::1]:45684"))

    def test_a_child_and_a_connected_socket(self):
        went = sent_elsewhere(
            TOLD + "[child 42] connect(3, 127.0.0.1:9999, 16) = 0\n"
            '[child 42] send(3, "hi", 2, 0) = 2\n', CLIENT)
        self.assertEqual((went.port, went.call),
                         (9999, "send() on a connected socket"))

    def test_an_earlier_clients_address(self):
        self.assertEqual(received_from(TOLD), {("127.0.0.1", 45684)})
        went = Elsewhere("127.0.0.1", 45684, 25999, ("127.0.0.1", 50000),
                         "sendto()")
        went.nth, went.earlier = 2, True
        self.assertIn("with clients in turn, the second at 127.0.0.1:50000, "
                      "its sendto() sent the reply to 127.0.0.1:45684 (where "
                      "the first client's request came from), not to "
                      "127.0.0.1:50000", went.words())

    def test_its_own_port_and_elsewhere_off_loopback(self):
        went = Elsewhere("127.0.0.1", 25999, 25999, CLIENT, "sendto()")
        self.assertIn("the program's own port", went.words())
        self.assertEqual(Elsewhere("192.0.2.1", 9, 25999, CLIENT,
                                   "sendto()").addresses(25999), [])


if __name__ == "__main__":
    unittest.main()
