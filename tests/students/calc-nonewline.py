# verdict: calculator.spec with 'newline: no' added: every check passes;
# calculator.spec as it is: exchange fails (no newline ends the reply).
# A calculator whose protocol has no line ends: each recv() is one
# request ("3 + 4"), each reply a bare number ("7"). Its client sends
# input() as it was typed, without the newline.
import socket
import sys

OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b,
       "*": lambda a, b: a * b, "/": lambda a, b: a / b if b else None}

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, addr = s.accept()
    conn.settimeout(5)  # a client that never reads
    with conn:
        while True:
            try:
                data = conn.recv(1024)
            except OSError:  # a reset, or the timeout
                break
            if not data:
                break
            words = data.decode("utf-8", "replace").split()
            try:
                a, op, b = float(words[0]), words[1], float(words[2])
                answer = OPS[op](a, b)
            except (IndexError, ValueError, KeyError, OverflowError):
                answer = None
            reply = "ERR" if answer is None else "%g" % answer
            try:
                conn.sendall(reply.encode())
            except OSError:
                break
