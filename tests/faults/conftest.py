"""Faults on a broker of the test's own: a `redis-server` on a free port that a test may stop,
start again or freeze. The shared Redis on 6379 is never touched."""

import os
import shutil
import signal
import socket
import socketserver
import subprocess
import threading
import time

import pytest
from django.conf import settings

from config.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    def __init__(self, folder):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.resume()
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def freeze(self) -> None:
        """Connections are still accepted (by the kernel), but nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


def point_celery_at(url: str | None) -> None:
    # CELERY_BROKER_URL in the environment outranks `broker_url`; the read and write
    # addresses outrank both.
    celery_app.conf.broker_read_url = celery_app.conf.broker_write_url = url
    celery_app.conf.broker_transport_options = settings.REDIS_BROKER_OPTIONS
    # Drop pooled connections made for the previous address.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_redis(tmp_path):
    redis = OwnRedis(tmp_path)
    redis.start()
    previous = dict(celery_app.conf.broker_transport_options or {})
    point_celery_at(redis.url)
    yield redis
    redis.stop()
    point_celery_at(None)
    celery_app.conf.broker_transport_options = previous


class SmtpSink:
    """A mail server on loopback that keeps (recipient, subject) of every message it accepts."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 sink\r\n")
                recipient = ""
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        self.wfile.write(b"354 go on\r\n")
                        lines = []
                        while (body := self.rfile.readline()) not in (b".\r\n", b""):
                            lines.append(body.decode(errors="replace"))
                        subject = next(
                            (x[9:].strip() for x in lines if x.lower().startswith("subject: ")), ""
                        )
                        sink.received.append((recipient, subject))
                        self.wfile.write(b"250 kept\r\n")
                    elif verb == b"RCPT":
                        recipient = line.decode().split(":", 1)[1].strip().strip("<>")
                        self.wfile.write(b"250 ok\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture
def publishing(celery_runs_tasks_inline):
    """Tasks go through the broker instead of running inline."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def wait_for(condition, seconds=30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()
