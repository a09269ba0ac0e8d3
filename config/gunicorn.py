"""gunicorn for production: `gunicorn -c config/gunicorn.py config.wsgi:application`.

Threaded workers, so that requests held by one slow dependency (a database lock, a stalled
broker for its two-second timeout) leave the other threads and workers serving. Override with
GUNICORN_WORKERS and GUNICORN_THREADS.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from config.logfilters import redact

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A request that runs longer than this is stuck: the worker is replaced.
timeout = 30
graceful_timeout = 30
keepalive = 5
accesslog = "-"


class RedactingLogger(Logger):
    """The access log hides the secret part of an invitation, password reset or calendar
    address, wherever the line format puts it (request line, path, referrer)."""

    def atoms(self, resp, req, environ, request_time):
        found = super().atoms(resp, req, environ, request_time)
        return {name: redact(v) if isinstance(v, str) else v for name, v in found.items()}


logger_class = RedactingLogger
