"""Print PDFs with one headless Chromium per run, driven over the DevTools protocol.

Starting Chromium is about half of a one-off ``chromium --print-to-pdf``. A run therefore
starts the browser once its cleaning stage is done, without waiting for it
(:meth:`PdfPrinter.start`), while the later notebooks run; the export stage then only opens a
tab, loads the page and asks for the PDF (``Page.printToPDF`` with the same settings as the
command line's print, so the bytes are the same). ``report --all`` keeps one browser per worker for all its years.

The protocol goes over ``--remote-debugging-pipe`` (file descriptors 3 and 4 of the browser,
messages of JSON ending in a NUL byte): no port is opened, nobody else can attach, and no
websocket library is needed. The browser also ends by itself when the pipe closes, that is when
the run's process dies, even by SIGKILL.

Every wait is bounded by the print's timeout (``limits.pdf_timeout_seconds``); the first answer
of the browser by at most :data:`CONNECT_SECONDS`. When the protocol path fails in any way
(no browser, it does not start or answer, it crashes, an unexpected answer), the browser is
killed and the page is printed with the one-off command line
(:func:`ikuanalysis.publish.export.print_pdf_cli`) in the time left, so a broken browser
setup fails with the same messages as before. The browser is killed (its whole process group)
when the printer is closed, on any exception and on SIGTERM/SIGINT
(:class:`ikuanalysis.failures.RunInterrupted` unwinds through :meth:`PdfPrinter.close`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import fcntl
import json
import math
import os
import select
import shutil
import signal
import tempfile
import time
from pathlib import Path

from ikuanalysis import paths
from ikuanalysis.failures import interrupts_deferred
from ikuanalysis.publish import export
from ikuanalysis.publish.export import ExportError

CONNECT_SECONDS = 10.0
# What the command line's --print-to-pdf --no-pdf-header-footer asks for: the page's own @page
# size and margin boxes (running header, "Halaman N dari M"), backgrounds, no browser header.
PRINT_SETTINGS = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}
_READ_CHUNK = 1 << 20
_KILL_WAIT_SECONDS = 5.0


class DevToolsFailure(Exception):
    """The print over the DevTools protocol failed; the command-line print may still work."""


class DevToolsTimeout(DevToolsFailure):
    """The browser did not answer before the deadline."""


class DevToolsBrowser:
    """One headless Chromium process and its DevTools pipe (low level: see :class:`PdfPrinter`).

    Args:
        executable: The Chromium/Chrome program.

    Raises:
        OSError: The program could not be started (missing, not executable).
    """

    def __init__(self, executable: str) -> None:
        command_read, command_write = os.pipe()  # we write commands, the browser reads fd 3
        reply_read, reply_write = os.pipe()  # the browser writes answers and events to fd 4
        # The browser's ends move above 10 first, so that copying them to 3 and 4 never collides.
        child_read, child_write = _above(command_read, 10), _above(reply_write, 10)
        self.profile = tempfile.mkdtemp(prefix="ikuanalysis-chromium-")
        argv = [executable, *export.BROWSER_FLAGS, f"--user-data-dir={self.profile}",
                "--remote-debugging-pipe", "about:blank"]
        try:
            # posix_spawn: safe with threads running (one warms nbconvert meanwhile); its own
            # process group, so that one killpg ends the browser and all its helpers.
            self.pid = os.posix_spawnp(
                executable, argv, dict(os.environ), setpgroup=0,
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),  # as subprocess does
                file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                              (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                              (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                              (os.POSIX_SPAWN_DUP2, child_read, 3), (os.POSIX_SPAWN_DUP2, child_write, 4)])
        except BaseException:
            for fd in (command_write, reply_read):
                os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        finally:
            for fd in (child_read, child_write):
                os.close(fd)
        self._commands, self._replies = command_write, reply_read
        os.set_blocking(self._commands, False)
        os.set_blocking(self._replies, False)
        self._buffer = bytearray()
        self._backlog: list[dict] = []  # events read while waiting for an answer
        self._last_id = 0
        self.is_alive = True

    def send(self, method: str, params: dict | None = None, session: str | None = None, *,
             deadline: float) -> int:
        """Send one command and return its id, without waiting for its answer (skipped when it comes).

        Raises:
            DevToolsTimeout: The browser does not read its pipe before ``deadline``.
            DevToolsFailure: The browser ended.
        """
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(json.dumps(message).encode("utf-8") + b"\0", deadline)
        return self._last_id

    def call(self, method: str, params: dict | None = None, session: str | None = None, *,
             deadline: float) -> dict:
        """Send one command and return its result, keeping the events read meanwhile in the backlog.

        Raises:
            DevToolsTimeout: No answer before ``deadline`` (``time.monotonic``).
            DevToolsFailure: The browser ended, or answered with an error.
        """
        sent = self.send(method, params, session, deadline=deadline)
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == sent:
                if "error" in answer:
                    raise DevToolsFailure(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self._backlog.append(answer)

    def wait_event(self, matches, *, deadline: float) -> dict:
        """Return the first event (backlog first) for which ``matches(event)`` is true.

        Raises:
            DevToolsTimeout: None came before ``deadline``.
            DevToolsFailure: The browser ended.
        """
        while True:
            for index, event in enumerate(self._backlog):
                if matches(event):
                    del self._backlog[index]
                    return event
            self._backlog.clear()  # none of them matched: later ones will be checked as they come
            answer = self._receive(deadline)
            if "method" in answer:
                self._backlog.append(answer)

    def _send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DevToolsTimeout("the browser does not read its pipe")
            if not _ready(self._commands, select.POLLOUT, left):
                continue
            try:
                written = os.write(self._commands, view)
            except BlockingIOError:
                continue
            except OSError as exc:  # EPIPE: the browser ended
                raise DevToolsFailure(f"the browser's pipe is closed ({exc.strerror})") from None
            view = view[written:]

    def _receive(self, deadline: float) -> dict:
        while True:
            end = self._buffer.find(b"\0")
            if end >= 0:
                raw = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                try:
                    message = json.loads(raw)
                except ValueError:
                    raise DevToolsFailure("the browser sent something that is not JSON") from None
                if isinstance(message, dict):
                    return message
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise DevToolsTimeout("the browser did not answer in time")
            if not _ready(self._replies, select.POLLIN, left):
                continue
            try:
                chunk = os.read(self._replies, _READ_CHUNK)
            except BlockingIOError:
                continue
            except OSError as exc:
                raise DevToolsFailure(f"the browser's pipe failed ({exc.strerror})") from None
            if not chunk:
                raise DevToolsFailure("the browser ended")
            self._buffer += chunk

    def kill(self) -> None:
        """Kill the browser's process group, reap it and delete its profile (idempotent)."""
        if not self.is_alive:
            return
        self.is_alive = False
        with interrupts_deferred():  # a second Ctrl+C must not leave the browser running
            # The group first, while the unreaped leader keeps its id from being reused.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            for fd in (self._commands, self._replies):
                with contextlib.suppress(OSError):
                    os.close(fd)
            deadline = time.monotonic() + _KILL_WAIT_SECONDS
            while time.monotonic() < deadline:
                try:
                    reaped, _ = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if reaped:
                    break
                time.sleep(0.01)
            while time.monotonic() < deadline and group_members(self.pid):
                time.sleep(0.01)  # the helpers are ending (SIGKILL is not instant)
            shutil.rmtree(self.profile, ignore_errors=True)


def group_members(pgid: int) -> list[int]:
    """Return the processes of the process group ``pgid`` that still run (zombies left out)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return sorted(members)


def _ready(fd: int, events: int, seconds: float) -> bool:
    """Wait at most ``seconds`` until ``fd`` is ready for ``events`` (or hung up, or failed)."""
    poller = select.poll()  # not select(): it refuses descriptors above 1023
    poller.register(fd, events)
    return bool(poller.poll(math.ceil(seconds * 1000)))


def _above(fd: int, lowest: int) -> int:
    """Return a close-on-exec copy of ``fd`` numbered ``lowest`` or more, closing ``fd``."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
    os.close(fd)
    return moved


class PdfPrinter:
    """Headless Chromium started once and used for every PDF of a run (or of a worker).

    Use as a context manager, or call :meth:`start` and, in a ``finally``, :meth:`close`.
    Print from one thread only: the main thread, so that SIGTERM/SIGINT interrupt the waits.
    After a failed print the next one starts a new browser, except after a browser that never
    answered: that one is not tried again, and later prints use the command line at once.

    Args:
        connect_seconds: At most this long is waited for a new browser's first answer, so that
            one that never answers leaves time for the command-line print.
    """

    def __init__(self, connect_seconds: float = CONNECT_SECONDS) -> None:
        self.connect_seconds = connect_seconds
        self._browser: DevToolsBrowser | None = None
        self._is_connected = False
        self.uses_command_line = False

    def __enter__(self) -> "PdfPrinter":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The browser's process id (also its process group), or None when none is running."""
        return self._browser.pid if self._browser is not None else None

    def start(self) -> "PdfPrinter":
        """Start the browser without waiting for it to be ready (once); return self.

        Never fails: a missing or broken browser is found out when printing, which then falls
        back to the command line and its messages (the install hint among them).
        """
        if self._browser is None and not self.uses_command_line:
            # A signal waits until the browser is recorded, so that close() always finds it.
            with interrupts_deferred():
                try:
                    self._browser = DevToolsBrowser(export.find_browser())
                except (ExportError, OSError):
                    self._browser = None
                self._is_connected = False
        return self

    def close(self) -> None:
        """Kill the browser (its process group) and delete its profile; :meth:`start` may follow."""
        browser, self._browser, self._is_connected = self._browser, None, False
        if browser is not None:
            browser.kill()

    def print_pdf(self, html_path: Path, pdf_path: Path, timeout: float = 120,
                  document_date: dt.datetime | None = None) -> None:
        """Print ``html_path`` to ``pdf_path`` like :func:`ikuanalysis.publish.export.print_pdf`.

        The whole print, the command-line fallback included, takes at most ``timeout`` seconds.

        Raises:
            ExportError: Neither the browser nor the command-line print produced the PDF, or
                the time ran out (the message names ``pdf_timeout_seconds``).
            MachineFailure: The PDF could not be written (disk full, no permission).
        """
        started = time.monotonic()
        deadline = started + timeout
        try:
            data = self._print_over_devtools(html_path, deadline, min(deadline, started + self.connect_seconds))
        except Exception as failure:  # noqa: BLE001 - any failure of this path: the command line's turn
            if isinstance(failure, DevToolsTimeout) and not self._is_connected:
                self.uses_command_line = True  # it never answered: do not wait for it again
            self.close()
            left = deadline - time.monotonic()
            if left <= 0:
                raise export.timeout_error(timeout) from None
            export.print_pdf_cli(html_path, pdf_path, timeout=timeout, document_date=document_date, seconds=left)
            return
        except BaseException:  # an interrupt mid-print: the browser's state is unknown
            self.close()
            raise
        export.write_atomically(pdf_path, export.fixed_pdf_bytes(data, document_date or paths.source_date()))

    def _print_over_devtools(self, html_path: Path, deadline: float, connect_deadline: float) -> bytes:
        self.start()
        browser = self._browser
        if browser is None:
            raise DevToolsFailure("no browser could be started")
        target = browser.call("Target.createTarget", {"url": "about:blank"},
                              deadline=deadline if self._is_connected else connect_deadline)["targetId"]
        self._is_connected = True
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                               deadline=deadline)["sessionId"]
        try:
            browser.call("Page.enable", session=session, deadline=deadline)
            browser.call("Page.setLifecycleEventsEnabled", {"enabled": True}, session=session, deadline=deadline)
            navigation = browser.call("Page.navigate", {"url": html_path.resolve().as_uri()}, session=session,
                                      deadline=deadline)
            if navigation.get("errorText"):
                raise DevToolsFailure(f"navigation failed: {navigation['errorText']}")
            loader = navigation.get("loaderId")
            browser.wait_event(lambda event: event.get("sessionId") == session
                               and event.get("method") == "Page.lifecycleEvent"
                               and event.get("params", {}).get("name") == "load"
                               and event.get("params", {}).get("loaderId") == loader, deadline=deadline)
            result = browser.call("Page.printToPDF", PRINT_SETTINGS, session=session, deadline=deadline)
        finally:
            if browser.is_alive:  # the tab goes; its answer is skipped when it comes
                with contextlib.suppress(DevToolsFailure):
                    browser.send("Target.closeTarget", {"targetId": target}, deadline=deadline)
        try:
            data = base64.b64decode(result["data"], validate=True)
        except (KeyError, TypeError, binascii.Error):
            raise DevToolsFailure("printToPDF returned no PDF") from None
        if not data.startswith(b"%PDF"):
            raise DevToolsFailure("printToPDF returned something that is not a PDF")
        return data
