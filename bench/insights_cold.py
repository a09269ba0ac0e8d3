"""The insights pages with their figures counted afresh: the time a reader waits when the cache
holding a leader's trends figures is cold (the first view, or one after ten minutes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_scale \\
        .venv/bin/python bench/insights_cold.py --ids var/scale.json [--repeat 5] [--page NAME]
        [--queries] [--explain]

Signed in as the scale dataset's superintendent, each page is opened --repeat times with
Django's test client, the cache cleared before each view. For each page it prints the median
wall time, the part of it spent waiting on SQL, and the query count. --queries prints each
query of the last view with its time; --explain runs EXPLAIN ANALYZE on the queries of the last
view that took 50 ms or more.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.pages import load_ids, sign_in  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]

PAGES = [
    ("district dashboard", "/insights/"),
    ("themes across sources", "/insights/themes/"),
    ("participation equity", "/insights/participation/"),
    ("participation, 12 months", "/insights/participation/?months=12"),
    ("decision health", "/insights/decision-health/"),
]
SLOW_MS = 50


class SqlTimer:
    """A database execute wrapper keeping each query, its parameters and its time."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - start, sql, params))


def measure(client: Client, path: str, repeat: int):
    walls, sqls, last = [], [], None
    for _ in range(repeat):
        cache.clear()
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            response = client.get(path)
            walls.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        sqls.append(sum(t for t, _sql, _params in timer.queries))
        last = timer
    return statistics.median(walls), statistics.median(sqls), last


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ids", type=Path, default=ROOT / "var" / "scale.json")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page", help="Only the pages whose name contains this.")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    sessions = sign_in({"superintendent": load_ids(args.ids)["emails"]["superintendent"]})
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions["superintendent"]
    print(f"{'page (cache cleared)':28} {'ms':>8} {'sql ms':>8} {'python ms':>10} {'queries':>8}")
    try:
        for name, path in PAGES:
            if args.page and args.page not in name:
                continue
            client.get(path)  # warm up: templates, connection, the database's own caches
            wall, sql, timer = measure(client, path, args.repeat)
            print(
                f"{name:28} {wall * 1000:8.1f} {sql * 1000:8.1f} "
                f"{(wall - sql) * 1000:10.1f} {len(timer.queries):8d}"
            )
            for seconds, sql_text, params in timer.queries:
                if args.queries:
                    print(f"    {seconds * 1000:7.1f} ms  {sql_text[:300]}")
                if args.explain and seconds * 1000 >= SLOW_MS and connection.vendor == "postgresql":
                    print(
                        f"\n--- {seconds * 1000:.1f} ms\n{sql_text}\n{explain(sql_text, params)}\n"
                    )
    finally:
        from django.contrib.sessions.models import Session

        Session.objects.filter(session_key__in=sessions.values()).delete()


if __name__ == "__main__":
    main()
