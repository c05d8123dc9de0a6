# silent-first.py PORT SECONDS [rst|TEXT]...: a client of 127.0.0.1:PORT that
# says nothing, then a client per argument: one that resets at once (rst), or
# sends TEXT, half-closes and prints the echo; the silent one stays SECONDS s.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
import peer, time
port, hold = int(sys.argv[1]), float(sys.argv[2])
silent = peer.connect(port)
for step in sys.argv[3:]:
    if step == "rst":
        peer.rst_close(peer.connect(port))  # a reset at once
    else:
        peer.halfclose(port, step)
time.sleep(hold)  # the silent one, still silent
silent.close()
