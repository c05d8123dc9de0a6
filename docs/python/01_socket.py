#!/usr/bin/env python3
"""Lesson 01 in Python: make a TCP and a UDP socket, ask the kernel what
each one is, close both. Prints the same result lines as the C lesson.

    python3 docs/python/01_socket.py
"""
import socket


def show(s, option, option_name, want, want_name):
    value = s.getsockopt(socket.SOL_SOCKET, option)
    print("fd %d: %s is %d, %s %s" % (s.fileno(), option_name, value,
          "which is" if value == want else "which is not", want_name))


# A failed socket() raises OSError: it cannot go unnoticed.
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # fd 3, as in C
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # fd 4

for s, kind, kind_name, proto, proto_name in [
        (tcp, socket.SOCK_STREAM, "SOCK_STREAM", socket.IPPROTO_TCP,
         "IPPROTO_TCP"),
        (udp, socket.SOCK_DGRAM, "SOCK_DGRAM", socket.IPPROTO_UDP,
         "IPPROTO_UDP")]:
    show(s, socket.SO_TYPE, "SO_TYPE", kind, kind_name)
    show(s, socket.SO_DOMAIN, "SO_DOMAIN", socket.AF_INET, "AF_INET")
    show(s, socket.SO_PROTOCOL, "SO_PROTOCOL", proto, proto_name)

udp.close()
tcp.close()
