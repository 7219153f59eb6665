"""The contained kernel: where a student's code runs during grading, and what it may do there.

One grading kernel is an ipykernel process started by :class:`_Runner` through
:func:`_kernel_main`, which on Linux first forks: the parent stays outside
the student's reach as the kernel's *reaper*; the child applies the limits
and becomes the kernel.

* **Time and memory**: per-cell and per-notebook time limits (the grader
  interrupts, then kills); a watchdog on the resident memory of the kernel
  and every process it started; ``RLIMIT_AS`` caps one allocation.
* **Files** (Landlock, Linux >= 5.13): the kernel and its children may read
  only the Python environment (``sys.prefix``, ``sys.base_prefix`` and the
  grader's import path), the course package and its ``datasets/``, system
  folders (``/usr``, ``/lib*``, ``/etc``, ``/sys``, ``/dev``, a few
  ``/proc`` files and the kernel's own ``/proc/PID``) and its working
  folder; they may write only in the working folder. Other submissions,
  the instructor's lessons and home folder, ``/tmp`` are out of reach.
* **Network**: Landlock ABI >= 4 (Linux 6.7) forbids TCP ``connect`` and
  ``bind``; a seccomp filter (x86-64 and arm64) refuses to create IPv4,
  IPv6 and packet sockets at all, so UDP too, and ``io_uring``. The kernel
  talks to the grader over Unix sockets in its working folder.
* **Signals** (Landlock ABI >= 6, Linux 6.12): no signal to a process
  outside the kernel's own, and no connection to abstract Unix sockets.
* **Processes**: the reaper is a child subreaper (``PR_SET_CHILD_SUBREAPER``):
  a process the student's code starts stays its descendant even after
  ``setsid`` and a double fork, and when the kernel ends, or the grader
  stops it, the reaper kills every one of them before it exits.

What is not contained: connecting to a Unix socket by path (for example a
D-Bus bus, if the machine has one; Landlock up to ABI 7 cannot restrict it);
CPU time of other cores while a cell runs (the time limit ends it). Without
Landlock (macOS, Windows, Linux < 5.13) only the time, memory and output
limits apply, and on non-Linux systems the reaper is not used either:
grade there only code you trust. :func:`containment` says what holds on the
machine it runs on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import platform
import re
import signal
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..runtime import FAST_ENV, repo_root

# What the kernel may see of the instructor's environment.
_ENV_KEEP = re.compile(r"^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_\w+|TZ|TERM|XDG_\w+|"
                       r"PYTHONPATH|PYTHONUTF8|PYTHONIOENCODING|VIRTUAL_ENV|CONDA_\w+|LD_LIBRARY_PATH|"
                       r"KERAS_\w+|TF_\w+|CUDA_\w+|XLA_FLAGS|OMP_NUM_THREADS|MPLCONFIGDIR|"
                       r"SYSTEMROOT|PROGRAMDATA|APPDATA|LOCALAPPDATA)$")
_ADDRESS_HEADROOM = 8 * 2**30  # bytes of address space above the memory limit
_FILE_SIZE = 2**30             # largest file the kernel may write, bytes
_TAIL = 4000                   # characters kept from the end of cut output
_log = logging.getLogger("course_utils.grade")


@dataclass(frozen=True)
class Limits:
    """Resource limits for grading one notebook.

    Parameters
    ----------
    cell_timeout : float
        Seconds for one exercise cell or one check cell.
    total_timeout : float
        Seconds for the whole notebook, kernel start-ups included.
    memory_mb : int
        Resident memory of the kernel and its child processes, in MiB.
    max_output : int
        Characters of output (text and pictures) kept per cell.
    setup_timeout : float
        Seconds for the lesson's set-up cell (which imports
        TensorFlow in later lessons); at least ``cell_timeout`` is used.

    Examples
    --------
    >>> Limits(cell_timeout=10).total_timeout
    600.0
    """

    cell_timeout: float = 60.0
    total_timeout: float = 600.0
    memory_mb: int = 2048
    max_output: int = 200_000
    setup_timeout: float = 120.0

    def __post_init__(self):
        for name in ("cell_timeout", "total_timeout", "memory_mb", "max_output", "setup_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"Limits.{name} must be a positive number; got {value!r}")
        object.__setattr__(self, "cell_timeout", float(self.cell_timeout))
        object.__setattr__(self, "total_timeout", float(self.total_timeout))
        object.__setattr__(self, "setup_timeout", float(max(self.setup_timeout, self.cell_timeout)))


def landlock_abi() -> int:
    """Return the Landlock ABI version the running kernel offers, or 0 if none.

    Landlock is the Linux security module that lets an unprivileged process
    restrict where it and its children may write; the grader uses it when
    this is at least 1.

    Returns
    -------
    int

    Examples
    --------
    >>> landlock_abi() >= 0
    True
    """
    if not sys.platform.startswith("linux"):
        return 0
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        version = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


_LANDLOCK_EXECUTE, _LANDLOCK_WRITE_FILE, _LANDLOCK_READ_FILE, _LANDLOCK_READ_DIR = 1, 2, 4, 8
_LANDLOCK_TRUNCATE = 1 << 14  # ABI 3
# remove_dir/file, make_char/dir/reg/sock/fifo/block/sym (bits 4-12); refer (13, ABI 2)
_LANDLOCK_WRITE_TREE = sum(1 << bit for bit in range(4, 13))


def _landlock_restrict(readable, writable, abi: int) -> None:
    """In the calling process (and every process it starts later): read, execute and write
    only beneath the given paths; no TCP connect or bind; no signals or abstract Unix
    sockets outside its own Landlock domain.

    ``readable``: paths that may be read and executed; ``writable``: paths that may
    also be written. Must run before the process starts a thread (Landlock restricts
    the calling thread, and the threads and processes it starts afterwards).
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    class RulesetAttr(ctypes.Structure):
        _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    read = _LANDLOCK_EXECUTE | _LANDLOCK_READ_FILE | _LANDLOCK_READ_DIR
    write = _LANDLOCK_WRITE_FILE | _LANDLOCK_WRITE_TREE & ~(0 if abi >= 2 else 1 << 13)
    write |= _LANDLOCK_TRUNCATE if abi >= 3 else 0
    file_rights = _LANDLOCK_EXECUTE | _LANDLOCK_READ_FILE | _LANDLOCK_WRITE_FILE | (
        _LANDLOCK_TRUNCATE if abi >= 3 else 0)
    net = 3 if abi >= 4 else 0  # bind_tcp, connect_tcp: handled, and no rule allows them
    scoped = 3 if abi >= 6 else 0  # abstract Unix sockets, signals
    attr = RulesetAttr(read | write, net, scoped)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8

    def check(result, what):
        if result < 0:
            raise OSError(ctypes.get_errno(), f"Landlock: {what} failed")
        return result

    ruleset = check(libc.syscall(444, ctypes.byref(attr), ctypes.c_size_t(size), 0), "create")
    rules = [(path, read) for path in readable] + [(path, read | write) for path in writable]
    for path, rights in rules:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue  # not there: nothing to allow
        if not os.path.isdir(path):
            rights &= file_rights
        rule = PathBeneath(rights, fd)
        check(libc.syscall(445, ruleset, 1, ctypes.byref(rule), 0), f"rule for {path}")
        os.close(fd)
    check(libc.prctl(38, 1, 0, 0, 0), "no_new_privs")  # PR_SET_NO_NEW_PRIVS
    check(libc.syscall(446, ruleset, 0), "restrict_self")
    os.close(ruleset)


#: Architecture (seccomp's AUDIT_ARCH), socket() and io_uring_setup() syscall numbers.
_SECCOMP_ARCH = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}


def _seccomp_no_ip() -> bool:
    """In the calling process and its children: socket() for IPv4, IPv6 and packet sockets,
    and io_uring_setup(), fail with EPERM. Returns whether the filter is in place."""
    import ctypes

    arch = _SECCOMP_ARCH.get(platform.machine())
    if arch is None or not sys.platform.startswith("linux"):
        return False
    audit_arch, nr_socket, nr_uring = arch
    load, jump_eq, ret = 0x20, 0x15, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_RET|K
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM

    def op(code, true, false, k):
        return struct.pack("HBBI", code, true, false, k)

    program = [
        op(load, 0, 0, 4), op(jump_eq, 1, 0, audit_arch), op(ret, 0, 0, deny),  # other ABIs: deny
        op(load, 0, 0, 0),  # the syscall number
        op(jump_eq, 0, 1, nr_uring), op(ret, 0, 0, deny),
        op(jump_eq, 1, 0, nr_socket), op(ret, 0, 0, allow),
        op(load, 0, 0, 16),  # socket()'s first argument: the address family
        op(jump_eq, 3, 0, 2), op(jump_eq, 2, 0, 10), op(jump_eq, 1, 0, 17),  # INET, INET6, PACKET
        op(ret, 0, 0, allow), op(ret, 0, 0, deny),
    ]
    code = ctypes.create_string_buffer(b"".join(program))

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    prog = Program(len(program), ctypes.cast(code, ctypes.c_void_p))
    if libc.prctl(38, 1, 0, 0, 0) < 0 or libc.prctl(22, 2, ctypes.byref(prog), 0, 0) < 0:
        return False  # PR_SET_NO_NEW_PRIVS; PR_SET_SECCOMP with SECCOMP_MODE_FILTER
    return True


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux: from /proc, without psutil)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _reap(kernel: int) -> None:
    """The reaper: wait for the kernel, then kill every process left below us, and exit
    as the kernel did. SIGTERM (from the grader) ends the kernel first. Never returns."""
    stopping = []

    def on_term(signum, frame):
        stopping.append(signum)
        try:
            os.kill(kernel, signal.SIGKILL)
        except OSError:
            pass

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts are for the kernel
    signal.signal(signal.SIGTERM, on_term)
    status = None
    while status is None:
        try:
            pid, code = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == kernel:
            status = code
    for _ in range(1000):  # kill what is left, until nothing is (a fork bomb needs a few rounds)
        left = _descendants(os.getpid())
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        time.sleep(0.01)
    if status is None or os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status) if status is not None else signal.SIGKILL
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)  # end as the kernel ended, so the grader can tell why
    os._exit(os.waitstatus_to_exitcode(status) if status is not None else 1)


def _kernel_main() -> None:
    """Entry point of a grading kernel: fork a reaper, apply the limits, start ipykernel."""
    config = json.loads(sys.argv.pop(1))
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to us
        kernel = os.fork()
        if kernel:
            _reap(kernel)
    try:
        import resource

        for name, value in (("RLIMIT_AS", config["address_space"]),
                            ("RLIMIT_FSIZE", config["file_size"]), ("RLIMIT_CORE", 0)):
            kind = getattr(resource, name)
            hard = resource.getrlimit(kind)[1]
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(kind, (value, value))
    except ImportError:  # Windows
        pass
    try:  # if memory runs out, the student's kernel goes first
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass
    if config["landlock"]:
        readable = [*config["readable"], f"/proc/{os.getpid()}"]
        _landlock_restrict(readable, config["writable"], config["landlock"])
    if config.get("seccomp"):
        _seccomp_no_ip()
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # the working folder is the student's: do not import from it
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def _readable(workdir: Path) -> list[str]:
    """What a contained kernel may read (besides its working folder): the Python
    environment, the course package and its data, system folders."""
    root = repo_root()
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    for entry in sys.path:  # site-packages, user site, conda... but not the course's folder itself
        if entry and os.path.isdir(entry) and Path(entry).resolve() != root.resolve():
            paths.add(entry)
    import course_utils

    package = Path(course_utils.__file__).resolve().parent
    paths |= {str(package), str(root / "datasets"), str(workdir.parent / "pkg")}
    paths |= {"/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/sys", "/dev",
              "/opt/conda", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/loadavg",
              "/proc/sys", "/proc/filesystems"}
    lessons = (root / "lessons").resolve()  # never a folder that holds the instructor's lessons
    return sorted(p for p in paths if not lessons.is_relative_to(Path(p).resolve()))


def containment(abi: int | None = None) -> list[str]:
    """Say, one line per kind, what the grading kernels are kept from on this machine.

    Parameters
    ----------
    abi : int, optional
        The Landlock ABI (default: :func:`landlock_abi`).

    Returns
    -------
    list of str

    Examples
    --------
    >>> lines = containment(0)
    >>> lines[0].startswith("files:")
    True
    """
    abi = landlock_abi() if abi is None else abi
    linux = sys.platform.startswith("linux")
    seccomp = linux and platform.machine() in _SECCOMP_ARCH
    lines = [
        "files: " + ("reads only the Python environment, the course package and data, system folders "
                     "and its working folder; writes only in its working folder" if abi else
                     "NOT contained (no Landlock here): student code can read and write what you can"),
        "network: " + ("no IP sockets at all (seccomp)" if seccomp else
                       "no TCP connect or bind (Landlock)" if abi >= 4 else
                       "NOT contained: student code can use the network"),
        "signals: " + ("none to processes outside the kernel (Landlock)" if abi >= 6 else
                       "NOT contained: student code can signal your processes"),
        "processes: " + ("every process it starts is killed when its notebook ends (subreaper)" if linux else
                         "processes started with a new session may outlive grading"),
    ]
    return lines


# --------------------------------------------------------------------------
# running one notebook
# --------------------------------------------------------------------------
def _classes():
    """The nbclient and jupyter_client subclasses (imported on first use)."""
    global _CLASSES
    if _CLASSES is not None:
        return _CLASSES
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    class LimitedKernelManager(AsyncKernelManager):
        """Starts the kernel through ``_kernel_main`` with the grader's limits."""

        launch_config: dict = {}

        def format_kernel_cmd(self, extra_arguments=None):
            code = "from course_utils.grade.kernel import _kernel_main; _kernel_main()"
            return [sys.executable, "-c", code, json.dumps(self.launch_config),
                    "-f", os.path.realpath(self.connection_file), *(extra_arguments or [])]

    class CappedClient(NotebookClient):
        """Keeps at most ``cap`` characters of output per cell, and the end of the rest."""

        cap = 200_000

        def reset_cap(self):
            self.kept, self.dropped, self.tail = 0, 0, {}

        def output(self, outs, msg, display_id, cell_index):
            content, kind = msg["content"], msg["msg_type"]
            if kind == "stream":
                text, room = content.get("text", ""), max(self.cap - self.kept, 0)
                if len(text) > room:
                    name = content.get("name", "stdout")
                    self.tail[name] = (self.tail.get(name, "") + text[room:])[-_TAIL:]
                    self.dropped += len(text) - room
                    if not room:
                        return None
                    msg = {**msg, "content": {**content, "text": text[:room]}}
                    text = text[:room]
                self.kept += len(text)
            elif kind in ("display_data", "execute_result"):
                size = len(json.dumps(content.get("data", {})))
                if self.kept + size > self.cap:
                    self.dropped += size
                    return None
                self.kept += size
            elif kind == "error":
                content = {**content, "evalue": str(content.get("evalue", ""))[:2000],
                           "traceback": [line[:5000] for line in content.get("traceback", [])[-60:]]}
                msg = {**msg, "content": content}
            return super().output(outs, msg, display_id, cell_index)

        def finish_cell(self, cell):
            if self.dropped:
                import nbformat

                note = f"\n[... the grader cut {self.dropped:,} characters of output here ...]\n"
                cell.outputs.append(nbformat.v4.new_output(
                    "stream", name="stdout", text=note + self.tail.get("stdout", "")))
                if "stderr" in self.tail:
                    cell.outputs.append(nbformat.v4.new_output(
                        "stream", name="stderr", text=self.tail["stderr"]))
            # Join consecutive stream outputs. (nbclient's coalesce_streams also
            # interprets \r with a regular expression that takes minutes on a
            # long line.)
            merged = []
            for out in cell.outputs:
                last = merged[-1] if merged else None
                if (out.output_type == "stream" and last is not None
                        and last.output_type == "stream" and last.name == out.name):
                    last.text += out.text
                else:
                    merged.append(out)
            cell.outputs = merged

    _CLASSES = LimitedKernelManager, CappedClient
    return _CLASSES


_CLASSES = None


def _package_dir(root: Path) -> Path:
    """A folder holding only a link to the course package: the kernel's import path for it
    (the repository root, which also holds the lessons, stays unreadable)."""
    import course_utils

    folder = root / "pkg"
    if not folder.exists():
        folder.mkdir()
        try:
            (folder / "course_utils").symlink_to(Path(course_utils.__file__).resolve().parent,
                                                 target_is_directory=True)
        except OSError:  # no symbolic links (Windows without the right): import from the root
            return repo_root()
    return folder


def _kernel_env(workdir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if _ENV_KEEP.match(k)}
    env.update({FAST_ENV: "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
                "TMPDIR": str(workdir / "tmp"), "IPYTHONDIR": str(workdir / ".ipython"),
                "HOME": str(workdir), "KERAS_HOME": str(workdir / ".keras"),
                "MPLCONFIGDIR": str(workdir / ".matplotlib"), "XDG_CACHE_HOME": str(workdir / ".cache"),
                "XDG_CONFIG_HOME": str(workdir / ".config")})
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # the kernel imports the same course_utils as the grader, installed or not
    package = _package_dir(workdir.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package), env.get("PYTHONPATH")]))
    return env


class _Runner:
    """One notebook in one kernel at a time; starts a new kernel when one dies."""

    def __init__(self, nb, limits: Limits, root: Path, abi: int):
        _, client_class = _classes()
        self.nb, self.limits, self.abi = nb, limits, abi
        self.workdir = Path(tempfile.mkdtemp(prefix="work-", dir=root))
        (self.workdir / "tmp").mkdir()
        self.log_path = root / f"{self.workdir.name}.log"
        self.client = client_class(nb, timeout=None, allow_errors=True, record_timing=False,
                                   coalesce_streams=False, kernel_name="python3",
                                   startup_timeout=120, log=_log)
        self.client.cap = limits.max_output
        self.km = self.process = self.watchdog = None
        self.memory_exceeded = False
        self.kernels = 0

    async def start(self):
        manager_class, _ = _classes()
        self.memory_exceeded = False
        sockets = self.workdir / ".kernel"  # the kernel talks to us over Unix sockets here
        sockets.mkdir(exist_ok=True)
        km = manager_class(kernel_name="python3", log=_log, transport="ipc", ip=str(sockets / "s"),
                           connection_file=str(sockets / "connection.json"))
        km.launch_config = {
            "address_space": int(self.limits.memory_mb * 2**20 + _ADDRESS_HEADROOM),
            "file_size": _FILE_SIZE, "landlock": self.abi, "seccomp": True,
            "readable": _readable(self.workdir),
            "writable": [str(self.workdir), "/dev/null", "/dev/shm"],
        }
        self.km, self.client.km, self.client.kc = km, km, None
        with open(self.log_path, "ab") as log:
            await km.start_kernel(cwd=str(self.workdir), env=_kernel_env(self.workdir),
                                  stdout=log, stderr=log,
                                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.process = km.provisioner.process
        self.kernels += 1
        self.watchdog = asyncio.ensure_future(self._watch(self.process.pid))
        await self.client.async_start_new_kernel_client()

    async def _watch(self, pid: int):
        try:
            import psutil  # IPython needs it, so it is there wherever the kernel runs
        except ImportError:
            return  # only the address-space cap applies (grade() says so)
        limit = self.limits.memory_mb * 2**20
        while True:
            await asyncio.sleep(0.2)
            try:
                proc = psutil.Process(pid)
                procs = [proc, *proc.children(recursive=True)]
            except psutil.Error:
                return
            rss = 0
            for p in procs:
                try:
                    rss += p.memory_info().rss
                except psutil.Error:
                    pass
            if rss > limit:
                self.memory_exceeded = True
                self.kill()
                return

    def kill(self):
        """End the kernel and every process it started: ask the reaper (SIGTERM), which kills
        them all and exits; if it has not within 5 s, kill the process group."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.process.send_signal(signal.SIGTERM if sys.platform.startswith("linux") else signal.SIGKILL)
            deadline = time.monotonic() + 5
            while self.process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
        except OSError:
            pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (OSError, AttributeError):
                self.process.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def stop(self):
        if self.watchdog is not None:
            self.watchdog.cancel()
        if self.client.kc is not None:
            try:
                self.client.kc.stop_channels()
            except Exception:  # best effort while tearing down
                pass
            self.client.kc = None
        if self.km is not None:
            self.kill()
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception:
                pass
            try:
                done = self.km.cleanup_resources()
                if asyncio.iscoroutine(done):
                    await done
            except Exception:
                pass
        self.km = None

    def death(self, what: str) -> str:
        """Say why the kernel died while running ``what``."""
        if self.memory_exceeded:
            return (f"the kernel used more than {self.limits.memory_mb} MB of memory while running "
                    f"{what}, and was stopped")
        code = self.process.poll() if self.process is not None else None
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            why = f"the kernel crashed ({name}) while running {what}"
        else:
            why = (f"the kernel exited (code {code}) while running {what}: exit(), quit() and "
                   "os._exit() stop the notebook")
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            lines = []
        fatal = [line.strip() for line in lines if "Fatal Python error" in line]
        return why + (f" ({fatal[-1][:200]})" if fatal else "")

    async def run(self, index: int, limit: float) -> str:
        """Run cell ``index``; return "ok", "error", "timeout" or "dead"."""
        from nbclient.exceptions import DeadKernelError

        cell = self.nb.cells[index]
        self.client.reset_cap()
        task = asyncio.ensure_future(self.client.async_execute_cell(cell, index))
        done, _ = await asyncio.wait({task}, timeout=limit)
        timed_out = not done
        if timed_out:
            try:
                await self.km.interrupt_kernel()
            except Exception:  # the kernel may be gone already
                pass
            done, _ = await asyncio.wait({task}, timeout=5)
            if not done:  # it ignores KeyboardInterrupt: kill it
                self.kill()
                done, _ = await asyncio.wait({task}, timeout=10)
                if not done:
                    task.cancel()
        error = task.exception() if task.done() and not task.cancelled() else None
        self.client.finish_cell(cell)
        if timed_out:
            return "timeout"
        if isinstance(error, DeadKernelError) or not self.alive():
            return "dead"
        if error is not None:
            raise error
        return "error" if any(o.output_type == "error" for o in cell.outputs) else "ok"
