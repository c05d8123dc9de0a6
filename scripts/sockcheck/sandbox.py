"""Each submission of a batch runs in a sandbox of bubblewrap (bwrap):
its own user, PID, mount, IPC, UTS and network namespaces (a loopback of
its own, where the checker's peers run too), no capabilities. It shows
only what a check needs (see command()): the system's toolchain (/usr
and its /bin, /lib links), a minimal /etc made for it, the checker's own
files (scripts/, the preload library, the compiled modules), read only;
its /tmp, which holds its copy of the submission, and its /dev/shm are
tmpfs of a fixed size (Limits.disk), and the rest of its file system is
read only. Its environment is fixed (environment()): nothing of the
lecturer's. Its limits (Limits) hold processes, memory, file size and
CPU time, and the batch ends it after Limits.time seconds.

Inside, the checker for that one submission (scripts/check in its
--in-sandbox mode) is PID 1 of the namespace: a process of the
submission cannot signal it (the kernel drops a signal sent to its
namespace's init, SIGKILL and SIGSTOP included, unless init has a
handler for it), nor read its descriptors (it is not dumpable, and the
sandbox has no capabilities). When it ends, the kernel ends every
process left in the namespace. --die-with-parent ends the sandbox with
the batch (Ctrl-C, a dropped SSH session).

Run as root, the sandbox runs as a user of its own (a high uid, one per
slot of --jobs, that no account has), so that the process limit holds:
the kernel does not count processes against root's RLIMIT_NPROC; and,
where the machine has a memory cgroup, in a cgroup of its own whose
memory (its tmpfs included) is limited as a whole.

start() is the whole of it, for a batch's submission or a single one."""

import errno
import json
import os
import resource
import shutil
import stat
import subprocess
import sys

MB = 1 << 20


class Limits:
    """The limits of one submission's sandbox, each a lecturer's option
    (--limit NAME=N,...), with these defaults:
      memory  MiB of memory: of each process's address space, and, where
              the machine has a memory cgroup and the batch runs as root,
              of the whole sandbox (its tmpfs included)
      procs   processes and threads, the checker's own included
      file    MiB, the largest file it may write
      cpu     CPU seconds, per process
      time    seconds the whole submission may take (build and checks),
              wall clock: then it is ended, and its row says so
      disk    MiB of its /tmp, which holds its copy of the submission
              (a folder larger than half of it is not copied: every byte
              of a sparse file counts); its /dev/shm has a quarter"""

    DEFAULTS = (("memory", 4096), ("procs", 256), ("file", 64),
                ("cpu", 300), ("time", 900), ("disk", 256))
    # the largest value of each, and the smallest
    TOP = {"memory": 1 << 20, "procs": 4096, "file": 1 << 20,
           "cpu": 86400, "time": 86400, "disk": 1 << 20}
    LEAST = {"memory": 64, "procs": 16, "file": 1, "cpu": 1, "time": 10,
             "disk": 4}

    def __init__(self, **given):
        for name, value in self.DEFAULTS:
            setattr(self, name, given.pop(name, value))
        if given:
            raise TypeError("Limits has no %s" % ", ".join(given))

    def copy_limit(self):
        """The largest folder copied in, in bytes."""
        return self.disk * MB // 2

    def __repr__(self):
        return ",".join("%s=%d" % (n, getattr(self, n))
                        for n, _ in self.DEFAULTS)

    @classmethod
    def parse(cls, text):
        """Limits from --limit's 'NAME=N,...': None and a sentence when
        it is wrong."""
        given = {}
        for item in [i for i in text.split(",") if i]:
            name, eq, value = item.partition("=")
            if name not in cls.TOP:
                return None, "no limit '%s' (%s)" % (
                    name, ", ".join(n for n, _ in cls.DEFAULTS))
            if not eq or not value.isdigit() or not \
                    cls.LEAST[name] <= int(value) <= cls.TOP[name]:
                return None, "%s: expected a number %d..%d, got '%s'" % (
                    name, cls.LEAST[name], cls.TOP[name], value)
            given[name] = int(value)
        if not given:
            return None, "expected NAME=N, got '%s'" % text
        return cls(**given), None


LIMITS = Limits()

# Inside the sandbox: where the checker, the submission's copy, the
# folder it is copied from and the lecturer's spec are.
TOOL = "/tmp/.sockstep"
WORK = "/tmp/submission"
STAGED = "/tmp/.submitted"
SPEC_DIR = "/tmp/.spec"

# The environment inside: these alone (environment()).
PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"

UID_BASE = 1500000000  # root: slot N runs as uid UID_BASE + pid*64 + N


# The options of bwrap the sandbox needs, each with the release of
# bubblewrap that brought it (its git history). Debian 11 has 0.4.1 and
# Ubuntu 22.04 0.6.1: neither has --size. (--disable-userns, of 0.8.0,
# is used where bwrap has it: no_userns().)
NEEDED = (("--size", "0.7.0", "a /tmp of a fixed size for each sandbox"),
          ("--as-pid-1", "0.2.0", "the checker as process 1"),
          ("--cap-drop", "0.2.0", "no capabilities"),
          ("--die-with-parent", "0.1.8", "the sandbox ends with the batch"),
          ("--new-session", "0.1.7", "a session of its own"),
          ("--unshare-all", "0.1.7", "namespaces of its own"))


def bwrap_help(exe):
    """What bwrap --help says (b"" if it fails), asked once."""
    if exe not in HELP:
        try:
            p = subprocess.run([exe, "--help"], stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=30)
            # a bwrap that cannot even say its options (one that fails
            # at every start) says why when it is started
            HELP[exe] = p.stdout + p.stderr if p.returncode == 0 else b""
        except (OSError, subprocess.TimeoutExpired):
            HELP[exe] = b""
    return HELP[exe]


HELP = {}


def bwrap_too_old(exe):
    """None when bwrap at exe has every option of NEEDED (its --help
    names it), or one sentence: which it lacks, its version, and the
    release that has them."""
    said = bwrap_help(exe)
    if not said:
        return None  # it will fail when started, and say why then
    lacks = [n for n in NEEDED if n[0].encode() not in said]
    if not lacks:
        return None
    try:
        version = subprocess.run(
            [exe, "--version"], stdin=subprocess.DEVNULL,
            capture_output=True, timeout=30).stdout.decode(
                "utf-8", "replace").strip().splitlines()
    except (OSError, subprocess.TimeoutExpired):
        version = []
    from .words import printable
    version = printable(version[0][:60]) if version else "an unknown version"
    need = max((n[1] for n in lacks),
               key=lambda v: tuple(int(x) for x in v.split(".")))
    return ("this bwrap (%s) has no %s (%s), which the sandbox needs: "
            "bubblewrap %s or later has it (Debian 12 and Ubuntu 24.04 "
            "have one)" % (version, ", ".join(n[0] for n in lacks),
                           "; ".join(n[2] for n in lacks), need))


def bwrap_missing():
    """None when bwrap runs here with the namespaces it needs, or one
    sentence saying why not, and what would mend it."""
    exe = shutil.which("bwrap")
    if exe is None:
        return ("bubblewrap (bwrap) is not installed (Debian: bubblewrap): "
                "install it")
    old = bwrap_too_old(exe)
    if old:
        return old + ": install it"
    try:
        p = subprocess.run([exe] + base_args() + ["--", "/bin/true"],
                           stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "bwrap could not be started (%s): install it again" % e
    if p.returncode != 0:
        # bwrap is there, but the kernel (or the container it runs in)
        # refused it namespaces: installing it again would not help
        why = p.stderr.decode("utf-8", "replace").strip().splitlines()
        why = why[-1] if why else "status %d" % p.returncode
        if os.geteuid() == 0:
            # the sandbox makes a user namespace as root too: the kernel
            # makes none inside a chroot (unshare(2), EPERM), and a
            # container may forbid them
            return ("bwrap cannot make a sandbox here (%s): the kernel "
                    "refused it the namespaces it needs, to root too, as "
                    "inside a chroot or a container that forbids them; "
                    "grade on the machine itself" % why)
        return ("bwrap cannot make a sandbox here (%s): the kernel or a "
                "container refused it the namespaces it needs; grade as "
                "root, or where this user may make user namespaces" % why)
    return None


# The directories of the system a program may need: its commands and
# libraries (a link, as /bin is on a merged /usr, stays a link). /etc is
# one made for the sandbox (etc()). Everything else of the machine
# (homes, /root, /opt, /srv, /var, /sys, other users' files) is not there.
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What of the machine's /etc it shows: what the loader, the compilers,
# Python and the resolver of names (for localhost) read. Not passwd,
# group or hosts: those are made for it, with its own user alone.
ETC = ("alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
       "localtime", "nsswitch.conf", "host.conf", "gai.conf", "protocols",
       "services", "mime.types", "os-release", "debian_version",
       "python3*", "java-*", "perl")


def visible(extra=()):
    """bwrap's arguments that show the system's directories (SYSTEM) and
    the directories in extra, read-only at their own paths: a link (as
    /bin is on a merged /usr) stays a link. A directory of extra inside
    one already shown is left out, as is one that does not exist."""
    args, shown = [], []
    for d in list(SYSTEM) + [os.path.realpath(e) for e in extra]:
        d = d.rstrip("/") or "/"
        if any(d == s or d.startswith(s + "/") for s in shown):
            continue
        if os.path.islink(d) and d in SYSTEM:
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
        else:
            continue
        shown.append(d)
    return args


def interpreter_dirs(py):
    """The directories the sandbox needs beyond SYSTEM: those of py, the
    Python the checker inside runs on, when it is not the system's (a
    version manager's); none that the sandbox's user could not reach."""
    dirs = set()
    real = os.path.realpath(py)
    if not any(real.startswith(s + "/") for s in SYSTEM):
        dirs.add(os.path.dirname(real))
        if real == os.path.realpath(sys.executable):
            dirs.update((sys.prefix, sys.base_prefix))
    return sorted(d for d in dirs if searchable(d))


def base_args(extra=(), disk=LIMITS.disk):
    """What every sandbox has: the system's directories, its own /dev,
    /proc, a /tmp and a /dev/shm of their own (tmpfs of disk MiB and a
    quarter of it), its namespaces, no capabilities, and, where bwrap
    can (no_userns()), no user namespace of its own to make."""
    return visible(extra) + [
        "--dev", "/dev",
        "--size", str(max(disk // 4, 1) * MB), "--tmpfs", "/dev/shm",
        "--proc", "/proc",
        "--size", str(disk * MB), "--tmpfs", "/tmp",
        "--unshare-all", "--hostname", "sandbox", "--die-with-parent",
        "--new-session", "--cap-drop", "ALL", "--as-pid-1"] + no_userns()


USERNS = []  # no_userns()'s answer, once found


def no_userns():
    """bwrap's arguments that keep a submission from making user
    namespaces (bwrap 0.8.0 on: --disable-userns): in one, it is root
    and may mount a tmpfs of its own, of no set size, past --limit
    disk; and it reaches more of the kernel. [] with an older bwrap."""
    if not USERNS:
        exe = shutil.which("bwrap")
        said = bwrap_help(exe) if exe else b""
        USERNS.append(["--unshare-user", "--disable-userns"]
                      if b"--disable-userns" in said else [])
    return USERNS[0]


def read_only():
    """bwrap's last arguments: its own / and /dev read only (each is a
    tmpfs without a size, where a program could otherwise write the
    machine's memory away)."""
    return ["--remount-ro", "/dev", "--remount-ro", "/"]


def environment(uid=None):
    """The environment inside, whoever starts the batch: a fixed PATH of
    the system's directories, LANG, and HOME in the submission's copy;
    nothing else (no variable of the lecturer's: a key, a token, where
    their files are)."""
    return {"PATH": PATH, "LANG": "C.UTF-8", "HOME": WORK}


def etc(folder, uid):
    """bwrap's arguments for the sandbox's /etc: a tmpfs with the files
    of ETC that the machine has, read only, and a passwd, group and
    hosts written in folder (the sandbox's own user, uid, as
    'student'; localhost and the sandbox's name)."""
    uid = os.getuid() if uid is None else uid
    gid = os.getgid() if uid == os.getuid() else uid
    files = {
        "passwd": "root:x:0:0:root:/root:/bin/sh\n"
                  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                  + ("student:x:%d:%d:student:%s:/bin/sh\n"
                     % (uid, gid, WORK) if uid not in (0, 65534) else ""),
        "group": "root:x:0:\nnogroup:x:65534:\n"
                 + ("student:x:%d:\n" % gid if gid not in (0, 65534)
                    else ""),
        "hosts": "127.0.0.1\tlocalhost\n127.0.1.1\tsandbox\n"
                 "::1\tlocalhost ip6-localhost ip6-loopback\n",
    }
    args = ["--tmpfs", "/etc"]
    import glob
    for pattern in ETC:
        for here in sorted(glob.glob(os.path.join("/etc", pattern))):
            args += ["--ro-bind", here, here]
    for name, text in files.items():
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)
        args += ["--ro-bind", path, os.path.join("/etc", name)]
    return args + ["--remount-ro", "/etc"]


def searchable(path):
    """Can any user reach into path (each directory on the way o+x)?"""
    at = "/"
    for part in path.strip("/").split("/"):
        at = os.path.join(at, part)
        try:
            if not os.stat(at).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def closed_to_sandbox(tool_root):
    """None, or one sentence: as the machine's root each sandbox runs as
    a user of its own (slot_uid), who must reach the checker's tree and
    the temporary folder, and read the checker: the first directory on
    the way that others cannot pass, or file they cannot read, named."""
    if slot_uid(0) is None:
        return None
    closed = None
    import tempfile
    for path in (tool_root, tempfile.gettempdir()):
        at = "/"
        for part in os.path.realpath(path).strip("/").split("/"):
            at = os.path.join(at, part)
            try:
                mode = os.stat(at).st_mode
            except OSError:
                break
            if not mode & stat.S_IXOTH:
                closed = closed or (at, mode)
    for name in (("scripts", "check"), ("scripts", "sockcheck", "cli.py")):
        at = os.path.join(os.path.realpath(tool_root), *name)
        try:
            mode = os.stat(at).st_mode
        except OSError:
            continue
        if not mode & stat.S_IROTH:
            closed = closed or (at, mode)
    if closed is None:
        return None
    from .words import printable
    return ("as root, each sandbox runs as a user of its own, to whom %s "
            "(mode %04o) is closed, as /root is, or a clone made under "
            "umask 077: clone where others may read, or grade as an "
            "ordinary user" % (printable(closed[0]),
                               stat.S_IMODE(closed[1])))


def slot_uid(slot):
    """The uid of slot's sandbox when the batch runs as the machine's
    root, else None (then it runs as the user who started the batch; so
    does a root that is root only in a user namespace, as under unshare
    -r, where no other uid is mapped)."""
    if os.geteuid() != 0 or not real_root():
        return None
    return UID_BASE + (os.getpid() % 1000000) * 64 + slot


def real_root():
    """Is this the first user namespace, where every uid exists?"""
    try:
        with open("/proc/self/uid_map") as f:
            return f.read().split() == ["0", "0", "4294967295"]
    except OSError:
        return False


def root_unbounded():
    """Is this user, in a user namespace (not the first), uid 0 of the
    namespace above: the machine's root, most likely (as under unshare
    -r, or unshare --map-user=1000, started by root)? The sandbox then
    runs as this user, and the kernel counts no process against the
    machine's root user's RLIMIT_NPROC: the process limit cannot hold.
    (Seen from here, a namespace above that is not the first looks the
    same.)"""
    if real_root():
        return False
    euid = os.geteuid()
    try:
        with open("/proc/self/uid_map") as f:
            rows = [[int(n) for n in line.split()] for line in f]
    except (OSError, ValueError):
        return False
    for inside, outside, count in rows:
        if inside <= euid < inside + count:
            return outside + (euid - inside) == 0
    return False


def precompile(tool_root):
    """Compile the checker's modules for the path the sandbox shows them
    at (TOOL) into the cache that scripts/check reads there: build/pycache
    of the tree, read-only inside. The checker in each sandbox then loads
    them compiled, where it compiled the whole package at every start (it
    cannot write its cache there, and the one built outside is named by
    the tree's own path). Only where the tree has build/ (scripts/check
    uses the cache only then), and nothing is said if it cannot be
    written: the sandbox's checker compiles the modules as before."""
    import importlib.util
    import py_compile
    build = os.path.join(tool_root, "build")
    here = os.path.join(tool_root, "scripts", "sockcheck")
    if not os.path.isdir(build):
        return
    saved = sys.pycache_prefix
    sys.pycache_prefix = os.path.join(TOOL, "build", "pycache")
    try:
        for name in sorted(os.listdir(here)):
            if not name.endswith(".py"):
                continue
            inside = os.path.join(TOOL, "scripts", "sockcheck", name)
            cfile = os.path.join(tool_root, os.path.relpath(
                importlib.util.cache_from_source(inside), TOOL))
            source = os.path.join(here, name)
            try:
                if (os.path.exists(cfile) and os.stat(cfile).st_mtime
                        >= os.stat(source).st_mtime):
                    continue
                py_compile.compile(source, cfile=cfile, dfile=inside,
                                   doraise=True)
            except (OSError, py_compile.PyCompileError):
                return
    finally:
        sys.pycache_prefix = saved


def hidden(paths, at=lambda h: h):
    """bwrap's arguments that put each directory of paths out of sight
    (an empty tmpfs over it) and each file not in one of them (an empty
    file over it), at(path) being where the sandbox shows it."""
    args, dirs = [], []
    for h in paths:
        if os.path.isdir(h):
            args += ["--tmpfs", at(h)]
            dirs.append(h.rstrip("/") + "/")
    for h in paths:
        if os.path.isfile(h) and not any(h.startswith(d) for d in dirs):
            args += ["--ro-bind", "/dev/null", at(h)]
    return args


def tool_files(tool_root):
    """(path in the tree, path inside) of what the checker inside needs
    of its tree: scripts/ (the checker, scripts/narrate), the preload
    library and the compiled modules; not the tree itself, which may
    hold a lecturer's old results, other classes, a git remote's token."""
    out = []
    for rel in ("scripts", "build/libsockstep.so", "build/pycache"):
        here = os.path.join(tool_root, rel)
        if os.path.exists(here):
            out.append((here, os.path.join(TOOL, rel)))
    return out


def command(tool_root, staged, folder, spec, hide, inner_argv,
            limits=LIMITS, uid=None):
    """The bwrap command that runs inner_argv (the checker inside) with
    the checker's files (tool_files()) read-only under TOOL, staged (the
    copy of the submission's folder, which the checker inside copies
    into its /tmp, at WORK) read only at STAGED, the spec file read-only
    in SPEC_DIR, an /etc made in folder (etc()), and the directories and
    files in hide (the class's folder, the CSV of its results, the
    batch's own temporary folder) out of sight wherever the sandbox
    would show them."""
    py = inner_argv[0]
    extra = interpreter_dirs(py)
    args = ["bwrap"] + base_args(extra, limits.disk)
    args += etc(folder, uid)
    # hidden where a directory shown at its own path would show it (a
    # mount point made elsewhere would show its name)
    shown = [os.path.realpath(d).rstrip("/") + "/"
             for d in list(SYSTEM) + extra if os.path.isdir(d)]
    args += hidden([h for h in hide
                    if any(os.path.realpath(h).startswith(d)
                           for d in shown)])
    args += ["--ro-bind", staged, STAGED]
    for here, inside in tool_files(tool_root):
        args += ["--ro-bind", here, inside]
        root = os.path.realpath(here).rstrip("/") + "/"
        under = [os.path.realpath(h) for h in hide
                 if os.path.realpath(h).startswith(root)]
        args += hidden(under, lambda h, r=root, i=inside:
                       os.path.join(i, h[len(r):]))
    if spec:
        args += ["--ro-bind", spec,
                 os.path.join(SPEC_DIR, os.path.basename(spec))]
    return args + read_only() + ["--chdir", "/tmp", "--"] + inner_argv


def preexec(uid, limits=LIMITS, cgroup=None):
    """A preexec_fn for the sandbox: a session of its own, its cgroup,
    the limits, then (as root) the sandbox's own user."""
    nproc, mem = limits.procs, limits.memory * MB
    cpu, size = limits.cpu, limits.file * MB

    def apply():
        os.setsid()
        if cgroup:
            try:
                with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                    f.write(str(os.getpid()))
            except OSError:
                pass
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        else:
            # the user's own processes count too: allow nproc more
            mine = own_processes()
            soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
            want = mine + nproc
            if hard != resource.RLIM_INFINITY:
                want = min(want, hard)
            resource.setrlimit(resource.RLIMIT_NPROC, (want, hard))
    return apply


def limits(uid, nproc=LIMITS.procs):
    """The preexec_fn of the default limits (as before start())."""
    return preexec(uid, Limits(procs=nproc))


def own_processes():
    uid, n = os.getuid(), 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat("/proc/" + name).st_uid == uid:
                    n += 1
            except OSError:
                pass
    return n


# ---- what a build leaves behind ---------------------------------------------

# Set by the checker inside a sandbox (grading.settle()), PID 1 of the
# sandbox's PID namespace: end_others() ends every other process there.
INIT = []


def end_others():
    """In a sandbox, once a build has ended: end every process left in
    it but the checker itself (PID 1; kill(-1) spares its caller). A
    build may leave one that left its session (setsid), which would live
    on through the checks and could end, or trace, what the checker
    starts there (the compilers that read --source's files: their
    findings then vanish). Outside a sandbox: nothing."""
    if not INIT or os.getpid() != 1:
        return
    import signal
    import time
    for _ in range(100):
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass  # no other process left to signal
        while True:  # PID 1 is the parent of every orphan: reap them
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return  # none left
            if pid == 0:
                break
        time.sleep(0.02)


# ---- memory for the whole sandbox: a cgroup, where there is one ----------

CGROUP_V1 = "/sys/fs/cgroup/memory"
CGROUP_V2 = "/sys/fs/cgroup"


def own_cgroup(v2):
    """The path of this process's memory cgroup, under its hierarchy's
    top ('/' for the top itself), or None."""
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if (v2 and _ == "0") or (
                        not v2 and "memory" in controllers.split(",")):
                    return path
    except (OSError, ValueError):
        pass
    return None


def make_cgroup(name, limits):
    """A memory cgroup of its own for a sandbox, inside the batch's own
    (so that a limit set around the batch still holds), limited to
    limits.memory MiB, its tmpfs included (the kernel charges a tmpfs's
    pages to who wrote them): its path, or None where none can be made
    (not root, no memory controller, a cgroup v2 whose parent does not
    give its children memory)."""
    if os.geteuid() != 0 or not real_root():
        return None
    mem = str(limits.memory * MB)
    for top, knob, v2 in ((CGROUP_V1, "memory.limit_in_bytes", False),
                          (CGROUP_V2, "memory.max", True)):
        own = own_cgroup(v2)
        if own is None:
            continue
        parent = os.path.join(top, own.lstrip("/"))
        if v2:
            try:
                with open(os.path.join(parent,
                                       "cgroup.subtree_control")) as f:
                    if "memory" not in f.read().split():
                        continue
            except OSError:
                continue
        elif not os.path.exists(os.path.join(parent, knob)):
            continue
        path = os.path.join(parent, name)
        try:
            os.mkdir(path)
        except FileExistsError:
            pass
        except OSError:
            continue
        try:
            with open(os.path.join(path, knob), "w") as f:
                f.write(mem)
            return path
        except OSError:
            drop_cgroup(path)
    return None


def out_of_memory(path):
    """Did the kernel end a process of the cgroup at path for memory?"""
    for name, key in (("memory.oom_control", "oom_kill"),
                      ("memory.events", "oom_kill")):
        try:
            with open(os.path.join(path, name)) as f:
                for line in f:
                    words = line.split()
                    if len(words) == 2 and words[0] == key:
                        return int(words[1]) > 0
        except (OSError, ValueError):
            pass
    return False


def drop_cgroup(path):
    """Remove the cgroup at path once its processes are gone (ended
    first, as the sandbox's init ends them all)."""
    import time
    for _ in range(50):
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            try:
                with open(os.path.join(path, "cgroup.procs")) as f:
                    for pid in f.read().split():
                        try:
                            os.kill(int(pid), 9)
                        except (OSError, ValueError):
                            pass
            except OSError:
                return
            time.sleep(0.1)


# ---- a submission's folder, copied -----------------------------------------

class CopyRefused(Exception):
    """A folder that is not copied: one sentence, for its row."""


def folder_size(src, limit):
    """The bytes of the regular files under src (a sparse file counts as
    its length, not the blocks it holds), counted until past limit."""
    total, todo = 0, [src]
    while todo and total <= limit:
        d = todo.pop()
        try:
            with os.scandir(d) as it:
                for e in it:
                    st = e.stat(follow_symlinks=False)
                    if stat.S_ISDIR(st.st_mode):
                        todo.append(e.path)
                    elif stat.S_ISREG(st.st_mode):
                        total += st.st_size
                    total += 512  # each name costs a little too
        except OSError:
            pass  # copy_tree() says what cannot be read
    return total


def copy_tree(src, dst, uid=None, limit=None):
    """Copy src to dst: directories, regular files and symbolic links (as
    links, never followed: the bytes of what a link names are not
    copied); FIFOs, sockets and devices left out. As root (uid not None)
    the copy belongs to uid. A hard link to a file of another user than
    src's own is refused: the copy, made with root's rights, would give
    the sandbox a file its student could not read (/etc/shadow, another
    student's work). Raises CopyRefused with one line: the name inside
    src, and what went wrong; or, once more than limit bytes have been
    copied (a folder that grew since it was measured), that.

    Safe against a folder that changes while it is copied: each name is
    opened relative to its directory's descriptor, with O_NOFOLLOW (a
    link swapped in for a file or a directory is not followed), a file
    without blocking (a FIFO swapped in does not hang it), and what was
    opened is what is checked (fstat) and copied, from that descriptor."""
    ROOTS.append(src)
    try:
        try:
            top = os.open(src, os.O_RDONLY | os.O_DIRECTORY | O_NOFOLLOW)
        except OSError as e:
            refuse_copy(src, e)
        try:
            st = os.fstat(top)
            budget = [limit, limit]  # bytes left, the limit
            copy_dir(top, dst, uid, st.st_uid, budget, 0, src)
            os.chmod(dst, stat.S_IMODE(st.st_mode) & 0o777 | 0o700)
            if uid is not None:
                os.lchown(dst, uid, uid)
        except OSError as e:
            refuse_copy(src, e)
        finally:
            os.close(top)
    finally:
        ROOTS.pop()


O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
CHUNK = 1 << 20


def refuse_copy(path, e):
    rel = short(os.path.relpath(path, ROOTS[-1]) if ROOTS else path)
    why = ("no room left (the sandbox's /tmp is full)"
           if e.errno in (errno.ENOSPC, errno.EDQUOT)
           # O_NOFOLLOW met a link (or O_DIRECTORY a file) where stat()
           # had seen a file or a folder: swapped in meanwhile
           else "changed while it was copied (a link or a file swapped "
           "in): not copied" if e.errno in (errno.ELOOP, errno.ENOTDIR)
           else (e.strerror or str(e)).lower())
    raise CopyRefused("%s: %s" % (rel, why))


def copy_dir(dfd, dst, uid, owner, budget, depth, src):
    """copy_tree()'s work for the directory open at dfd (src: its name,
    for messages) into dst, made here."""
    if depth > 64:
        raise CopyRefused("folders more than 64 deep")
    try:
        os.mkdir(dst, 0o700)
        names = sorted(os.listdir(dfd))
    except OSError as e:
        refuse_copy(src, e)
    for n in names:
        s, d = os.path.join(src, n), os.path.join(dst, n)
        try:
            st = os.stat(n, dir_fd=dfd, follow_symlinks=False)
            if stat.S_ISLNK(st.st_mode):
                os.symlink(os.readlink(n, dir_fd=dfd), d)
            elif stat.S_ISREG(st.st_mode):
                copy_file(dfd, n, s, d, owner, budget)
            elif stat.S_ISDIR(st.st_mode):
                sub = os.open(n, os.O_RDONLY | os.O_DIRECTORY | O_NOFOLLOW
                              | O_CLOEXEC, dir_fd=dfd)
                try:
                    mode = os.fstat(sub).st_mode
                    copy_dir(sub, d, uid, owner, budget, depth + 1, s)
                finally:
                    os.close(sub)
                os.chmod(d, stat.S_IMODE(mode) & 0o777 | 0o700)
            else:
                continue
            if uid is not None:
                os.lchown(d, uid, uid)
        except OSError as e:
            refuse_copy(s, e)


def copy_file(dfd, name, src, dst, owner, budget):
    """One regular file, name in the directory open at dfd: opened
    without following a link or blocking, checked as opened (a regular
    file; a hard link to another user's file refused), copied from that
    descriptor, each byte counted against budget[0] (None: no limit;
    budget[1], the limit, for the message)."""
    fd = os.open(name, os.O_RDONLY | O_NOFOLLOW | os.O_NONBLOCK
                 | O_CLOEXEC, dir_fd=dfd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return  # swapped for a FIFO, a device...: left out
        if st.st_nlink > 1 and owner is not None and st.st_uid != owner:
            raise CopyRefused(
                "%s: a hard link to a file of another user (uid %d): not "
                "copied" % (short(os.path.relpath(src, ROOTS[-1])),
                            st.st_uid))
        out = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW
                      | O_CLOEXEC, 0o600)
        try:
            while True:
                chunk = os.read(fd, CHUNK)
                if not chunk:
                    break
                if budget[0] is not None:
                    budget[0] -= len(chunk)
                    if budget[0] < 0:
                        raise CopyRefused(
                            "its folder grew past %d MiB while it was "
                            "copied: not copied" % (budget[1] // MB))
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view):]
            os.fchmod(out, stat.S_IMODE(st.st_mode) & 0o777)
        finally:
            os.close(out)
    finally:
        os.close(fd)


ROOTS = []  # the folder copy_tree() copies, for its messages


def short(rel):
    """A name inside a copied folder, cut to its last 80 characters."""
    return rel if len(rel) <= 80 else "..." + rel[-77:]


def copy_folder(src, dst, uid, limit=None):
    """Copy a submission's folder (copy_tree()); refused, before any byte
    is copied, when it holds more than limit bytes, and while it is
    copied, once more than limit bytes have been (it grew meanwhile)."""
    if limit is not None and folder_size(src, limit) > limit:
        raise CopyRefused("its folder holds more than %d MiB (every byte of "
                          "a sparse file counts): not copied"
                          % (limit // MB))
    copy_tree(src, dst, uid, limit)


def unpack():
    """Inside the sandbox: copy the submission's staged folder (STAGED,
    read only) into WORK, on the sandbox's /tmp; None, or why not."""
    try:
        copy_tree(STAGED, WORK)
    except CopyRefused as e:
        return "its folder could not be copied into its sandbox: %s" % e
    return None


# ---- the whole of it ----------------------------------------------------

def start(tool_root, folder, work, inner_argv, spec=None, hide=(),
          limits=LIMITS, slot=0, **popen):
    """Start inner_argv (scripts/check --in-sandbox, say) in a sandbox for
    the submission in folder: copied into work (a directory of the
    caller's, which it removes afterwards; refused with CopyRefused when
    the folder is larger than limits.copy_limit()), then, inside, into
    the sandbox's /tmp at WORK by unpack(). spec: a spec file to show at
    SPEC_DIR; hide: paths to keep out of sight; slot: which of the
    batch's sandboxes (its uid, as root). popen: subprocess.Popen's
    arguments (stdin, stdout, stderr). Returns the Popen, with .cgroup
    (a path to give to finish(), or None).

    The one entry point of every checker in a sandbox: the batch's, one
    per submission, and one beside it (scripts/check --sandbox checks a
    single program so), which thereby gets whatever the sandbox's
    environment, mounts and limits are."""
    uid = slot_uid(slot)
    os.makedirs(work, exist_ok=True)
    # the sandbox's own uid must pass through to its staged copy
    os.chmod(work, 0o711)
    staged = os.path.join(work, "submission")
    copy_folder(folder, staged, uid, limits.copy_limit())
    shown_spec = None
    if spec:  # a copy that the sandbox's uid can read
        shown_spec = os.path.join(work, "spec", os.path.basename(spec))
        os.makedirs(os.path.dirname(shown_spec), mode=0o711)
        shutil.copyfile(spec, shown_spec)
        os.chmod(shown_spec, 0o644)
    argv = command(tool_root, staged, work, shown_spec,
                   list(hide) + [work], inner_argv, limits, uid)
    group = make_cgroup("sockstep-%d-%d" % (os.getpid(), slot), limits)
    try:
        p = subprocess.Popen(argv, env=environment(uid),
                             preexec_fn=preexec(uid, limits, group),
                             **popen)
    except BaseException:
        if group:
            drop_cgroup(group)
        raise
    p.cgroup = group
    return p


def finish(p):
    """After start()'s sandbox has ended (p reaped): True when the kernel
    ended one of its processes for memory; its cgroup removed."""
    group = getattr(p, "cgroup", None)
    if not group:
        return False
    oom = out_of_memory(group)
    drop_cgroup(group)
    return oom


def told(buf, token):
    """What the checker inside told, for the batch and for --sandbox
    alike: the messages of buf's whole lines that carry token, and the
    rest of buf (a line not ended yet). A line that is not a JSON object
    with the token is passed over: a submission can write into that
    output (without the sandbox, as root), but it does not know the
    token."""
    msgs = []
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if isinstance(msg, dict) and msg.pop("token", None) == token:
            msgs.append(msg)
    return msgs, buf
