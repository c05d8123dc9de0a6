# verdict: calculator.spec with 'newline: no' added: short-send fails.
# A calculator with bare replies ("7.0") sent with one send() whose
# result it never looks at: cut to "7", the reply still matches the
# spec's pattern, and only the same reply without the fault shows it.
import socket
import sys

OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b,
       "*": lambda a, b: a * b}

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, addr = s.accept()
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            a, op, b = data.decode().split()
            conn.send(("%.1f" % OPS[op](float(a), float(b))).encode())
