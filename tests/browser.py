"""A real headless browser for the tests: Debian's chromium, driven over the DevTools protocol on
a pipe (`--remote-debugging-pipe`: fd 3 in, fd 4 out, NUL-terminated JSON), so no port, driver or
extra package is needed; and a local http.server on 127.0.0.1 to serve an output folder.

`chromium()` skips the test when chromium is not installed, except under CI (environment
variable CI set), where a missing browser is a failure.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import json
import os
import queue
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]


def require_chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} ontbreekt (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; onder CI moet de browsertest draaien")
        pytest.skip(message)
    return CHROMIUM


class Browser:
    """One chromium process and one page (a flattened DevTools session)."""

    def __init__(self, user_data_dir: Path, width: int = 1400, height: int = 1000,
                 timeout: float = 60.0):
        self.timeout = timeout
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # the child's ends as fds >= 10, so "3<&r 4>&w" cannot clobber them (bash, not dash:
        # dash takes one-digit fds only)
        child_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)
        args = " ".join([str(CHROMIUM), *FLAGS, f"--window-size={width},{height}",
                         f"--user-data-dir={user_data_dir}", "--remote-debugging-pipe",
                         "about:blank"])
        self.proc = subprocess.Popen(
            ["/bin/bash", "-c", f"exec {args} 3<&{child_r} 4>&{child_w}"],
            pass_fds=(child_r, child_w), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(child_r)
        os.close(child_w)
        self._out = os.fdopen(to_browser_w, "wb", buffering=0)
        self._in = os.fdopen(from_browser_r, "rb", buffering=0)
        self._next = 0
        self._replies: dict[int, queue.Queue] = {}
        self.events: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        self.send("Page.enable", session=True)
        self.send("Runtime.enable", session=True)

    def _read(self) -> None:
        buffer = b""
        while chunk := self._in.read(65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message and message["id"] in self._replies:
                    self._replies[message["id"]].put(message)
                else:
                    self.events.put(message)

    def send(self, method: str, session: bool = False, **params) -> dict:
        """Send one command and wait for its result; a protocol error raises."""
        with self._lock:
            self._next += 1
            ident = self._next
            self._replies[ident] = queue.Queue()
        message = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._out.write(json.dumps(message).encode() + b"\0")
        try:
            reply = self._replies[ident].get(timeout=self.timeout)
        except queue.Empty:
            raise TimeoutError(f"chromium gaf geen antwoord op {method}") from None
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_for(self, method: str) -> dict:
        while True:
            try:
                event = self.events.get(timeout=self.timeout)
            except queue.Empty:
                raise TimeoutError(f"chromium meldde geen {method}") from None
            if event.get("method") == method:
                return event.get("params", {})

    def open(self, url: str) -> None:
        """Navigate and wait for the load event."""
        result = self.send("Page.navigate", session=True, url=url)
        if result.get("errorText"):
            raise RuntimeError(f"{url}: {result['errorText']}")
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression (a promise is awaited)."""
        result = self.send("Runtime.evaluate", session=True, expression=expression,
                           awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> None:
        import base64

        params = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            size = self.send("Page.getLayoutMetrics", session=True)["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"],
                              "height": min(size["height"], 16000), "scale": 1}
        data = self.send("Page.captureScreenshot", session=True, **params)["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self) -> None:
        with suppress(Exception):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._out.close()
        self._reader.join(timeout=5)  # the browser is gone: its pipe is at end of file
        self._in.close()


@contextmanager
def chromium(tmp: Path, **kwargs) -> Iterator[Browser]:
    require_chromium()
    browser = Browser(tmp / "chromium-profiel", **kwargs)
    try:
        yield browser
    finally:
        browser.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
