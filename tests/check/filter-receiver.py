#!/usr/bin/env python3
# A UDP receiver whose socket keeps no datagram:
#     python3 filter-receiver.py PORT
#
# It binds the port and attaches a socket filter that drops every
# datagram (a classic BPF program of one instruction, "return 0"), so
# its receive queue stays empty. Once the kernel has dropped one (the
# drops column of /proc/net/udp), it prints the lines that
# scripts/check's udp-receiver checks send, and sleeps. It received
# nothing: the checks must fail it.
import ctypes
import os
import socket
import struct
import sys
import time

SO_ATTACH_FILTER = 26
BPF_RET_K = 0x06

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    insn = ctypes.create_string_buffer(struct.pack("HBBI", BPF_RET_K, 0, 0, 0))
    prog = struct.pack("HL", 1, ctypes.addressof(insn))
    s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, prog)
    inode = os.fstat(s.fileno()).st_ino
    while True:
        with open("/proc/net/udp") as f:
            rows = [line.split() for line in f.readlines()[1:]]
        if any(int(r[9]) == inode and int(r[12]) > 0 for r in rows):
            break
        time.sleep(0.05)
    print("hello, sockstep")
    print("after the empty one")
    print("0123456789" * 200)
    print("after the long one")
    sys.stdout.flush()
    time.sleep(600)
