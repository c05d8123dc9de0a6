"""Each submission of a batch runs in a sandbox of bubblewrap (bwrap):
its own user, PID, mount, IPC, UTS and network namespaces (a loopback of
its own, where the checker's peers run too), only the system's
directories of the file system, read only (no one's home, no other
folder of the machine: see visible()), a private /tmp, only its own
copy of its folder writable, no capabilities, and limits on processes,
CPU time, file size and memory.

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
the kernel does not count processes against root's RLIMIT_NPROC."""

import importlib.util
import os
import py_compile
import resource
import shutil
import stat
import subprocess
import sys

# The limits of everything in one sandbox (the checker inside included).
PROCS = 256          # processes and threads
CPU = 300            # CPU seconds, per process
FILE = 64 << 20      # bytes, the largest file it may write
MEMORY = 4 << 30     # bytes of address space, per process

# Inside the sandbox: where the checker, the submission's copy and the
# lecturer's spec are.
TOOL = "/tmp/.sockstep"
WORK = "/tmp/submission"
SPEC_DIR = "/tmp/.spec"

UID_BASE = 1500000000  # root: slot N runs as uid UID_BASE + pid*64 + N


def bwrap_missing():
    """None when bwrap runs here with the namespaces it needs, or one
    sentence saying why not."""
    exe = shutil.which("bwrap")
    if exe is None:
        return "bubblewrap (bwrap) is not installed (Debian: bubblewrap)"
    try:
        p = subprocess.run([exe] + base_args() + ["--", "/bin/true"],
                           stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "bwrap could not be started (%s)" % e
    if p.returncode != 0:
        why = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return "bwrap cannot make a sandbox here (%s)" % (
            why[-1] if why else "status %d" % p.returncode)
    return None


# The directories of the system a program may need: its commands,
# libraries and configuration. Everything else of the machine (homes,
# /root, /work, /srv, /mnt, /var, other users' files) is not there.
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
          "/etc", "/opt", "/sys")


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


def interpreter_dirs(env, py):
    """The directories the sandbox needs beyond SYSTEM: those of py, the
    Python the checker inside runs on, when it is not the system's (a
    version manager's, in a home), and of the PATH it is given (a
    lecturer's ~/.local/bin; environment() has left out what the
    sandbox's own uid cannot reach)."""
    dirs = set(d for d in env.get("PATH", "").split(":")
               if d.startswith("/") and not d.startswith("/tmp/"))
    real = os.path.realpath(py)
    if not any(real.startswith(s + "/") for s in SYSTEM):
        dirs.add(os.path.dirname(real))
        if real == os.path.realpath(sys.executable):
            dirs.update((sys.prefix, sys.base_prefix))
    return sorted(dirs)


def base_args(extra=()):
    return visible(extra) + [
        "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--unshare-all", "--die-with-parent", "--new-session",
        "--cap-drop", "ALL", "--as-pid-1"]


def environment(uid):
    """The environment inside: HOME in the private /tmp, and, run as a
    uid of its own, a PATH without the directories that uid cannot
    search (a version manager's shims in /root): there a command that
    is not installed fails as 'not found', as it would for the
    student."""
    env = dict(os.environ, HOME="/tmp")
    if uid is not None:
        env["PATH"] = ":".join(d for d in env.get("PATH", "").split(":")
                               if d.startswith("/") and searchable(d)
                               and not d.startswith("/tmp/"))
    return env


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


def command(tool_root, copy, spec, hide, inner_argv, env):
    """The bwrap command that runs inner_argv (the checker inside) with
    tool_root (the checker's tree) read-only at TOOL and at its own
    path, copy (the submission's folder) writable at WORK, the spec file
    read-only in SPEC_DIR, and the directories and files in hide (the
    class's folder, the CSV of its results) out of sight wherever the
    sandbox would show them: where they are, and where the checker's
    tree shows them again. env is the environment it runs with."""
    args = ["bwrap"] + base_args(interpreter_dirs(env, inner_argv[0]))
    args += hidden([h for h in hide if not h.startswith("/tmp/")])
    args += ["--ro-bind", tool_root, TOOL, "--bind", copy, WORK,
             "--ro-bind", tool_root, tool_root]
    root = os.path.realpath(tool_root).rstrip("/") + "/"
    inside = [os.path.realpath(h) for h in hide
              if os.path.realpath(h).startswith(root)]
    args += hidden(inside, lambda h: os.path.join(TOOL, h[len(root):]))
    args += hidden(inside)
    if spec:
        args += ["--ro-bind", spec,
                 os.path.join(SPEC_DIR, os.path.basename(spec))]
    return args + ["--chdir", WORK, "--"] + inner_argv


def limits(uid, nproc=PROCS):
    """A preexec_fn for the sandbox: the limits, then (as root) the
    sandbox's own user."""
    def apply():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CPU, (CPU, CPU))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE, FILE))
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
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


def copy_folder(src, dst, uid):
    """Copy a submission's folder: directories, regular files and
    symbolic links (as links, not followed); FIFOs, sockets and devices
    left out. As root, the copy belongs to the sandbox's uid."""
    def ignore(folder, names):
        out = []
        for n in names:
            try:
                mode = os.lstat(os.path.join(folder, n)).st_mode
            except OSError:
                out.append(n)
                continue
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)
                    or stat.S_ISLNK(mode)):
                out.append(n)
        return out
    shutil.copytree(src, dst, symlinks=True, ignore=ignore)
    if uid is not None:
        for top, dirs, files in os.walk(dst):
            os.lchown(top, uid, uid)
            for n in dirs + files:
                os.lchown(os.path.join(top, n), uid, uid)
