# halfclose-bulk-silent.py PORT: three clients of 127.0.0.1:PORT, one after
# another: a line and a half-close, 40000 bytes sent and closed unread,
# then one that stays silent for 3 s.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
import peer, sys, time
port = int(sys.argv[1])
peer.halfclose(port, "hello strace\n")
c = peer.connect(port)
c.sendall(b"never read\n" * 4000)  # and close without reading
c.close()
c = peer.connect(port)
time.sleep(3)  # silent
c.close()
