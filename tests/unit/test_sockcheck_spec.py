"""scripts/sockcheck/spec.py: a spec file's text as a Spec, and one line
naming the line and the mistake for a bad one."""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import spec  # noqa: E402 (after the path is set)

SPECS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "scripts", "sockcheck", "specs")


class Good(unittest.TestCase):

    def test_the_defaults(self):
        s = spec.parse("send: hi\nexpect: hi\n")
        self.assertEqual((s.proto, s.program, s.close, s.clients,
                          s.together, s.bind, s.timeout),
                         ("tcp", "server", "no", 5, 1, "any", 3.0))
        self.assertEqual(s.first(), "client")

    def test_the_exchange_in_order_with_its_line_numbers(self):
        s = spec.parse("# a comment\n\nsend: 3 + 4\nexpect: 7\n"
                       "send-bytes: \\x00ab\\n\nexpect: (ERR|error).*\n")
        self.assertEqual([(k, v if k == "send" else v.pattern, n)
                          for k, v, n in s.steps],
                         [("send", b"3 + 4\n", 3), ("expect", "7", 4),
                          ("send", b"\x00ab\n", 5),
                          ("expect", "(ERR|error).*", 6)])
        self.assertEqual(s.sends(), [b"3 + 4\n", b"\x00ab\n"])

    def test_an_empty_send_is_an_empty_line(self):
        self.assertEqual(spec.parse("send:\nexpect: .*").sends(), [b"\n"])

    def test_a_server_that_greets_speaks_first(self):
        s = spec.parse("expect: \\d+\nclose: yes\n")
        self.assertEqual((s.first(), s.close), ("server", "yes"))

    def test_a_client_program(self):
        s = spec.parse("program: client\ninput: Ada\ninput: Bob\n"
                       "expect: Ada\nsend: Hello, Ada\nprint: Hello, Ada\n")
        self.assertEqual((s.program, s.input, s.first()),
                         ("client", b"Ada\nBob\n", "client"))
        self.assertEqual([p.pattern for p in s.prints], ["Hello, Ada"])

    def test_keys_are_not_case_sensitive_and_spaces_are_trimmed(self):
        s = spec.parse("  Proto :  udp  \nSEND: x\nexpect: x\nclients: 12")
        self.assertEqual((s.proto, s.clients, s.sends()),
                         ("udp", 12, [b"x"]))

    def test_a_udp_line_is_a_datagram_without_its_newline(self):
        s = spec.parse("proto: udp\nsend: a b\nexpect: .*\n"
                       "send-bytes: c\\n\nexpect: c")
        self.assertEqual(s.sends(), [b"a b", b"c\n"])

    def test_a_udp_client_speaks_first_and_may_give_up(self):
        s = spec.parse("proto: udp\nprogram: client\ninput: hi\n"
                       "expect: hi\nsend: hi there\nprint: hi there\n")
        self.assertEqual((s.proto, s.program, s.first(), s.sends(),
                          s.give_up), ("udp", "client", "client",
                                       [b"hi there"], 10.0))
        self.assertEqual(spec.parse("proto: udp\nprogram: client\n"
                                    "expect: .*\ngive-up: 4\n").give_up,
                         4)

    def test_a_server_gets_its_input_in_turn_with_the_exchange(self):
        s = spec.parse("send: hi\ninput: hello\nexpect: hello\n")
        self.assertEqual([(k, v if k != "expect" else v.pattern, n)
                          for k, v, n in s.steps],
                         [("send", b"hi\n", 1), ("input", b"hello\n", 2),
                          ("expect", "hello", 3)])
        self.assertTrue(s.typed())
        self.assertFalse(spec.parse("send: a\nexpect: a").typed())
        # a client's input is its stdin from the start: no step
        c = spec.parse("program: client\ninput: a\nexpect: a\n")
        self.assertEqual(([k for k, _, _ in c.steps], c.typed()),
                         (["expect"], False))

    def test_binary_fields_in_either_byte_order(self):
        import sys as _sys
        s = spec.parse("send-u32: 42\nexpect-u32: 1..100\n"
                       "send-u32: 42 host\nexpect-u32: 7 network\n")
        self.assertEqual(s.steps[0][1], b"\0\0\0*")
        self.assertEqual(s.steps[2][1], (42).to_bytes(4, _sys.byteorder))
        rng = s.steps[1][1]
        self.assertEqual((rng.low, rng.high, rng.pattern), (1, 100,
                                                            "u32 1..100"))
        self.assertEqual(s.steps[3][1].shown,
                         "a 4-byte integer 7 in network order")
        # the odd inputs change the number, not the digits of its bytes
        self.assertEqual(spec.out_of_range(s.steps[0][1]), b"\xff" * 4)
        self.assertEqual(spec.zeroed(s.steps[0][1]), b"\0" * 4)
        self.assertIsNone(spec.zeroed(spec.parse(
            "send-u32: 0\nexpect: x").steps[0][1]))

    def test_a_relay_step(self):
        s = spec.parse("send: hi\nrelay: .*hi\n")
        self.assertEqual([p.pattern for p in s.relays()], [".*hi"])
        self.assertEqual(s.expects(), [])

    def test_out_of_range_numbers(self):
        self.assertEqual(spec.out_of_range(b"3 + 4\n"),
                         b"99999999999999999999999 + "
                         b"99999999999999999999999\n")
        self.assertIsNone(spec.out_of_range(b"Ada\n"))

    def test_every_shipped_spec_parses(self):
        names = [n for n in os.listdir(SPECS) if n.endswith(".spec")]
        self.assertIn("echo.spec", names)
        for name in names:
            s, err = spec.load(os.path.join(SPECS, name))
            self.assertIsNone(err, name)
            self.assertTrue(s.name, name)


class Bad(unittest.TestCase):

    def error(self, text):
        with self.assertRaises(spec.SpecError) as cm:
            spec.parse(text)
        return cm.exception.line, str(cm.exception)

    def test_each_mistake_names_its_line(self):
        cases = [
            ("send: x\nexpect: x\nproto: sctp\n",
             (3, "proto: expected tcp or udp, got 'sctp'")),
            ("send: x\nexpect x\n",
             (2, "expected 'key: value', got 'expect x'")),
            ("send: x\nexpect: (\n",
             (2, "expect: not a Python regular expression: missing ), "
              "unterminated subpattern at position 0")),
            ("send: x\nexpect:\n",
             (2, "expect: expected a pattern (a Python regular expression), "
              "got nothing")),
            ("program: server\nprogram: client\nsend: x\n",
             (2, "program: given twice (first on line 1)")),
            ("send: x\nexpect: x\nclients: 0\n",
             (3, "clients: expected a number 1..100, got '0'")),
            ("send: x\nexpect: x\ntogether: many\n",
             (3, "together: expected a number 1..50, got 'many'")),
            ("send-bytes: \\q\n",
             (1, "send-bytes: a backslash starts \\n, \\r, \\t, \\0, \\\\ "
              "or \\xNN, not '\\q'")),
            ("send: x\ninput: y\nexpect: y\ntogether: 2\n",
             (4, "together: not with a server's 'input:' lines: its "
              "operator answers one client at a time")),
            ("program: client\nexpect: x\nrelay: x\n",
             (3, "relay: only for a TCP server ('proto: tcp' and 'program: "
              "server'): a line one client sends, as another client gets "
              "it")),
            ("send-u32: -1\nexpect: x\n",
             (1, "send-u32: expected a number 0..4294967295, then "
              "'network' (the default) or 'host' for its byte order, got "
              "'-1'")),
            ("send-u32: 1..2\nexpect: x\n",
             (1, "send-u32: expected a number 0..4294967295, then "
              "'network' (the default) or 'host' for its byte order, got "
              "'1..2'")),
            ("send: x\nexpect-u32: 4294967296\n",
             (2, "expect-u32: expected a number 0..4294967295 or a range "
              "such as 1..100, then 'network' (the default) or 'host' for "
              "its byte order, got '4294967296'")),
            ("proto: udp\nsend: x\nexpect: x\nclose: yes\n",
             (4, "close: UDP has no connection to close; leave it out")),
            ("proto: udp\nexpect: x\n",
             (2, "a UDP server cannot speak first: the first line must be "
              "'send:'")),
            ("proto: udp\nprogram: client\nsend: x\nexpect: x\n",
             (3, "a UDP server cannot speak first: the first line must be "
              "'expect:', what the client sends")),
            ("send: x\nexpect: x\ngive-up: 5\n",
             (3, "give-up: only for a UDP client ('proto: udp' and "
              "'program: client')")),
            ("proto: udp\nprogram: client\nexpect: x\ngive-up: 0\n",
             (4, "give-up: expected a number 1..60, got '0'")),
            ("send: x\n",
             (1, "no 'expect:' line: say what the server replies, "
              "'close: yes' if it only reads, or 'print:' what it prints "
              "of what it reads")),
            ("# nothing\nclose: yes\n",
             (0, "no exchange: give at least one 'send:' or 'expect:' "
              "line")),
        ]
        for text, want in cases:
            self.assertEqual(self.error(text), want, text)

    def test_a_server_may_print_what_it_reads(self):
        s = spec.parse("proto: udp\nsend: x\nprint: .*x.*\n")
        self.assertEqual([p.pattern for p in s.prints], [".*x.*"])
        self.assertEqual(s.expects(), [])
        self.assertIsNone(spec.printed(s, "got 1 byte: x\n"))
        self.assertEqual(spec.printed(s, "got 1 byte: y\n").pattern,
                         ".*x.*")

    def test_an_unknown_key_lists_the_keys(self):
        line, msg = self.error("send: x\nrepy: y\n")
        self.assertEqual(line, 2)
        self.assertTrue(msg.startswith("no key 'repy' (the keys: name, "),
                        msg)


class Load(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(text)
        return path

    def test_the_name_is_the_file_name_unless_given(self):
        s, err = spec.load(self.write("quote.spec", b"expect: .+\nclose: "
                                      b"yes\n"))
        self.assertEqual((s.name, err), ("quote", None))
        s, _ = spec.load(self.write("q.spec", b"name: Quote of the day\n"
                                    b"expect: .+\nclose: yes\n"))
        self.assertEqual(s.name, "Quote of the day")

    def test_one_line_with_the_file_and_the_line(self):
        path = self.write("bad.spec", b"send: x\nexpect: x\nclose: maybe\n")
        self.assertEqual(spec.load(path), (None, "%s line 3: close: "
                                           "expected yes or no, got "
                                           "'maybe'" % path))

    def test_a_missing_file_and_one_not_in_utf8(self):
        path = os.path.join(self.dir, "none.spec")
        self.assertEqual(spec.load(path),
                         (None, "%s: No such file or directory" % path))
        path = self.write("latin.spec", b"send: caf\xe9\n")
        self.assertEqual(spec.load(path), (None, "%s: not UTF-8 text"
                                           % path))


if __name__ == "__main__":
    unittest.main()
