# escaped-output.py FILE: checks 08-udp-receiver's output FILE: strict UTF-8,
# no raw control character; prints whether datagram 1 (all 256 byte values)
# came escaped as expected, and the text of datagrams 2 and 3.
import sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")  # strict: invalid UTF-8 fails here
bad = [hex(ord(c)) for c in text
       if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f]
print("raw control characters:", bad)
def esc(b):
    out = ""
    for c in b:
        if c == 0x0a: out += "\\n"
        elif c == 0x0d: out += "\\r"
        elif c == 0x09: out += "\\t"
        elif c == 0x5c: out += "\\\\"
        elif 0x20 <= c < 0x7f: out += chr(c)
        else: out += "\\x%02x" % c
    return out
lines = text.split("\n")
want = esc(bytes(range(256)))
print("all bytes:", any(l.startswith("datagram 1 from ") and l.endswith(": " + want) for l in lines))
for l in lines:
    if l.startswith("datagram 2 from ") or l.startswith("datagram 3 from "):
        print(l.split(": ", 1)[1])
