"""The server and the load of the page benchmark: gunicorn as in production, and wrk."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRK = "/usr/bin/wrk"
LUA = ROOT / "bench" / "page.lua"


# ----- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as in production, on a free port of 127.0.0.1; restarted when a page leaves it stuck."""

    def __init__(self, workers: int, log: Path):
        self.workers, self.log = workers, log
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.restarts = 0

    def start(self) -> None:
        from django.conf import settings

        self.port = free_port()
        env = dict(os.environ)
        env.update(
            DEBUG="0",
            SECRET_KEY=settings.SECRET_KEY,  # the sessions created here must verify there
            CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "600"),
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="config.settings",
            # The API's rate limit would answer 429 to wrk well before the server is busy;
            # the limit is still checked on every request (its cache reads are measured).
            API_RATE_LIMIT=os.environ.get("API_RATE_LIMIT", "1000000/s"),
        )
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(self.log),
            # The control socket's default path is shared by every gunicorn of this user.
            "--no-control-socket",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        self.wait_healthy()

    def healthy(self, timeout: float) -> bool:
        url = f"http://127.0.0.1:{self.port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            if self.healthy(timeout=2):
                return
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def settle(self, patience: float = 5) -> bool:
        """After a page: if requests wrk gave up on still hold the workers, start afresh.

        Otherwise the next page would wait behind them. Returns whether it restarted.
        """
        if self.healthy(timeout=patience):
            return False
        self.stop()
        self.start()
        self.restarts += 1
        return True

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ----- wrk


def run_wrk(page, port: int, header_lines: list[str], *, duration: int, connections: int) -> str:
    threads = min(2, connections)
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    # As long as gunicorn's worker timeout: a slower request is an error either way.
    command += ["--timeout", "30s"]
    for header in header_lines:
        command += ["-H", header]
    command += ["-s", str(LUA), f"http://127.0.0.1:{port}{page.path}", "--"]
    command += [page.method, ",".join(str(code) for code in page.expected), page.body]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed on {page.name}:\n{done.stdout}\n{done.stderr}")
    return done.stdout
