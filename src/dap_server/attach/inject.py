"""Make a running Python process load the debugger: attach by process id.

Routes (chosen by :func:`inject`):

- Python 3.14+: ``sys.remote_exec(pid, script)`` (PEP 768), called from an interpreter of the
  target's minor version (the target's own executable when it is a ``python`` binary).
- Python 3.12 and 3.13: gdb attaches, queues ``Py_AddPendingCall(PyRun_SimpleString, line)``
  and detaches. The pending call runs on the main thread at the interpreter's next safe point
  (between two bytecodes, with the GIL held and no frame half-built): the same point PEP 768
  uses. gdb never runs Python code on the thread it interrupted, which may be anywhere (inside
  malloc, holding a lock, halfway through a GIL hand-off); taking the GIL there is how the
  "run code on the interrupted thread" injectors deadlock a fraction of their targets for good.
  The two calls gdb does make on the interrupted thread are ``mmap`` (a bare system call, no
  locks) to get memory for the line, and ``Py_AddPendingCall``, which is documented as safe
  without the GIL. The line is copied in with gdb's ``restore`` (a ptrace write), so no
  ``malloc``/``strdup`` runs in the target: glibc's malloc takes the arena lock, and calling it
  on a thread interrupted inside malloc would deadlock that thread.

There is deliberately no "force it now" route that hijacks an interrupted thread: a target
whose main thread is blocked (sleep, join, input, a long C call) is told to the user while
waiting, and the attach times out with the option to raise. ``force`` only overrides the
target's own "no remote debugging" setting, by going through gdb.

The bootstrap script lives in a fresh private directory (0700, or 0711 when the target runs as
another user, then the script belongs to that user, mode 0400, since it carries the token).
It is deleted once the debug server connected, the bootstrap failed, or the wait timed out; a
bootstrap that runs after that finds no file (the gdb line ignores that silently) or, on 3.14,
the pending script was replaced by an empty one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dap_server.attach.preflight import (
    TIMEOUT_OPTION,
    AttachError,
    TargetInfo,
    check_target,
    describe_main_thread,
    find_gdb,
)

__all__ = [
    "DEFAULT_ENTRY",
    "AttachReport",
    "BootstrapStatus",
    "Injection",
    "Route",
    "attach_to_pid",
    "find_helper_python",
    "inject",
]

#: What the bootstrap calls in the target with ``(host, port, token)``.
DEFAULT_ENTRY = "dap_server.debuggee.bootstrap:connect_back"

Route = Literal["gdb", "remote_exec"]

_CONFIG_MARKER = "_CONFIG: dict[str, Any] = {}  # @@DAP_ATTACH_CONFIG@@"
_GDB_TIMEOUT = 30.0
_HELPER_TIMEOUT = 30.0
# After this long without a connection, tell the user what the main thread is doing.
_DIAGNOSE_AFTER = 1.0
_POLL = 0.02
_STATUS_LIMIT = 1 << 16

ProgressCallback = Callable[[str], None]
# Waits up to the given number of seconds for the debug server's connection; returns whether
# it arrived. threading.Event.wait fits.
WaitConnected = Callable[[float], bool]


@dataclass
class BootstrapStatus:
    """What the bootstrap wrote to its status file so far."""

    started: bool = False
    ok: bool = False
    expired: bool = False
    error: str | None = None
    traceback: str | None = None


@dataclass(frozen=True)
class AttachReport:
    """How an attach went (for logs and the audit log)."""

    pid: int
    route: Route
    python_version: str
    queued_after: float
    """Seconds from the start of the attach until the bootstrap was queued in the target."""
    connected_after: float
    """Seconds from the start of the attach until the connection (or the bootstrap's "ok")."""


def _package_root() -> str:
    # .../src/dap_server/attach/inject.py -> .../src: holds both dap_server and engine.
    return str(Path(__file__).resolve().parents[2])


def _top_level(entry: str) -> str:
    return entry.partition(":")[0].split(".")[0]


@dataclass
class Injection:
    """A bootstrap queued in a target; :meth:`wait` follows it until it connects or fails."""

    target: TargetInfo
    route: Route
    directory: Path
    script: Path
    status_file: Path
    started_at: float
    queued_at: float
    deadline_wall: float
    helper: str | None = None
    _cleaned: bool = field(default=False, repr=False)

    def status(self) -> BootstrapStatus:
        st = BootstrapStatus()
        try:
            # Bounded: the file may belong to the target's user, who could make it huge.
            with open(self.status_file, "rb") as f:
                text = f.read(_STATUS_LIMIT).decode("utf-8", errors="replace")
        except OSError:
            return st
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line being written right now
            event = record.get("event")
            if event == "started":
                st.started = True
            elif event == "ok":
                st.ok = True
            elif event == "expired":
                st.expired = True
            elif event == "error":
                st.error = str(record.get("message", "unknown error"))
                st.traceback = str(record.get("traceback", ""))
        return st

    def wait(
        self,
        timeout: float,
        on_progress: ProgressCallback | None = None,
        wait_connected: WaitConnected | None = None,
        timeout_option: str = f"attach option {TIMEOUT_OPTION!r}",
    ) -> float:
        """Waits for the connection (or, without ``wait_connected``, the bootstrap's "ok").

        ``timeout_option`` names, in messages, the knob that sets ``timeout`` (the command
        line's says "option '--timeout'").

        Returns the seconds since the attach started. Raises :class:`AttachError` when the
        bootstrap reports a failure, the target exits, or ``timeout`` (counted from the start
        of the attach) passes; the files are removed in every case.
        """
        pid = self.target.pid
        deadline = self.started_at + timeout
        next_diagnosis = self.queued_at + _DIAGNOSE_AFTER
        last_said: str | None = None
        try:
            while True:
                if wait_connected is not None:
                    if wait_connected(_POLL):
                        return time.monotonic() - self.started_at
                st = self.status()
                if st.error is not None:
                    hint = ""
                    if "ModuleNotFoundError" in st.error or "PermissionError" in st.error:
                        hint = (
                            " The target must be able to read the debugger's package at "
                            f"{_package_root()}."
                        )
                    raise AttachError(
                        "bootstrap-failed",
                        f"The debugger's bootstrap failed inside process {pid}: {st.error}.{hint}"
                        " The program itself was not disturbed.",
                    )
                if wait_connected is None:
                    if st.ok:
                        return time.monotonic() - self.started_at
                    time.sleep(_POLL)
                if not Path("/proc", str(pid)).is_dir():
                    raise AttachError(
                        "target-exited", f"Process {pid} exited before the debugger could attach."
                    )
                now = time.monotonic()
                if now >= deadline:
                    if st.ok or st.started:
                        why = (
                            "the bootstrap ran in the target, but its debug server did not "
                            "connect back to the debugger"
                        )
                    else:
                        why = describe_main_thread(pid) or "the bootstrap did not run"
                    raise AttachError(
                        "timeout",
                        f"Timed out after {timeout:g} s waiting for process {pid} to load the "
                        f"debugger: {why}. Raise the {timeout_option} (seconds) to wait longer.",
                    )
                if now >= next_diagnosis and not st.started and on_progress is not None:
                    said = describe_main_thread(pid)
                    if said is not None and said != last_said:
                        last_said = said
                        on_progress(
                            f"Process {pid}: {said}. Waiting up to {timeout:g} s "
                            f"({timeout_option})."
                        )
                    next_diagnosis = now + _DIAGNOSE_AFTER
        finally:
            self.cleanup()

    def cleanup(self) -> None:
        """Removes the bootstrap files; on 3.14 also withdraws a script still pending."""
        if self._cleaned:
            return
        self._cleaned = True
        st = self.status()
        if self.route == "remote_exec" and self.helper and not (st.started or st.expired):
            # Only one script is pending per thread and a new one replaces it: an empty file
            # withdraws ours, so the target does not complain later about a missing file.
            with contextlib.suppress(AttachError, OSError, subprocess.SubprocessError):
                _remote_exec(self.helper, self.target.pid, "/dev/null")
        shutil.rmtree(self.directory, ignore_errors=True)


def _write_files(
    target: TargetInfo,
    entry: str,
    args: Sequence[object],
    search_path: Sequence[str],
    deadline_wall: float,
) -> tuple[Path, Path, Path]:
    other_user = target.uid != os.geteuid()
    # mkdtemp makes a 0700 directory with an unguessable name.
    directory = Path(tempfile.mkdtemp(prefix="dap-attach-"))
    try:
        if other_user:
            os.chmod(directory, 0o711)  # the target may traverse it but not list or write it
        script = directory / "bootstrap.py"
        status = directory / "status.jsonl"
        config = {
            "entry": entry,
            "args": list(args),
            "status": str(status),
            "deadline": deadline_wall,
            "packages": sorted({"dap_server", "engine", _top_level(entry)}),
            "roots": [*search_path, _package_root()],
        }
        template = (Path(__file__).parent / "_bootstrap.py").read_text(encoding="utf-8")
        if _CONFIG_MARKER not in template:
            raise AttachError("injection-failed", "internal error: bootstrap template damaged")
        source = template.replace(_CONFIG_MARKER, f"_CONFIG = {config!r}")
        fd = os.open(script, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(source)
        fd = os.open(status, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        if other_user:
            # The script carries the token: readable by the target's user only.
            os.chown(script, target.uid, -1)
            os.chmod(script, 0o400)
            os.chown(status, target.uid, -1)
        else:
            os.chmod(script, 0o644)
        return directory, script, status
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _pending_line(script: Path) -> bytes:
    """The source gdb hands to PyRun_SimpleString, which runs it in ``__main__``'s namespace.

    So it binds no names there (everything happens inside an ``exec`` with a fresh dict), and
    catches everything, a missing script included (the debugger gave up and deleted it).
    """
    p = str(script)
    inner = (
        f"with open({p!r},'rb') as f: s=f.read()\n"
        f"exec(compile(s,{p!r},'exec'),{{'__name__':'__dap_attach__','__file__':{p!r}}})\n"
    )
    return f"try:exec({inner!r},{{}})\nexcept BaseException:pass\n".encode()


def _gdb_inject(gdb: str, pid: int, directory: Path, script: Path) -> None:
    line_file = directory / "pending-call.txt"
    line = _pending_line(script)
    line_file.write_bytes(line)
    size = (len(line) + 1 + 4095) // 4096 * 4096  # mmap'd memory is zeroed: the NUL is there
    commands = directory / "inject.gdb"
    # A gdb command file stops at the first error, so nothing runs after a failed step;
    # gdb detaches from the target when it quits either way.
    commands.write_text(
        f"set $dap_buf = (char *) mmap((void *) 0, (unsigned long) {size}, 3, 0x22, -1, (long) 0)\n"
        "if $dap_buf == (char *) -1\n"
        "  echo DAP_ATTACH_MMAP_FAILED\\n\n"
        "else\n"
        f"  restore {line_file} binary $dap_buf\n"
        '  printf "DAP_ATTACH_QUEUED %d\\n", '
        "(int) Py_AddPendingCall((void *) &PyRun_SimpleString, (void *) $dap_buf)\n"
        "end\n"
        "detach\n",
        encoding="utf-8",
    )
    argv = [
        gdb, "-nx", "-batch",
        # Minimal (ELF) symbols are all we need: skipping debug info makes gdb 3-5x faster.
        "--readnever",
        "-iex", "set auto-load off",  # never run the target's python-gdb.py or .gdbinit files
        "-iex", "set debuginfod enabled off",  # never fetch debug info over the network
        "-ex", "set confirm off",
        "-p", str(pid),
        "-x", str(commands),
    ]  # fmt: skip
    env = {**os.environ, "LC_ALL": "C"}
    try:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, start_new_session=True, text=True,
        )  # fmt: skip
    except OSError as exc:
        raise AttachError("gdb-missing", f"Could not run gdb ({gdb}): {exc}.") from None
    try:
        out, err = proc.communicate(timeout=_GDB_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        # A tracer that dies leaves its tracee stopped: let the program run on.
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGCONT)
        raise AttachError(
            "injection-failed",
            f"gdb did not finish attaching to process {pid} within {_GDB_TIMEOUT:g} s; "
            "it was stopped and the process resumed.",
        ) from None
    m = re.search(r"DAP_ATTACH_QUEUED (-?\d+)", out)
    if m and m.group(1) == "0":
        return
    text = (err + out).strip()
    if "ptrace: Operation not permitted" in text:
        raise AttachError(
            "permission",
            f"gdb was not allowed to attach to process {pid} (ptrace: Operation not "
            "permitted). Run the debugger as root or the process's user; in a container, "
            "add the CAP_SYS_PTRACE capability (`--cap-add=SYS_PTRACE`).",
        )
    if m:
        detail = f"Py_AddPendingCall returned {m.group(1)} (the queue of pending calls is full)"
    elif "DAP_ATTACH_MMAP_FAILED" in out:
        detail = "mmap failed in the target (out of memory?)"
    else:
        tail = "\n".join(text.splitlines()[-5:])
        detail = f"gdb said:\n{tail}"
    raise AttachError(
        "injection-failed", f"Could not queue the debugger's bootstrap in process {pid}: {detail}"
    )


_REMOTE_EXEC = "import sys; sys.remote_exec(int(sys.argv[1]), sys.argv[2])"


def _helper_env() -> dict[str, str]:
    # The helper's own "no remote debugging" setting would make sys.remote_exec refuse; and
    # the user's PYTHON* variables (PYTHONPATH, PYTHONSTARTUP...) are not the helper's business.
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _remote_exec(helper: str, pid: int, script: str) -> None:
    try:
        proc = subprocess.run(
            [helper, "-I", "-c", _REMOTE_EXEC, str(pid), script],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, env=_helper_env(),
            timeout=_HELPER_TIMEOUT,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        raise AttachError(
            "injection-failed", f"Could not run {helper} to call sys.remote_exec: {exc}."
        ) from None
    if proc.returncode == 0:
        return
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    last = lines[-1] if lines else f"exit status {proc.returncode}"
    if "not enabled" in last or "disable" in last.lower():
        raise AttachError(
            "remote-debug-disabled",
            f"Process {pid} refused remote debugging: {last}. Restart it without "
            "PYTHON_DISABLE_REMOTE_DEBUG / -X disable-remote-debug, or attach with the option "
            "'forceAttach' (force=True) to inject through gdb.",
        )
    if "PermissionError" in last or "Operation not permitted" in last:
        raise AttachError(
            "permission",
            f"sys.remote_exec was not allowed to write into process {pid}: {last}. Run the "
            "debugger as root or the process's user; in a container, add CAP_SYS_PTRACE.",
        )
    raise AttachError("injection-failed", f"sys.remote_exec({pid}, ...) failed: {last}")


_PY_EXE = re.compile(r"^python3(\.\d+)?[dt]?$")


def _python_minor(exe: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [exe, "-I", "-c", "import sys; print(*sys.version_info[:2])"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, env=_helper_env(),
            timeout=_HELPER_TIMEOUT,
        ).stdout.split()  # fmt: skip
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def find_helper_python(target: TargetInfo, python: str | None = None) -> str:
    """An interpreter of the target's minor version to call ``sys.remote_exec`` from."""
    want = target.version[:2]
    vtext = f"{want[0]}.{want[1]}"
    if python is not None:
        got = _python_minor(python)
        if got != want:
            got_text = f"{got[0]}.{got[1]}" if got else "not a working Python"
            raise AttachError(
                "no-helper-python",
                f"{python} is {got_text}, but process {target.pid} runs Python {vtext}: "
                "sys.remote_exec only works between interpreters of the same minor version. "
                f"Give a Python {vtext} interpreter.",
            )
        return python
    candidates: list[str] = []
    # The target's own executable is the best match, when it is a plain python binary
    # (an application embedding Python must not be run with -c).
    if _PY_EXE.match(os.path.basename(target.exe)) and os.path.isfile(target.exe):
        candidates.append(target.exe)
    found = shutil.which(f"python{vtext}")
    if found:
        candidates.append(found)
    if sys.version_info[:2] == want:
        candidates.append(sys.executable)
    for exe in candidates:
        if _python_minor(exe) == want:
            return exe
    tried = ", ".join(candidates) or f"python{vtext} (not on PATH)"
    raise AttachError(
        "no-helper-python",
        f"Attaching to Python {vtext} (process {target.pid}) needs a Python {vtext} interpreter "
        f"to call sys.remote_exec, and none was found (tried: {tried}). Put python{vtext} on "
        "PATH or give its path.",
    )


def inject(
    pid: int,
    *,
    entry: str = DEFAULT_ENTRY,
    args: Sequence[object] = (),
    timeout: float = 30.0,
    force: bool = False,
    python: str | None = None,
    gdb: str | None = None,
    search_path: Sequence[str] = (),
    started_at: float | None = None,
) -> Injection:
    """Runs pre-flight, writes the bootstrap and queues it in process ``pid``.

    ``entry`` (``"module:function"``) is called in the target with ``args`` (a str, int,
    float, bool, None, list or dict each: they are written into the script with ``repr``).
    Its top-level package, ``dap_server`` and ``engine`` are imported from ``search_path`` and
    then the debugger's own installation. ``timeout`` bounds how late the bootstrap may still
    act. Returns once the bootstrap is queued; :meth:`Injection.wait` follows it.
    """
    started = time.monotonic() if started_at is None else started_at
    target = check_target(pid, force=force, gdb=gdb)
    route: Route = "remote_exec" if target.version[:2] >= (3, 14) else "gdb"
    if target.remote_debug_disabled:
        route = "gdb"  # forced: check_target refuses otherwise; sys.remote_exec would refuse
    helper = find_helper_python(target, python) if route == "remote_exec" else None
    # Wall clock, since the target compares it with its own time.time().
    deadline_wall = time.time() + timeout - (time.monotonic() - started) + 1.0
    directory, script, status = _write_files(target, entry, args, search_path, deadline_wall)
    try:
        if route == "gdb":
            gdb_path = find_gdb(gdb)
            assert gdb_path is not None  # check_target verified it
            _gdb_inject(gdb_path, pid, directory, script)
        else:
            assert helper is not None
            _remote_exec(helper, pid, str(script))
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return Injection(
        target=target, route=route, directory=directory, script=script, status_file=status,
        started_at=started, queued_at=time.monotonic(), deadline_wall=deadline_wall,
        helper=helper,
    )  # fmt: skip


def attach_to_pid(
    pid: int,
    host: str,
    port: int,
    token: str,
    *,
    timeout: float,
    on_progress: ProgressCallback,
    force: bool = False,
    wait_connected: WaitConnected | None = None,
    entry: str = DEFAULT_ENTRY,
    python: str | None = None,
    gdb: str | None = None,
    search_path: Sequence[str] = (),
) -> AttachReport:
    """Makes process ``pid`` load the debugger and connect back to ``host:port`` with ``token``.

    The caller listens on ``host:port`` and passes ``wait_connected`` (e.g. the
    ``threading.Event.wait`` it sets on the connection); without it, this returns once the
    bootstrap reports that ``entry`` returned. Blocks for at most about ``timeout`` seconds
    (plus gdb's own bound), reporting through ``on_progress`` what it waits for. Raises
    :class:`AttachError` with a message for the user on any failure.
    """
    started = time.monotonic()
    on_progress(f"Attaching to process {pid}...")
    injection = inject(
        pid, entry=entry, args=(host, port, token), timeout=timeout, force=force,
        python=python, gdb=gdb, search_path=search_path, started_at=started,
    )  # fmt: skip
    queued_after = injection.queued_at - started
    how = "gdb (pending call)" if injection.route == "gdb" else "sys.remote_exec"
    on_progress(
        f"Bootstrap queued in process {pid} through {how}; it runs when the main thread "
        "reaches its next safe point."
    )
    connected_after = injection.wait(timeout, on_progress, wait_connected)
    v = injection.target.version
    return AttachReport(pid, injection.route, ".".join(map(str, v)), queued_after, connected_after)
