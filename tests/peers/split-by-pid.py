# split-by-pid.py OUT TRACE DIR: splits a forking server's strace -f TRACE
# by pid, checks that its writes are exactly OUT, writes DIR/trace.PID and
# DIR/narr.PID, and prints the pids, the parent first.
import codecs, re, sys
out, trace, dest = sys.argv[1:4]
order, calls, text = [], {}, {}
write = re.compile(r'write\([12](?:<[^>]*>)?, "((?:[^"\\]|\\.)*)"(?:\.\.\.)?, \d+')
for raw in open(trace, encoding="utf-8", errors="replace"):
    m = re.match(r"^(\d+)\s+(.*)$", raw.rstrip("\n"))
    if not m:
        continue
    pid, line = m.groups()
    if pid not in calls:
        order.append(pid)
        calls[pid], text[pid] = [], []
    calls[pid].append(raw)
    w = write.match(line)
    if w:
        text[pid].append(codecs.escape_decode(w.group(1).encode())[0])
said = sorted(b"".join(b"".join(t) for t in text.values()).splitlines())
printed = sorted(open(out, "rb").read().splitlines())
if said != printed:
    sys.exit("the writes in the trace are not what the server printed")
for pid in order:
    open("%s/trace.%s" % (dest, pid), "w").writelines(calls[pid])
    open("%s/narr.%s" % (dest, pid), "wb").write(b"".join(text[pid]))
    print(pid)
