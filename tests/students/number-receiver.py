# verdict: udp-receiver (the kind, no spec): FAIL datagram (traceback):
# it takes every datagram for a number, and the first that is not one
# ends it; the datagram shows on the terminal only inside the traceback.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data, addr = s.recvfrom(65535)
    number = int(data)
    print("got", number, "from", addr)
