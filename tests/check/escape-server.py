#!/usr/bin/env python3
# A server that never starts: it prints an escape code and a NUL, then
# dies of a traceback that holds them too. The checker quotes the
# traceback's last line, as it was printed, in its first check's message:
# --format junit must still write XML that parses, and --format
# gradescope JSON with the two written out.   python3 escape-server.py PORT
import sys

print("\x1b[31mstarting\x1b[0m on port %s\x00" % sys.argv[1], flush=True)
raise ValueError("bad byte \x1b[0m\x00 in the configuration")
