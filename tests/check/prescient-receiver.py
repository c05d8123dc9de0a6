#!/usr/bin/env python3
# A UDP receiver that never receives:
#     python3 prescient-receiver.py PORT [DELAY [spin] | wait | on DEVICE]
#
# It binds the port, prints (at once, or DELAY seconds later) the lines
# that scripts/check's udp-receiver checks send, and then sleeps without
# calling recvfrom(). With "spin" it computes for those DELAY seconds,
# as a program that bound its port and then waited for a CPU would;
# with "wait" it prints once a datagram has come (select()), unread;
# with "on DEVICE" it binds its socket to that network interface
# (SO_BINDTODEVICE), so that a datagram that comes over the loopback
# interface finds no socket to take it, and prints once the kernel has
# refused one (ICMP port unreachable: /proc/net/snmp's Udp NoPorts
# counter grew). Run it so in a network namespace of its own, where no
# other program's datagram is counted there.
# What it printed before a datagram was sent is not that datagram, nor
# is a line printed while the datagram still waits, unread, in its
# socket, nor one printed after its socket was closed: the checks must
# fail it.
import select
import socket
import sys
import time


def no_ports():
    """Udp's NoPorts counter in /proc/net/snmp."""
    with open("/proc/net/snmp") as f:
        lines = [line.split() for line in f if line.startswith("Udp:")]
    return lines[1][lines[0].index("NoPorts")]


with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    on = sys.argv[2] == "on" if sys.argv[2:] else False
    if on:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                     sys.argv[3].encode())
    s.bind(("127.0.0.1", int(sys.argv[1])))
    delay = 0 if on or sys.argv[2:] in ([], ["wait"]) else float(sys.argv[2])
    if sys.argv[2:] == ["wait"]:
        select.select([s], [], [])
    elif on:
        first = no_ports()
        while no_ports() == first:
            time.sleep(0.01)
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
