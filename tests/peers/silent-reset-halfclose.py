# silent-reset-halfclose.py PORT: a silent client of 127.0.0.1:PORT, a client
# that resets at once, one that sends a line and half-closes; the silent one
# stays 5 s.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
import peer, sys, time
port = int(sys.argv[1])
silent = peer.connect(port)
peer.rst_close(peer.connect(port))  # a reset at once
peer.halfclose(port, "still here\n")
time.sleep(5)  # the silent one, still silent
silent.close()
