"""Run the pipeline's notebooks in one kernel, with every wait bounded.

One kernel and one kernel client serve all notebooks of a run (imports paid once, no
per-notebook ``wait_for_ready``). Parameters are injected the papermill way (a cell tagged
``injected-parameters``). nbclient executes the cells; around it this module adds what a
run needs to never hang (data contract §4):

* a per-cell timeout (nbclient's own) and a per-notebook deadline, from ``config/limits.yml``;
* a watchdog that notices a dead kernel (killed, out of memory, native abort) within a
  quarter of a second, instead of waiting on the kernel's messages forever;
* no signal handlers of nbclient's own: SIGTERM/SIGINT cancel the loop's task
  (:func:`ikuanalysis.failures.run_interruptible`) and reach the caller as
  :class:`ikuanalysis.failures.RunInterrupted`; the kernel is killed on the way out.

The executed notebook is written without timing metadata, so a rerun gives the same bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ikuanalysis import paths
from ikuanalysis.config import Limits
from ikuanalysis.disclosure import redact_message
from ikuanalysis.failures import (
    DataFailure,
    MachineFailure,
    RunInterrupted,
    UsageFailure,
    failure_from_error_text,
    run_interruptible,
)

_WATCH_SECONDS = 0.25
# Exceptions raised in a notebook whose message is already meant for the evaluator.
_EVALUATOR_ERRORS = {"RegisterError": DataFailure, "RegisterUsageError": UsageFailure, "ConfigError": UsageFailure,
                     "UsageFailure": UsageFailure, "DataFailure": DataFailure, "MachineFailure": MachineFailure}


class KernelDied(MachineFailure):
    """The kernel process ended while a notebook ran."""


# Freed memory back to the system once a notebook's namespace is gone: malloc keeps the freed
# pages of a million-row cleaning mapped, and Arrow's allocator its own, while the browser and
# pandoc start beside the kernel for the export.
_RELEASE_MEMORY = ("try:\n    __import__('ctypes').CDLL(None).malloc_trim(0)\nexcept Exception:\n    pass\n"
                   "try:\n    __import__('pyarrow').default_memory_pool().release_unused()\nexcept Exception:\n    pass\n")


class NotebookRunner:
    """Executes notebooks one after the other in a single kernel.

    Use as a context manager; :meth:`run` may be called many times. Entering the context
    launches the kernel process at once, with the standard library only
    (:func:`launch_kernel`): the kernel boots, and loads the notebooks' imports, on the other
    core while the caller still imports jupyter_client and nbclient and prepares the run. The
    first :meth:`run` connects to it. After a kernel death or a timeout, the next :meth:`run` starts a new kernel.
    """

    def __init__(self, limits: Limits | None = None, preload: str | None = None) -> None:
        """Prepare a runner (the kernel starts on entering the context).

        Args:
            limits: The run's bounds (``config/limits.yml``).
            preload: Code the kernel runs while it boots, before it answers any client:
                imports then load while the caller is still importing the notebook machinery
                and preparing the run. Default: the imports of the pipeline's notebooks
                (:func:`notebook_imports`).
        """
        self.limits = limits or Limits()
        self.preload = preload
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kernel: LaunchedKernel | None = None
        self._kc = None
        self._language_info: dict = {}
        self._on_ready: list = []  # called once the kernel answers (see when_ready)

    def __enter__(self) -> "NotebookRunner":
        self._loop = asyncio.new_event_loop()
        self.launch()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop()
        if self._loop is not None:
            self._loop.close()
            self._loop = None

    def run(self, name: str, target: Path, parameters: dict) -> None:
        """Execute ``notebooks/<name>.ipynb`` with ``parameters`` and save it to ``target``.

        Raises:
            DataFailure, UsageFailure: A cell raised an evaluator-facing error (its message).
            MachineFailure: The kernel died, a cell or the notebook ran past its limit, or
                the disk refused a write inside the notebook.
            RunInterrupted: SIGTERM/SIGINT arrived.
        """
        import nbformat

        notebook = load_parameterized(name, parameters)
        if self._kc is None:
            self._connect(name)
            callbacks, self._on_ready = self._on_ready, []
            for callback in callbacks:
                callback()
        try:
            run_interruptible(self._loop, self._execute(notebook, name))
        except BaseException:
            self._cancel_pending()
            if not self._kernel_process_alive():
                self._stop()  # killed, dead or timed out: the next notebook starts a new kernel
            raise
        finally:
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, str(target))

    # -- kernel life -------------------------------------------------------------------------

    def when_ready(self, callback) -> None:
        """Call ``callback`` (in this thread) as soon as the kernel answers: at once if it does already.

        The caller's side work (a browser to start, templates to compile) then does not take
        the cores from the kernel while it boots and loads its imports.
        """
        if self._kc is not None:
            callback()
        else:
            self._on_ready.append(callback)

    def launch(self) -> None:
        """Launch a kernel process unless one runs (it boots, and preloads, while the caller goes on)."""
        if self._kernel is None:
            if self.preload is None:
                self.preload = pipeline_imports()
            self._kernel = launch_kernel(self.preload)

    def _connect(self, name: str) -> None:
        """Connect to the launched kernel (launching one first if none runs) and wait until it answers.

        The wait includes the kernel's preload (imports are part of its start), bounded by
        ``kernel_start_timeout_seconds``; no cell's timeout counts them.

        Args:
            name: The notebook about to run (named when the kernel dies while it boots).
        """
        self.launch()
        try:
            run_interruptible(self._loop, asyncio.wait_for(self._connect_async(),
                                                           self.limits.kernel_start_timeout_seconds))
        except (asyncio.TimeoutError, RuntimeError) as exc:
            has_died = not self._kernel_process_alive()
            self._stop()
            if has_died:
                raise KernelDied(kernel_died_message(name)) from None
            raise MachineFailure(kernel_not_ready_message(self.limits.kernel_start_timeout_seconds,
                                                          type(exc).__name__)) from None

    async def _connect_async(self) -> None:
        self._kc = kernel_client(self._kernel)
        self._kc.start_channels(hb=False)  # liveness is the process's own (is_alive), not heartbeats
        await self._kc.wait_for_ready(timeout=self.limits.kernel_start_timeout_seconds)
        self._kc.allow_stdin = False
        reply = await self._kc.kernel_info(reply=True, timeout=self.limits.kernel_start_timeout_seconds)
        self._language_info = reply["content"].get("language_info", {})

    async def _clear_namespace(self) -> None:
        """Empty the kernel's namespace before a notebook (imported modules stay loaded).

        Each notebook then sees only what it computes or reads from files, as when it runs
        alone in JupyterLab (the audit trail), and the frames of the notebook before it (a
        million cleaned rows) are freed before the next one reads its own. The survivors of the
        collection are frozen (``gc.freeze``, as the preload's modules are): the next collection
        does not walk them again (it took ≈0,1 s per notebook with pandas and matplotlib loaded).
        The collector is turned on first: the preload imports with it off (:func:`_preload_arguments`).
        What was freed then goes back to the system (``_RELEASE_MEMORY``).
        """
        code = ("get_ipython().run_line_magic('reset', '-f')\n"
                "__import__('gc').enable()\n__import__('gc').collect()\n__import__('gc').freeze()\n"
                + _RELEASE_MEMORY)
        await self._wait_for_reply(self._kc.execute(code, silent=True, store_history=False, allow_stdin=False))

    async def _wait_for_reply(self, message_id: str) -> None:
        """Wait for the shell reply to ``message_id``, within ``kernel_start_timeout_seconds``.

        A kernel that dies meanwhile is the watchdog's to report (:meth:`_watch_kernel`), as in a cell.
        """
        deadline = self._loop.time() + self.limits.kernel_start_timeout_seconds
        while True:
            left = deadline - self._loop.time()
            if left <= 0:
                raise MachineFailure(kernel_not_ready_message(self.limits.kernel_start_timeout_seconds, "TimeoutError"))
            try:
                message = await self._kc.get_shell_msg(timeout=min(left, _WATCH_SECONDS))
            except queue.Empty:
                continue
            if message["parent_header"].get("msg_id") == message_id:
                return

    @property
    def kernel_pid(self) -> int | None:
        """The kernel process's PID (None when no kernel runs)."""
        return self._kernel.process.pid if self._kernel is not None else None

    def _kernel_process_alive(self) -> bool:
        return self._kernel is not None and self._kernel.process.poll() is None

    def _kill_kernel(self) -> None:
        """Kill the kernel process at once (it hangs, or a bound was reached)."""
        if self._kernel is not None:
            self._kernel.kill()

    def _stop(self) -> None:
        """Stop the client and the kernel (killed if it is still running); not from inside the loop."""
        self._kill_kernel()
        kernel, kc, self._kernel, self._kc = self._kernel, self._kc, None, None
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if kernel is not None:
            kernel.remove_files()

    def _cancel_pending(self) -> None:
        """Cancel the tasks a failed or interrupted notebook left in the loop."""
        pending = [task for task in asyncio.all_tasks(self._loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            with contextlib.suppress(BaseException):
                run_interruptible(self._loop, asyncio.wait(pending, timeout=2))
        for task in pending:  # retrieved, so asyncio does not log "exception was never retrieved"
            if task.done() and not task.cancelled():
                task.exception()

    async def _is_alive(self) -> bool:
        return self._kernel_process_alive()

    async def _watch_kernel(self) -> None:
        """Return as soon as the kernel process has ended."""
        while await self._is_alive():
            await asyncio.sleep(_WATCH_SECONDS)

    # -- one notebook ------------------------------------------------------------------------

    async def _execute(self, notebook, name: str) -> None:
        from nbclient import NotebookClient

        client = NotebookClient(
            notebook, km=None, timeout=self.limits.cell_timeout_seconds, kernel_name="python3",
            record_timing=False, resources={"metadata": {"path": str(paths.PROJECT_ROOT)}},
        )
        client.kc = self._kc
        client.reset_execution_trackers()
        notebook.metadata["language_info"] = self._language_info

        async def execute_cells() -> None:
            await self._clear_namespace()
            for index, cell in enumerate(notebook.cells):
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)

        work = asyncio.ensure_future(execute_cells())
        watch = asyncio.ensure_future(self._watch_kernel())
        done, _ = await asyncio.wait({work, watch}, timeout=self.limits.notebook_timeout_seconds,
                                     return_when=asyncio.FIRST_COMPLETED)
        if work in done:
            watch.cancel()
            await self._raise_for_outcome(work, name)
            return
        work.cancel()
        watch.cancel()
        await asyncio.gather(work, watch, return_exceptions=True)
        self._kill_kernel()  # dead already, or past its deadline
        if watch in done:
            raise KernelDied(kernel_died_message(name))
        raise MachineFailure(
            f"Notebook {name} berjalan lebih dari {self.limits.notebook_timeout_seconds} detik dan "
            "dihentikan; tidak ada hasil yang diubah. Bila datanya memang sangat besar, naikkan "
            "notebook_timeout_seconds di config/limits.yml."
        )

    async def _raise_for_outcome(self, work: asyncio.Future, name: str) -> None:
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        try:
            work.result()
        except CellExecutionError as exc:
            raise failure_from_cell_error(exc.ename, exc.evalue, name) from None
        except CellTimeoutError:
            self._kill_kernel()  # still busy with the cell
            raise MachineFailure(
                f"Satu sel notebook {name} berjalan lebih dari {self.limits.cell_timeout_seconds} detik "
                "dan dihentikan; tidak ada hasil yang diubah. Bila datanya memang sangat besar, naikkan "
                "cell_timeout_seconds di config/limits.yml."
            ) from None
        except DeadKernelError:
            raise KernelDied(kernel_died_message(name)) from None


class LaunchedKernel:
    """A kernel process started by :func:`launch_kernel`, and the files it listens on."""

    def __init__(self, process: subprocess.Popen, connection: dict, folder: str) -> None:
        self.process = process
        self.connection = connection
        self.folder = folder

    def kill(self) -> None:
        """Kill the kernel at once and reap it (nothing it computes is kept)."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.send_signal(signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)

    def remove_files(self) -> None:
        """Delete the connection file and the sockets' folder."""
        shutil.rmtree(self.folder, ignore_errors=True)


def launch_kernel(preload: str = "") -> LaunchedKernel:
    """Start an IPython kernel (``python -m ipykernel_launcher``) with the standard library only.

    What jupyter_client's ``KernelManager.start_kernel`` does for the ``python3`` kernel,
    without importing jupyter_client first: a connection file of IPC sockets in a private
    folder (nothing listens on TCP; kernels started at the same moment by ``report --all``
    never share a path), the kernel in its own session (a killed run's kernel is ended by
    the next run, see :func:`ikuanalysis.publish.build.end_orphan_kernels`), ``JPY_PARENT_PID``
    so that it exits when this process dies, and no stdin.

    Args:
        preload: Code the kernel runs while it boots (IPython's ``exec_lines``), before it
            answers a client: the notebooks' imports load while the caller imports jupyter_client
            and nbclient. It runs without history or output, in a function that binds no name
            (:func:`pipeline_imports`); an error in it resurfaces, located, in the notebook cell
            that needs the import. The objects it leaves are then frozen (``gc.freeze``): the
            garbage collector does not walk the loaded modules at every collection.
    """
    import json
    import secrets
    import sys

    folder = tempfile.mkdtemp(prefix="ikuanalysis-kernel-")
    connection = {"transport": "ipc", "ip": os.path.join(folder, "ipc"), "key": secrets.token_hex(32),
                  "signature_scheme": "hmac-sha256", "kernel_name": "python3",
                  **{f"{channel}_port": number for number, channel in
                     enumerate(("shell", "iopub", "stdin", "control", "hb"), start=1)}}
    connection_file = os.path.join(folder, "kernel.json")
    with open(os.open(connection_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
        json.dump(connection, handle)
    environment = {**os.environ, "JPY_PARENT_PID": str(os.getpid())}
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file, *_preload_arguments(preload)],
            cwd=str(paths.PROJECT_ROOT), env=environment, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise MachineFailure(f"Kernel Python tidak dapat dijalankan ({exc.strerror or exc}). Periksa bahwa "
                             "paket ipykernel terpasang (make install), lalu jalankan lagi.") from None
    return LaunchedKernel(process, connection, folder)


def _preload_arguments(preload: str) -> list[str]:
    """Return the kernel's command-line arguments that run ``preload`` while it boots."""
    if not preload.strip():
        return []
    # Ends with a call, never with a bracket or a quote: traitlets reads the value as text.
    # No collection while importing (≈0,07 s of the ≈0,7 s): imports make objects, not cycles.
    # The collector stays off until each notebook's _clear_namespace turns it on (a preload that
    # fails halfway changes nothing there).
    return ["--IPKernelApp.exec_lines=__import__('gc').disable()\n"
            f"{preload.rstrip()}\n__import__('gc').freeze()\n"]


def kernel_client(kernel: LaunchedKernel):
    """Return an asynchronous client of ``kernel`` whose ``is_alive`` asks the kernel process itself."""
    from jupyter_client.asynchronous import AsyncKernelClient

    class _ProcessKernelClient(AsyncKernelClient):
        async def _async_is_alive(self) -> bool:
            return kernel.process.poll() is None

        is_alive = _async_is_alive

    client = _ProcessKernelClient()
    client.load_connection_info(kernel.connection)
    return client


def pipeline_imports() -> str:
    """Return the code that imports what the pipeline's notebooks import, binding no name.

    The first notebook's imports load while the kernel boots; the later notebooks' (charts,
    matplotlib: ≈0,3 s) in a thread of the kernel beside the first notebook, whose cleaning
    spends most of its time in Arrow and NumPy outside the interpreter's lock. A module that
    notebook imports while the thread loads it waits for it (Python's per-module import lock).
    """
    from ikuanalysis.pipeline import load_pipeline

    pipeline = load_pipeline()
    names = [stage.notebook for stage in [*pipeline.year_stages, pipeline.index_stage] if stage.notebook]
    first = notebook_imports(names[:1])
    later = "\n".join(line for line in notebook_imports(names[1:]).splitlines() if line not in first.splitlines())
    code = ""
    if first:
        # Inside a function: the modules load, but the notebooks' namespace stays empty.
        code += f"def _ikuanalysis_preload():\n{_indented(first)}\n_ikuanalysis_preload()\ndel _ikuanalysis_preload\n"
    if later:
        # An error here resurfaces, located, in the notebook cell that makes the same import.
        code += (f"def _ikuanalysis_preload_later():\n    try:\n{_indented(later, 8)}\n"
                 "    except BaseException:\n        pass\n"
                 "__import__('threading').Thread(target=_ikuanalysis_preload_later, daemon=True,\n"
                 "                               name='ikuanalysis-preload').start()\n"
                 "del _ikuanalysis_preload_later\n")
    return code


def _indented(statements: str, width: int = 4) -> str:
    return "".join(f"{' ' * width}{line}\n" for line in statements.splitlines())


def notebook_imports(names: list[str]) -> str:
    """Return the import statements of the given notebooks (top level of their code cells).

    The runner's ``preload``: the modules the notebooks will import, read from the notebooks
    themselves so the list never goes stale.
    """
    import ast
    import json

    statements: dict[str, None] = {}
    for name in names:
        # Plain JSON (nbformat is not imported yet: this runs before the kernel is launched).
        notebook = json.loads((paths.NOTEBOOK_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse(source if isinstance(source, str) else "".join(source))
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.module != "__future__"):
                    statements[ast.unparse(node)] = None
    return "\n".join(statements)


def load_parameterized(name: str, parameters: dict):
    """Return ``notebooks/<name>.ipynb`` with ``parameters`` injected the papermill way."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    notebook = parameterize_notebook(load_notebook_node(str(paths.NOTEBOOK_DIR / f"{name}.ipynb")), parameters)
    for cell in notebook.cells:  # papermill gives the injected cell a random id: reruns must be identical
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return notebook


def kernel_not_ready_message(seconds: float, reason: str) -> str:
    """Return the message for a kernel that did not start (or load its imports) within ``seconds``."""
    return (f"Kernel Python tidak siap dalam {seconds} detik ({reason}). Periksa bahwa paket ipykernel "
            "terpasang (make install), lalu jalankan lagi.")


def kernel_died_message(name: str) -> str:
    """Return the message for a kernel that ended while notebook ``name`` ran."""
    return (f"Kernel Python berhenti mendadak saat menjalankan notebook {name} (kehabisan memori, "
            "dihentikan dari luar, atau rusak). Tidak ada hasil yang diubah. Tutup program lain yang "
            "memakan memori lalu jalankan lagi; bila terulang, laporkan ke pengembang.")


def failure_from_cell_error(ename: str, evalue: str, name: str) -> BaseException:
    """Return the failure a notebook cell's exception stands for."""
    if ename in _EVALUATOR_ERRORS:
        return _EVALUATOR_ERRORS[ename](evalue)
    if ename == "KeyboardInterrupt":
        return RunInterrupted(signal.SIGINT)
    if ename == "MemoryError":
        return MachineFailure(f"Memori tidak cukup untuk notebook {name}. Tutup program lain lalu jalankan lagi.")
    machine = failure_from_error_text(evalue)
    if machine is not None:
        return machine
    return DataFailure(redact_message(
        f"Notebook {name} gagal ({ename}: {evalue}). Tidak ada hasil yang diubah. Jalankan notebook itu "
        "di JupyterLab (make dev) untuk melihat rinciannya, atau laporkan ke pengembang."
    ))
