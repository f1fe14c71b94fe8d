"""Under gunicorn, as `make serve` runs it: requests per second with wrk, and the page weight.

gunicorn with partnercenter/gunicorn_conf.py and persistent connections; wrk, when installed,
for a bounded run per URL; the page weight as Chromium receives it (bench/weight.py).
"""

import os
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

from bench.database import BASE_DIR, BenchError

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(port: int, path: str, cookie: str = "") -> int:
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        return connection.getresponse().status
    finally:
        connection.close()


class Gunicorn:
    def __init__(self, env: dict):
        self.port = free_port()
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}", "GUNICORN_LOG_LEVEL": "warning"}
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "partnercenter/gunicorn_conf.py"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start:\n{self.process.stderr.read()}")
            try:
                if http_status(self.port, "/_hello/") == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError("gunicorn did not answer within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def workers(self) -> str:
        # What partnercenter/gunicorn_conf.py chooses, unless WEB_CONCURRENCY says otherwise.
        return self.env.get("WEB_CONCURRENCY") or str(2 * (os.cpu_count() or 1) + 1)


def wrk(url: str, seconds: int, cookie: str) -> tuple[float, int]:
    """(requests per second, non-2xx/3xx responses) of a bounded wrk run."""
    result = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "5s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    rate, errors = None, 0
    for line in result.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            rate = float(line.split()[1])
        if "Non-2xx or 3xx responses" in line:
            errors = int(line.split()[-1])
    if rate is None:
        raise BenchError(f"no rate in wrk's output:\n{result.stdout}")
    return rate, errors


def page_weight(base_url: str, path: str, cookie_name: str, cookie_value: str):
    from playwright.sync_api import sync_playwright

    from bench.weight import launch_chromium, load_and_measure

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, CHROMIUM)
        try:
            context = browser.new_context()
            context.add_cookies([{"name": cookie_name, "value": cookie_value, "url": base_url}])
            page = context.new_page()
            return load_and_measure(page, base_url + path)
        finally:
            browser.close()
