"""Faults on a broker of the test's own: a `redis-server` on a free port that a test may stop,
start again or freeze. The shared Redis on 6379 is never touched."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

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
    celery_app.conf.broker_transport_options = {"socket_timeout": 3, "socket_connect_timeout": 2}
    # Drop pooled connections made for the previous address.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (Debian package redis-server; CI installs it).")
    redis = OwnRedis(tmp_path)
    redis.start()
    previous = dict(celery_app.conf.broker_transport_options or {})
    point_celery_at(redis.url)
    yield redis
    redis.stop()
    point_celery_at(None)
    celery_app.conf.broker_transport_options = previous
