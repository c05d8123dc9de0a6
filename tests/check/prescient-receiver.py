#!/usr/bin/env python3
# A UDP receiver that never receives:
#     python3 prescient-receiver.py PORT [DELAY [spin] | wait | closed]
#
# It binds the port, prints (at once, or DELAY seconds later) the lines
# that scripts/check's udp-receiver checks send, and then sleeps without
# calling recvfrom(). With "spin" it computes for those DELAY seconds,
# as a program that bound its port and then waited for a CPU would;
# with "wait" it prints once a datagram has come (select()), unread;
# with "closed" it computes 1.5 s, closes its socket, and prints 1.5 s
# later (datagrams sent meanwhile find no socket).
# What it printed before a datagram was sent is not that datagram, nor
# is a line printed while the datagram still waits, unread, in its
# socket, nor one printed after its socket was closed: the checks must
# fail it.
import select
import socket
import sys
import time

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    delay = 0 if sys.argv[2:] in ([], ["wait"], ["closed"]) else \
        float(sys.argv[2])
    if sys.argv[2:] == ["wait"]:
        select.select([s], [], [])
    elif sys.argv[2:] == ["closed"]:
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            pass
        s.close()
        time.sleep(1.5)
    elif sys.argv[3:] == ["spin"]:
        end = time.monotonic() + delay
        while time.monotonic() < end:
            pass
    else:
        time.sleep(delay)
    print("hello, sockstep")
    print("after the empty one")
    print("0123456789" * 200)
    print("after the long one")
    for i in range(100):
        print("burst %03d" % i)
    sys.stdout.flush()
    time.sleep(600)
