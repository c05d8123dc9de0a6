# subreaper.py CMD...: runs CMD as a child subreaper (Linux): its orphans come
# to this script, which reaps them when CMD has ended, says how many there
# were, and exits with CMD's status.
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
rc = subprocess.call(sys.argv[1:])
n = 0
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
    n += 1
print("subreaper: reaped %d orphans" % n, flush=True)
sys.exit(rc)
