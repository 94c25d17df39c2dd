"""Starting and stopping ``xlpkg serve``: socket, token, browser, private folder.

Owns binding 127.0.0.1 only (the socket is bound here and handed to uvicorn, so
a busy port is a clear Chinese message and ``--port 0`` picks a free one), the
per-launch token in the printed address, opening the browser once the server
listens, and removing the private temp folder however the server stops.
Uvicorn handles Ctrl-C itself (graceful shutdown) and raises it again after;
that is the normal way out and ends in exit code 0.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import sys
import tempfile
import threading
from pathlib import Path

from xlpkg.errors import XlpkgError

HOST = "127.0.0.1"
WORKDIR_PREFIX = "xlpkg-serve-"
# A server killed outright (a Windows console closed, a power cut) leaves its folder;
# one untouched this long belongs to no live server (each upload touches it).
LEFTOVER_AGE = 12 * 3600


def sweep_leftovers(now: float | None = None) -> None:
    """Remove private folders that earlier, killed servers left behind."""
    import time

    now = time.time() if now is None else now
    for folder in Path(tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and \
                    now - folder.stat().st_mtime > LEFTOVER_AGE:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":   # on Windows this flag would let a second server share it
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except (OSError, OverflowError):
        sock.close()
        raise XlpkgError(f"端口 {port} 已被占用或无法使用",
                         "可能已经启动过一次 xlpkg serve；或用 --port 指定其他端口，例如 --port 8766") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


class Server:
    """One launch: ``start()`` in a thread for tests, or ``serve_forever()`` from the CLI."""

    def __init__(self, port: int = 8765, *, max_upload: int | None = None):
        import uvicorn

        from xlpkg.serve.app import Settings, create_app

        self.sock = bind(port)
        self.port = self.sock.getsockname()[1]
        self.token = secrets.token_urlsafe(32)
        sweep_leftovers()
        self.workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
        settings = Settings(port=self.port, token=self.token, workdir=self.workdir)
        if max_upload is not None:
            settings.max_upload = max_upload
        self.settings = settings
        # one user: a few connections at a time, small headers
        config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=5,
                                limit_concurrency=32, h11_max_incomplete_event_size=64 * 1024)
        self.uvicorn = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def serve_forever(self, on_started=None) -> None:
        """Serve until Ctrl-C (or ``stop()``); the private folder is removed after."""
        if on_started is not None:
            threading.Thread(target=self._when_started, args=(on_started,), daemon=True).start()
        try:
            self.uvicorn.run(sockets=[self.sock])
        finally:
            self.close()

    def _when_started(self, callback) -> None:
        import time

        for _ in range(600):
            if self.uvicorn.started or self.uvicorn.should_exit:
                break
            time.sleep(0.05)
        if self.uvicorn.started:
            callback()

    def start(self) -> Server:
        """Serve in a background thread (tests); returns once it listens."""
        import time

        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        for _ in range(200):
            if self.uvicorn.started:
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.close()

    def close(self) -> None:
        self.sock.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def run(port: int = 8765, open_browser: bool = True) -> None:
    """``xlpkg serve``: print the address, open the browser, serve until Ctrl-C."""
    server = Server(port)
    print(f"xlpkg 本地页面已启动：{server.url}", flush=True)
    print("请在浏览器中打开上面的地址（只能在本机访问）；按 Ctrl+C 停止。", flush=True)

    def opened():
        if open_browser:
            import webbrowser

            try:
                webbrowser.open(server.url)
            except (webbrowser.Error, OSError):   # no browser here: the printed address works
                return

    _stop_signals(server)
    try:
        server.serve_forever(on_started=opened)
    except (KeyboardInterrupt, _Terminated):
        pass
    try:
        print("xlpkg 本地页面已停止，上传的临时文件已删除。", flush=True)
    except OSError:   # the terminal window was closed: nobody to tell
        pass


class _Terminated(Exception):
    """SIGTERM, raised again by uvicorn after its graceful shutdown."""


def _stop_signals(server: Server) -> None:
    """Every way a user stops the server ends the graceful way, private folder removed.

    Uvicorn catches Ctrl-C and SIGTERM, shuts down, then raises the signal again
    with the handlers it found: for SIGTERM that must be ours (an exception the
    caller catches), not the default that would kill the process before the
    cleanup. Closing the terminal window (SIGHUP on Kylin/UOS) asks uvicorn to stop.
    """
    import signal

    def terminated(*_):
        raise _Terminated

    try:
        signal.signal(signal.SIGTERM, terminated)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, lambda *_: setattr(server.uvicorn, "should_exit", True))
    except ValueError:   # not the main thread (an embedding program): leave them be
        pass
