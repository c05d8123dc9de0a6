"""/proc: processes, descriptors, sockets.

Everything the checker knows about the program under test it reads here:
the processes of its session, their state and CPU time, their
descriptors, and the sockets of /proc/net/tcp, tcp6, udp and udp6."""

import functools
import ipaddress
import os
import random
import re
import socket
import struct

from .common import LOCAL

CLK_TCK = os.sysconf("SC_CLK_TCK")
# free_port() chooses from here up to the first ephemeral port: above the
# ports that programs and lessons take by default (8888, 9000 and such).
FIXED_FIRST = 10000


def proc_stat(pid):
    """state, session, CPU seconds and start time of pid, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    rest = data[data.rfind(")") + 2:].split()
    return {
        "state": rest[0],
        "ppid": int(rest[1]),
        "session": int(rest[3]),
        "cpu": (int(rest[11]) + int(rest[12])) / CLK_TCK,
        "start": int(rest[19]),
    }


def all_pids():
    for name in os.listdir("/proc"):
        if name.isdigit():
            yield int(name)


def all_procs():
    """{pid: proc_stat(pid)} for every process there is."""
    procs = {}
    for pid in all_pids():
        st = proc_stat(pid)
        if st:
            procs[pid] = st
    return procs


# Whether this process is a subreaper (become_subreaper() says): then
# every process it started, and every orphan of those, is below it.
SUBREAPER = []


def become_subreaper():
    """Let the processes a program leaves behind (a daemon that forked
    twice, a child whose parent died) become the checker's children
    instead of init's, so that they are found, killed and reaped."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(36, 1, 0, 0, 0) == 0:  # PR_SET_CHILD_SUBREAPER
            SUBREAPER[:] = [os.getpid()]
    except (OSError, AttributeError):
        pass  # then only the program's session is found


def task_files(pid, name):
    """The text of /proc/PID/task/TID/NAME for each thread of pid (a
    thread that ends meanwhile is left out), or None once pid has
    ended."""
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    out = []
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/%s" % (pid, tid, name)) as f:
                out.append(f.read())
        except OSError:
            continue
    return out


def children_of(pid):
    """The children of pid's threads (/proc/PID/task/TID/children), or
    None where the kernel has no such file."""
    kids = []
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return kids
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                kids.extend(int(k) for k in f.read().split())
        except FileNotFoundError:
            if not os.path.exists("/proc/self/task/%d/children"
                                  % os.getpid()):
                return None
        except (OSError, ValueError):
            pass
    return kids


def my_procs():
    """{pid: proc_stat(pid)} for every process a program of this checker
    could have made. A subreaper has them all below it, and walking down
    its tree reads a few files where all_procs() reads one per process
    of the machine (hundreds while a test suite runs beside it); else,
    every process there is."""
    me = os.getpid()
    if SUBREAPER != [me]:
        return all_procs()
    procs, todo = {}, [me]
    while todo:
        pid = todo.pop()
        kids = children_of(pid)
        if kids is None:
            return all_procs()
        for kid in kids:
            if kid not in procs:
                st = proc_stat(kid)
                if st:
                    procs[kid] = st
                    todo.append(kid)
    return procs


def fd_links(pid):
    """{fd: what it points to} for pid, or None if it is gone."""
    try:
        names = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return None
    links = {}
    for name in names:
        try:
            links[int(name)] = os.readlink("/proc/%d/fd/%s" % (pid, name))
        except OSError:
            pass
    return links


SOCKET_RE = re.compile(r"^socket:\[(\d+)\]$")


def socket_inodes(pid):
    links = fd_links(pid) or {}
    return {int(m.group(1)) for m in
            (SOCKET_RE.match(t) for t in links.values()) if m}


class Sock:
    """One line of /proc/net/tcp, tcp6, udp or udp6."""

    LISTEN = 0x0A     # TCP states, as /proc/net/tcp numbers them
    TIME_WAIT = 0x06

    def __init__(self, proto, fields):
        self.proto = proto
        self.ip, self.port = parse_addr(fields[1])
        self.rip, self.rport = parse_addr(fields[2])
        self.state = int(fields[3], 16)
        self.inode = int(fields[9])
        self.drops = int(fields[12]) if proto.startswith("udp") else 0
        self.tx_queue, self.rx_queue = (int(n, 16)
                                        for n in fields[4].split(":"))

    def bound(self):
        """A listening TCP socket, or a UDP socket with no peer."""
        if self.proto.startswith("tcp"):
            return self.state == Sock.LISTEN
        return self.rport == 0

    def where(self):
        return show_addr(self.ip, self.port)


# Remembered: every look at /proc/net parses each socket's two addresses,
# and a check looks many times at the same few (its port, the checker's).
@functools.lru_cache(maxsize=4096)
def parse_addr(text):
    """'0100007F:1F90' -> ('127.0.0.1', 8080): the kernel prints each
    32-bit word of the address as a number in this machine's byte order."""
    hexip, hexport = text.split(":")
    raw = b"".join(struct.pack("=I", int(hexip[i:i + 8], 16))
                   for i in range(0, len(hexip), 8))
    family = socket.AF_INET if len(raw) == 4 else socket.AF_INET6
    return socket.inet_ntop(family, raw), int(hexport, 16)


def show_addr(ip, port):
    return ("[%s]:%d" if ":" in ip else "%s:%d") % (ip, port)


def net_table(proto, v6=None):
    """Every socket of proto ('tcp' or 'udp'), IPv4 and IPv6; with v6
    True or False, only IPv6 or only IPv4 (each read costs the kernel
    a walk of all its sockets)."""
    socks = []
    for name in {None: (proto, proto + "6"), True: (proto + "6",),
                 False: (proto,)}[v6]:
        try:
            with open("/proc/net/" + name) as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) >= 10:
                socks.append(Sock(name, fields))
    return socks


def tcp_peer(port, rport):
    """The program's end of one of our TCP connections: the socket on
    port whose peer is our rport, or None."""
    for sock in net_table("tcp"):
        if sock.port == port and sock.rport == rport:
            return sock
    return None


def is_loopback(ip):
    addr = ipaddress.ip_address(ip)
    if addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_loopback


def connect_host(ip):
    """The loopback address to reach a socket bound to ip, or None."""
    addr = ipaddress.ip_address(ip)
    if addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return str(addr)
    if addr.is_unspecified:
        return LOCAL if addr.version == 4 else "::1"
    return None


def port_in_use(port, proto):
    return any(s.port == port and s.bound() for s in net_table(proto))


# The TCP states /proc/net/tcp numbers, by name (the kernel's tcp_states.h)
TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
              5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT",
              9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING"}


def connections_on(port):
    """The states of the TCP connections whose local port is port, by
    name: a program's end of a connection holds its port against a bind()
    without SO_REUSEADDR in every one of them, not only in TIME_WAIT."""
    return sorted({TCP_STATES.get(s.state, "state %d" % s.state)
                   for s in net_table("tcp")
                   if s.port == port and s.state != Sock.LISTEN})


def ephemeral_low():
    """The first port of the kernel's range for the local ports of
    connections (net.ipv4.ip_local_port_range), or None."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def free_port(proto, addr=LOCAL):
    """A port of addr that bind() took a moment ago, with nothing on it.
    It is chosen below the kernel's range of ephemeral ports, where no
    connect() takes its local port: a port that bind(0) chose could become
    the local port of another program's connection before the program
    under test binds it, and be held in TIME_WAIT for a minute after.
    (tests/peers/free-port.py chooses its ports the same way.)"""
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    low = ephemeral_low()
    tries = []
    if low is not None and low > FIXED_FIRST + 1000:
        tries = random.sample(range(FIXED_FIRST, low), 64)
    for port in tries + [0]:
        s = socket.socket(family, kind)
        try:
            s.bind((addr, port))
            return s.getsockname()[1]
        except OSError:
            continue
        finally:
            s.close()
    raise OSError("no free %s port on %s" % (proto, addr))


# The system calls a program may sit blocked in, by number, as
# /proc/PID/syscall gives it (the numbers differ from one machine to
# another); the rest are shown by number.
SYSCALLS = {
    "x86_64": {0: "read", 1: "write", 7: "poll", 19: "readv", 20: "writev",
               23: "select", 35: "nanosleep", 42: "connect", 43: "accept",
               44: "sendto", 45: "recvfrom", 46: "sendmsg", 47: "recvmsg",
               61: "wait4", 202: "futex", 230: "clock_nanosleep",
               232: "epoll_wait", 270: "pselect6", 271: "ppoll",
               281: "epoll_pwait", 288: "accept4", 299: "recvmmsg",
               307: "sendmmsg", 441: "epoll_pwait2"},
    "aarch64": {22: "epoll_pwait", 63: "read", 64: "write", 65: "readv",
                66: "writev", 72: "pselect6", 73: "ppoll", 98: "futex",
                101: "nanosleep", 115: "clock_nanosleep", 202: "accept",
                203: "connect", 206: "sendto", 207: "recvfrom",
                211: "sendmsg", 212: "recvmsg", 242: "accept4",
                243: "recvmmsg", 260: "wait4", 269: "sendmmsg",
                441: "epoll_pwait2"},
}.get(os.uname().machine, {})
# The calls that send or receive on the descriptor of their first argument.
SEND_CALLS = ("sendto", "write", "sendmsg", "writev", "sendmmsg")
RECV_CALLS = ("recvfrom", "read", "recvmsg", "readv", "recvmmsg")
FD_CALLS = SEND_CALLS + RECV_CALLS + ("accept", "accept4", "connect")


class Call:
    """What one thread of a program does now, from /proc/PID/task/TID:
    name, the system call it sits blocked in ('' while it runs), called,
    the call of the C library that makes it (send for sendto), fd, the
    descriptor that call works on (or None), inode, that descriptor's
    socket (or None), and line, the raw syscall line (the same line twice
    means the same call, its arguments unchanged)."""

    def __init__(self, pid, tid, line):
        self.pid, self.tid, self.line = pid, tid, line
        self.name = self.called = ""
        self.fd = self.inode = None
        fields = line.split()
        if not fields or fields[0] in ("running", "-1"):
            return
        try:
            nr = int(fields[0])
        except ValueError:
            return
        self.name = SYSCALLS.get(nr, "system call %d" % nr)
        # what the program called: the C library's send() and recv() are
        # the system calls sendto() and recvfrom() with no address, and
    # accept() is accept4() with no flags
        self.called = {"sendto": "send", "recvfrom": "recv",
                       "accept4": "accept"}.get(
            self.name, self.name)
        if self.name in FD_CALLS and len(fields) > 1:
            self.fd = int(fields[1], 16)
            try:
                m = SOCKET_RE.match(os.readlink("/proc/%d/fd/%d"
                                                % (pid, self.fd)))
                self.inode = int(m.group(1)) if m else None
            except OSError:
                pass

    def sends(self):
        return self.name in SEND_CALLS

    def receives(self):
        return self.name in RECV_CALLS


def calls_of(pids):
    """A Call for each thread of pids, or None where /proc/PID/syscall
    cannot be read (another user's process, a kernel without it)."""
    calls = []
    for pid in pids:
        try:
            tids = os.listdir("/proc/%d/task" % pid)
        except OSError:
            continue  # it ended
        for tid in tids:
            try:
                with open("/proc/%d/task/%s/syscall" % (pid, tid)) as f:
                    line = f.read().strip()
            except FileNotFoundError:
                continue
            except OSError:
                return None
            calls.append(Call(pid, int(tid), line))
    return calls


def send_timeout(pid, fd):
    """The send timeout (SO_SNDTIMEO, in seconds; 0: none, a send()
    waits for good) of descriptor fd of process pid, read from a copy
    of it (pidfd_getfd(), Linux 5.6 and later, allowed to the program's
    parent), or None where it cannot be read."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        nr = {"x86_64": (434, 438), "aarch64": (434, 438)}.get(
            os.uname().machine)
        if nr is None:
            return None
        pidfd = libc.syscall(nr[0], pid, 0)
        if pidfd < 0:
            return None
        try:
            dup = libc.syscall(nr[1], pidfd, fd, 0)
        finally:
            os.close(pidfd)
        if dup < 0:
            return None
        s = socket.socket(fileno=dup)
        try:
            raw = s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, 16)
        finally:
            s.close()  # our copy only: the program's descriptor stays
        sec, usec = struct.unpack("ll", raw)
        return sec + usec / 1e6
    except (OSError, ValueError, AttributeError, struct.error):
        return None
