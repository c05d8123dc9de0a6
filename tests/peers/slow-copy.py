# slow-copy.py: copies stdin to stdout 256 bytes at a time, 0.5 ms apart:
# a slow reader of a pipe.
import os, sys, time
while True:
    b = os.read(0, 256)
    if not b:
        break
    sys.stdout.buffer.write(b)
    time.sleep(0.0005)
