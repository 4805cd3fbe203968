"""Portal load benchmark (issue 15): `infographics serve` (waitress, the production server) on
127.0.0.1 with a built edition, one library account logged in through the outbox link, then the
overview page, a PDF download and the figures CSV at 1, 10 and 50 concurrent clients: p50/p95
latency and requests per second. Bounded: at most `--requests` requests and `--seconds` seconds
per measurement; only 127.0.0.1 is ever contacted. Tests never assert on these figures.

    python bench/bench_portal.py                       # builds a small edition first (~20 s)
    python bench/bench_portal.py --out output          # an edition already built (make demo)
"""

from __future__ import annotations

import argparse
import email
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email import policy
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample"
HOST = "127.0.0.1"  # the only address this benchmark talks to
ACCOUNT = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002, Groningen
SMALL = ["NL", "PV20", "PV23", "PV25", "bib-0002", "bib-0018", "bib-0029"]


def build_small(out: Path) -> None:
    from infographics.cli import main as cli

    status = cli(["build", "--data", str(DATA), "--out", str(out), "--subject", "all",
                  "--level", "all", "--only", *SMALL, "--no-progress"])
    if status != 0:
        raise SystemExit(f"build failed (exit status {status})")
    cli(["bundle", "--data", str(DATA), "--out", str(out)])  # incomplete on purpose: a part


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Session:
    """One logged-in HTTP session (cookie) against the server."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, bytes, http.client.HTTPResponse]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookie = value.split(";", 1)[0]
        conn.close()
        return response.status, data, response


def csrf(html: bytes) -> str:
    found = re.search(rb'name="csrf_token" value="([^"]+)"', html)
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1).decode()


def log_in(port: int, outbox: Path) -> Session:
    """Log in as a person does: the form, the mail in the outbox, the confirm button."""
    s = Session(port)
    _, page, _ = s.request("GET", "/login")
    s.request("POST", "/login", {"email": ACCOUNT, "csrf_token": csrf(page)})
    deadline = time.monotonic() + 30  # the mail is written by the login worker, after the answer
    while not list(outbox.glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.05)
    mail = email.message_from_bytes(sorted(outbox.glob("*.eml"))[-1].read_bytes(),
                                    policy=policy.default)
    link = re.search(r"/login/bevestigen\?token=[A-Za-z0-9_-]+",
                     mail.get_body(("plain",)).get_content())
    if not link:
        raise SystemExit("no login link in the outbox")
    _, page, _ = s.request("GET", link.group(0))
    token = re.search(rb'name="token" value="([^"]+)"', page)
    status, _, _ = s.request("POST", "/login/bevestigen",
                             {"token": token.group(1).decode() if token else "",
                              "csrf_token": csrf(page)})
    if status != 303:
        raise SystemExit(f"login failed ({status})")
    return s


def measure(port: int, cookie: str, path: str, clients: int, limit: int,
            seconds: float) -> tuple[list[float], int, float]:
    """`clients` threads, each on its own keep-alive connection, requesting `path` until
    `limit` requests were made or `seconds` passed: latencies (s), errors, wall time."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    left = [limit]
    deadline = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            elapsed = time.perf_counter() - t
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 \
        else values[0]


def serve(out: Path, tmp: Path, port: int, threads: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, INFOGRAPHICS_PORTAAL_DB=str(tmp / "db" / "portaal.sqlite"),
               PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-m", "infographics", "serve", "--data", str(DATA), "--out", str(out),
         "--host", HOST, "--port", str(port), "--mail-outbox", str(tmp / "outbox"),
         "--threads", str(threads)], env=env, stderr=subprocess.DEVNULL)


def wait_until_up(port: int, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped (exit status {proc.returncode})")
        try:
            if Session(port).request("GET", "/login")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up")


def wait_for_thumbnails(folder: Path, quiet: float, most: float = 600) -> None:
    """The server draws every page's thumbnail at start: wait until no new one appeared for
    `quiet` seconds (at most `most`), so the measurements do not share the CPU with that."""
    deadline = time.monotonic() + most
    count, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len(list(folder.glob("*.png"))) if folder.exists() else 0
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.5)


def run(out: Path, tmp: Path, args: argparse.Namespace) -> None:
    port = free_port()
    proc = serve(out, tmp, port, args.threads)
    try:
        wait_until_up(port, proc)
        session = log_in(port, tmp / "outbox")
        _, overview, _ = session.request("GET", "/")
        ids = re.findall(rb'href="/bestand/([0-9a-f]{24})"', overview)
        if not ids:
            raise SystemExit("no files on the overview")
        pdf = f"/bestand/{ids[0].decode()}?download=1"
        size = len(session.request("GET", pdf)[1])
        wait_for_thumbnails(tmp / "db" / "portaal-miniaturen", args.warmup)
        print(f"waitress, {args.threads} threads; {out}; PDF of {size / 1000:.0f} kB")
        print(f"{'what':<12}{'clients':>8}{'requests':>10}{'errors':>8}{'p50 ms':>9}"
              f"{'p95 ms':>9}{'req/s':>8}")
        for name, path in (("overview", "/"), ("pdf", pdf), ("figures csv", "/cijfers.csv")):
            for clients in args.clients:
                lat, errors, wall = measure(port, session.cookie, path, clients,
                                            args.requests, args.seconds)
                print(f"{name:<12}{clients:>8}{len(lat):>10}{errors:>8}"
                      f"{percentile(lat, 50) * 1000:>9.1f}{percentile(lat, 95) * 1000:>9.1f}"
                      f"{len(lat) / wall:>8.0f}", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="a built edition (default: build a small one)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--requests", type=int, default=1000,
                        help="at most this many requests per measurement")
    parser.add_argument("--seconds", type=float, default=20, help="at most this long each")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="seconds without a new thumbnail before measuring")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        out = args.out
        if out is None:
            out = tmp / "output"
            build_small(out)
        run(out.resolve(), tmp, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
