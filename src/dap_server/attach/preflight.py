"""Pre-flight diagnosis for attach by process id: everything that can be known before trying.

Every check is read-only (``/proc``, the target's binaries on disk) and nothing runs in the
target. Each failure is one :class:`AttachError` whose message says what is wrong and what to
do about it, because "attach failed" with nothing else is the most common complaint about
debuggers' attach.
"""

from __future__ import annotations

import os
import platform
import pwd
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from dap_server.attach._elf import ElfError, read_py_version

__all__ = [
    "FORCE_OPTION",
    "TIMEOUT_OPTION",
    "AttachError",
    "TargetInfo",
    "check_target",
    "describe_main_thread",
    "explain_ptrace_scope",
    "find_gdb",
]

#: The attach option users raise when the target's main thread is slow to reach a safe point.
TIMEOUT_OPTION = "attachTimeout"
#: The attach option that overrides a target's "no remote debugging" setting.
FORCE_OPTION = "forceAttach"

_CAP_SYS_PTRACE = 19


class AttachError(Exception):
    """Attach by process id failed; ``str(err)`` is a complete message for the user.

    ``code`` is a stable machine-readable kind: ``no-such-process``, ``permission``,
    ``not-python``, ``unsupported-version``, ``remote-debug-disabled``, ``gdb-missing``,
    ``no-helper-python``, ``namespace``, ``main-thread-exited``, ``injection-failed``,
    ``bootstrap-failed``, ``target-exited``, ``timeout``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class TargetInfo:
    """What pre-flight learned about the target."""

    pid: int
    exe: str
    """Resolved path of ``/proc/PID/exe``."""
    version: tuple[int, int, int]
    version_source: str
    """The file the version was read from (the executable or its libpython)."""
    uid: int
    remote_debug_disabled: str | None
    """Why the target refuses remote debugging (env var, -X option), or None."""
    forced: bool


def _proc(pid: int, *parts: str) -> Path:
    return Path("/proc", str(pid), *parts)


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _status_fields(pid: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in _read_text(_proc(pid, "status")).splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _comm(pid: int) -> str:
    try:
        return _read_text(_proc(pid, "comm")).strip()
    except OSError:
        return "?"


def _has_cap_sys_ptrace() -> bool:
    try:
        cap_eff = _status_fields(os.getpid()).get("CapEff", "0")
        return bool(int(cap_eff, 16) >> _CAP_SYS_PTRACE & 1)
    except (OSError, ValueError):
        return os.geteuid() == 0


def _is_descendant(pid: int, ancestor: int) -> bool:
    """Yama scope 1 lets a process trace only its descendants."""
    seen = 0
    while pid > 1 and seen < 512:
        if pid == ancestor:
            return True
        try:
            stat = _read_text(_proc(pid, "stat"))
            pid = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError):
            return False
        seen += 1
    return False


def explain_ptrace_scope(scope: int, pid: int) -> str | None:
    """The reason Yama refuses to let us trace ``pid``, or None when it allows it."""
    path = "/proc/sys/kernel/yama/ptrace_scope"
    if scope == 1:
        return (
            f"Yama's ptrace_scope is 1 ({path}): a process may only debug its own descendants, "
            f"and process {pid} was not started by this debugger. Run the debugger as root or "
            "with the CAP_SYS_PTRACE capability, or allow it for the session with "
            "`sudo sysctl kernel.yama.ptrace_scope=0`."
        )
    if scope == 2:
        return (
            f"Yama's ptrace_scope is 2 ({path}): only processes with the CAP_SYS_PTRACE "
            "capability may attach. Run the debugger as root (or grant it CAP_SYS_PTRACE)."
        )
    if scope >= 3:
        return (
            f"Yama's ptrace_scope is {scope} ({path}): attaching to processes is disabled on "
            "this system until reboot. Start the program under the debugger (launch) instead."
        )
    return None


def _check_permission(pid: int) -> int:
    """Returns the target's uid; raises when we may not ptrace it."""
    fields = _status_fields(pid)
    uids = {int(u) for u in fields.get("Uid", "0").split()}
    target_uid = int(fields.get("Uid", "0").split()[0])
    has_cap = _has_cap_sys_ptrace()
    me = os.geteuid()
    if uids != {me} and not has_cap:
        if me == 0:
            raise AttachError(
                "permission",
                f"Permission denied to debug process {pid}: it belongs to user "
                f"{_user_name(target_uid)} (uid {target_uid}), and this debugger runs as root "
                "but without the CAP_SYS_PTRACE capability (usual in containers). Run the "
                "container with `--cap-add=SYS_PTRACE`, or run the debugger as that user.",
            )
        raise AttachError(
            "permission",
            f"Permission denied to debug process {pid}: it belongs to user "
            f"{_user_name(target_uid)} (uid {target_uid}) and this debugger runs as "
            f"{_user_name(me)} (uid {me}). Run the debugger as that user, or as root.",
        )
    try:
        scope = int(_read_text(Path("/proc/sys/kernel/yama/ptrace_scope")).strip())
    except (OSError, ValueError):
        scope = 0  # no Yama: classic uid rules only
    if scope >= 3 or (scope >= 1 and not has_cap):
        if not (scope == 1 and _is_descendant(pid, os.getpid())):
            reason = explain_ptrace_scope(scope, pid)
            if reason is not None:
                raise AttachError(
                    "permission", f"Permission denied to debug process {pid}. {reason}"
                )
    return target_uid


def _mapped_files(pid: int) -> list[str]:
    files: list[str] = []
    try:
        for line in _read_text(_proc(pid, "maps")).splitlines():
            parts = line.split(maxsplit=5)
            if len(parts) == 6 and parts[5].startswith("/") and parts[5] not in files:
                files.append(parts[5])
    except OSError:
        pass
    return files


_LIBPYTHON = re.compile(r"libpython(\d)\.(\d+)")
_EXT_TAG = re.compile(r"\.cpython-(\d)(\d+)")
_EXE_NAME = re.compile(r"python(\d)\.(\d+)")


def _find_version(pid: int, exe: str) -> tuple[tuple[int, int, int] | None, str, bool, bool]:
    """(version or None, where it was read, whether the target is Python at all, whether the
    version is exact (read from the binary) rather than taken from a file name).

    Reads ``Py_Version`` from the executable, then from a mapped libpython; falls back to
    version numbers in file names only when no binary says more.
    """
    maps = _mapped_files(pid)
    candidates = [exe] + [m for m in maps if _LIBPYTHON.search(os.path.basename(m))]
    old_python = ""
    for path in candidates:
        # Read through /proc/PID/root so a target in another mount namespace reads its files.
        on_disk = str(_proc(pid, "root")) + path if path.startswith("/") else path
        try:
            hexver = read_py_version(on_disk)
        except (OSError, ElfError):
            try:
                hexver = read_py_version(path)
            except (OSError, ElfError):
                continue
        if hexver is None:
            continue
        if hexver == -1:
            old_python = path
            continue
        return (
            ((hexver >> 24) & 0xFF, (hexver >> 16) & 0xFF, (hexver >> 8) & 0xFF),
            path,
            True,
            True,
        )
    for path in [exe, *maps]:
        for pattern in (_LIBPYTHON, _EXT_TAG):
            m = pattern.search(os.path.basename(path))
            if m:
                return (int(m.group(1)), int(m.group(2)), 0), path, True, False
    if old_python:
        m = _EXE_NAME.search(os.path.basename(old_python))
        version = (int(m.group(1)), int(m.group(2)), 0) if m else (3, 10, 0)
        return version, old_python, True, False
    return None, "", False, False


def _remote_debug_disabled(pid: int) -> str | None:
    try:
        environ = _proc(pid, "environ").read_bytes().split(b"\0")
    except OSError:
        environ = []
    for item in environ:
        if item.startswith(b"PYTHON_DISABLE_REMOTE_DEBUG="):
            # CPython 3.14 refuses for any value, even empty, so do we.
            return "PYTHON_DISABLE_REMOTE_DEBUG is set in its environment"
    try:
        argv = _proc(pid, "cmdline").read_bytes().split(b"\0")
    except OSError:
        argv = []
    for i, arg in enumerate(argv):
        if arg == b"-X" and i + 1 < len(argv) and argv[i + 1] == b"disable-remote-debug":
            return "it was started with -X disable-remote-debug"
        if arg == b"-Xdisable-remote-debug":
            return "it was started with -X disable-remote-debug"
    return None


def _main_thread_state(pid: int) -> str:
    stat = _read_text(_proc(pid, "task", str(pid), "stat"))
    return stat[stat.rindex(")") + 2 :].split()[0]


def _check_namespaces(pid: int) -> None:
    for ns, what in (("net", "network"), ("mnt", "mount")):
        try:
            ours = os.readlink(f"/proc/self/ns/{ns}")
            theirs = os.readlink(_proc(pid, "ns", ns))
        except OSError:
            continue  # cannot tell: let the attach itself say what fails
        if ours != theirs:
            consequence = (
                "its loopback interface is not this debugger's, so it cannot connect back"
                if ns == "net"
                else "it cannot see the debugger's files"
            )
            raise AttachError(
                "namespace",
                f"Process {pid} runs in another {what} namespace (a container?): "
                f"{consequence}. Run the debugger inside the same container "
                "(e.g. `docker exec`, `kubectl exec`) and attach from there.",
            )


def find_gdb(gdb: str | None = None) -> str | None:
    """Path of the gdb to use: an explicit path if it is executable, else gdb on PATH."""
    if gdb is not None:
        return gdb if os.path.isfile(gdb) and os.access(gdb, os.X_OK) else None
    return shutil.which("gdb")


def check_target(pid: int, *, force: bool = False, gdb: str | None = None) -> TargetInfo:
    """Runs every pre-flight check; returns what it learned or raises :class:`AttachError`."""
    if pid <= 0 or not _proc(pid).is_dir():
        raise AttachError(
            "no-such-process",
            f"No process with id {pid} exists (it may have exited). "
            f"Check the id, e.g. with `ps -p {pid}`.",
        )
    if pid == os.getpid():
        raise AttachError(
            "permission", f"Process {pid} is the debugger itself; attach to another process."
        )
    try:
        uid = _check_permission(pid)
        exe = os.readlink(_proc(pid, "exe"))
    except FileNotFoundError:
        raise AttachError(
            "no-such-process", f"Process {pid} exited before the debugger could attach."
        ) from None
    except PermissionError:
        raise AttachError(
            "permission",
            f"Permission denied to inspect process {pid} (/proc/{pid}/exe): "
            "run the debugger as the process's user, or as root.",
        ) from None
    exe = exe.removesuffix(" (deleted)")
    version, source, is_python, exact = _find_version(pid, exe)
    if not is_python or version is None:
        raise AttachError(
            "not-python",
            f"Process {pid} ({_comm(pid)}, {exe}) is not a Python process: neither its "
            "executable nor any library it loaded contains the CPython interpreter. Attach "
            "to the Python process itself (for a shell or launcher, its Python child).",
        )
    vtext = ".".join(map(str, version if exact else version[:2]))
    if version[:2] < (3, 12):
        raise AttachError(
            "unsupported-version",
            f"Process {pid} runs Python {vtext} ({source}); attaching needs Python 3.12 or "
            "newer (the debugger is built on sys.monitoring, PEP 669). Start the program "
            "under the debugger (launch) with Python 3.12+ instead.",
        )
    disabled = _remote_debug_disabled(pid)
    if disabled and not force:
        raise AttachError(
            "remote-debug-disabled",
            f"Process {pid} has remote debugging disabled ({disabled}): its owner asked "
            "not to be attached to. Restart it without that setting, or attach with "
            f"the option {FORCE_OPTION!r} (force=True) to inject the debugger through gdb anyway.",
        )
    state = _main_thread_state(pid)
    if state in ("Z", "X"):
        raise AttachError(
            "main-thread-exited",
            f"The main thread of process {pid} has exited (the process lives on in other "
            "threads). Python runs the debugger's bootstrap on the main thread only, so this "
            "process cannot be attached to; start it under the debugger instead.",
        )
    _check_namespaces(pid)
    needs_gdb = version[:2] < (3, 14) or bool(disabled)
    if needs_gdb:
        if find_gdb(gdb) is None:
            where = f"at {gdb}" if gdb else "on PATH"
            raise AttachError(
                "gdb-missing",
                f"Attaching to Python {vtext} needs gdb (Python 3.14+ needs none: it has "
                f"sys.remote_exec), and gdb was not found {where}. Install it "
                "(`apt-get install gdb`, `dnf install gdb`, `apk add gdb`) or give its path.",
            )
        tracer = int(_status_fields(pid).get("TracerPid", "0") or 0)
        if tracer:
            raise AttachError(
                "permission",
                f"Process {pid} is already being traced by process {tracer} ({_comm(tracer)}): "
                "only one debugger or tracer can attach at a time. Detach it first.",
            )
    return TargetInfo(pid, exe, version, source, uid, disabled, force and bool(disabled))


# Blocking system calls a Python main thread commonly sits in, with the Python-level call
# that usually causes them. Numbers are per architecture; unknown ones are shown as numbers.
_SYSCALLS: dict[str, dict[int, str]] = {
    "x86_64": {
        0: "read",
        7: "poll",
        23: "select",
        34: "pause",
        35: "nanosleep",
        43: "accept",
        45: "recvfrom",
        47: "recvmsg",
        61: "wait4",
        128: "rt_sigtimedwait",
        130: "rt_sigsuspend",
        202: "futex",
        230: "clock_nanosleep",
        232: "epoll_wait",
        247: "waitid",
        270: "pselect6",
        271: "ppoll",
        281: "epoll_pwait",
        288: "accept4",
        441: "epoll_pwait2",
        42: "connect",
        1: "write",
    },
    "aarch64": {
        63: "read",
        73: "ppoll",
        72: "pselect6",
        101: "nanosleep",
        115: "clock_nanosleep",
        98: "futex",
        22: "epoll_pwait",
        202: "accept",
        242: "accept4",
        207: "recvfrom",
        212: "recvmsg",
        260: "wait4",
        95: "waitid",
        64: "write",
        203: "connect",
        441: "epoll_pwait2",
    },
}
_HINTS = {
    "nanosleep": "time.sleep()",
    "clock_nanosleep": "time.sleep()",
    "futex": "waiting for a lock: Thread.join(), Event.wait(), Queue.get(), Lock.acquire(), the GIL",
    "read": "reading a pipe, terminal or file: input(), sys.stdin, a subprocess pipe",
    "poll": "waiting for I/O: select/selectors, an idle event loop, a socket timeout",
    "ppoll": "waiting for I/O: select/selectors, an idle event loop, a socket timeout",
    "select": "waiting for I/O: select/selectors, an idle event loop",
    "pselect6": "waiting for I/O: select/selectors, an idle event loop",
    "epoll_wait": "waiting for I/O: an idle asyncio event loop or selectors",
    "epoll_pwait": "waiting for I/O: an idle asyncio event loop or selectors",
    "epoll_pwait2": "waiting for I/O: an idle asyncio event loop or selectors",
    "accept": "socket.accept() on a server socket",
    "accept4": "socket.accept() on a server socket",
    "recvfrom": "receiving from a socket",
    "recvmsg": "receiving from a socket",
    "wait4": "waiting for a child process: subprocess wait(), os.wait()",
    "waitid": "waiting for a child process: subprocess wait(), os.waitpid()",
    "pause": "signal.pause()",
    "rt_sigsuspend": "waiting for a signal",
    "rt_sigtimedwait": "signal.sigwait()/sigtimedwait()",
    "connect": "connecting a socket",
    "write": "writing to a full pipe or socket",
}


def describe_main_thread(pid: int) -> str | None:
    """Why the target's main thread may not be reaching a safe point, or None if it is gone.

    The bootstrap runs only when the main thread executes Python bytecode again, so a main
    thread blocked in a system call or a long C call delays attach until that call returns.
    """
    task = _proc(pid, "task", str(pid))
    try:
        state = _main_thread_state(pid)
    except (OSError, ValueError):
        return None
    if state in ("T", "t"):
        return (
            f"process {pid} is stopped (SIGSTOP, Ctrl-Z or another debugger holds it); "
            f"resume it with `kill -CONT {pid}`"
        )
    if state in ("Z", "X"):
        return f"the main thread of process {pid} has exited, so the bootstrap cannot run"
    if state == "R":
        return (
            "its main thread is running but has not reached a point where Python runs "
            "pending calls: probably a long call into C code (an extension, a regex, a big "
            "computation); the debugger attaches when that call returns"
        )
    name: str | None = None
    try:
        first = _read_text(task / "syscall").split()[0]
        if first not in ("running", "-1"):
            number = int(first)
            name = _SYSCALLS.get(platform.machine(), {}).get(number, f"number {number}")
    except (OSError, ValueError, IndexError):
        pass  # /proc/PID/task/TID/syscall needs ptrace access; fall back to wchan
    if name is None:
        try:
            wchan = _read_text(task / "wchan").strip()
        except OSError:
            wchan = ""
        where = f" ({wchan})" if wchan and wchan != "0" else ""
        return (
            f"its main thread is blocked in the kernel{where}; the debugger attaches when "
            "that call returns"
        )
    hint = _HINTS.get(name)
    hint_text = f" ({hint})" if hint else ""
    return (
        f"its main thread is blocked in the system call {name}{hint_text}; "
        "the debugger attaches when that call returns"
    )
