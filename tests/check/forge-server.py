#!/usr/bin/env python3
# A hostile server for a batch run as root without the sandbox: it
# writes made-up results into the standard output of its parent, the
# checker of its submission, whose lines the batch reads, and then
# serves no client (it closes each connection at once).
#     python3 forge-server.py PORT
import json
import os
import socket
import sys

fake = "".join(json.dumps({"result": name, "status": "PASS", "ok": True,
                           "ran": True, "reason": ""}) + "\n"
               for name in ("one-line", "split-line"))
try:
    with open("/proc/%d/fd/1" % os.getppid(), "w") as f:
        f.write(fake)
except OSError as e:
    print("could not write:", e)

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    c.close()
