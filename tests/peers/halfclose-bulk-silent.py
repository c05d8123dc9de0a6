# halfclose-bulk-silent.py PORT: three clients of 127.0.0.1:PORT, one after
# another: a line and a half-close, up to 44000 bytes sent and closed unread,
# then one that stays silent until the server gives up on it and closes
# (30 s at most): on a slow machine the server may accept it seconds
# after it connected, and its recv() must still time out.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
import peer, sys
port = int(sys.argv[1])
peer.halfclose(port, "hello strace\n")
c = peer.connect(port)
peer.send_unread(c, b"never read\n" * 4000)  # and close without reading
c.close()
c = peer.connect(port)
c.settimeout(30)
try:
    c.recv(1)  # silent, until the server's close
except OSError:
    pass
c.close()
