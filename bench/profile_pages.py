"""Where a key page spends its time, in this process: SQL against Python, and the slowest queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_scale \\
        .venv/bin/python bench/profile_pages.py --ids var/scale.json [--repeat 20] [--page NAME]
        [--queries] [--cprofile [--sort tottime] [--callees NAME]]

Each GET of bench/pages.py's key pages runs --repeat times with Django's test client, signed
in as the same bench person as the benchmark (the POSTs are left out: they write). For each
page it prints the median wall time of a request, the part of it spent waiting on SQL, and the
query count. --queries prints each query with its time; --cprofile the 25 functions with the
most cumulative time. Run it before and after a change to see what the change bought.
"""

import argparse
import cProfile
import os
import pstats
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.pages import demo_ids, key_pages, load_ids, sign_in  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


class SqlTimer:
    """A database execute wrapper that adds up the time spent in each query."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - start, sql))


def measure(client: Client, path: str, repeat: int):
    walls, sqls, last = [], [], None
    for _ in range(repeat):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            response = client.get(path)
            walls.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        sqls.append(sum(t for t, _ in timer.queries))
        last = timer
    return statistics.median(walls), statistics.median(sqls), last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ids", type=Path, default=ROOT / "var" / "scale.json")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--page", help="Only the pages whose name contains this.")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    parser.add_argument("--callees", help="Also print what the functions matching this call.")
    args = parser.parse_args()

    ids = demo_ids() if args.demo else load_ids(args.ids)
    sessions = sign_in(ids["emails"])
    print(f"{'page':32} {'ms':>8} {'sql ms':>8} {'python ms':>10} {'queries':>8}")
    for page in key_pages(ids):
        if page.method != "GET" or (args.page and args.page not in page.name):
            continue
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[page.user]
        client.get(page.path)  # warm up: templates, connection
        wall, sql, timer = measure(client, page.path, args.repeat)
        print(
            f"{page.name:32} {wall * 1000:8.1f} {sql * 1000:8.1f} "
            f"{(wall - sql) * 1000:10.1f} {len(timer.queries):8d}"
        )
        if args.queries:
            for seconds, sql_text in timer.queries:
                print(f"    {seconds * 1000:7.1f} ms  {sql_text[:300]}")
        if args.cprofile:
            profile = cProfile.Profile()
            profile.enable()
            client.get(page.path)
            profile.disable()
            stats = pstats.Stats(profile).sort_stats(args.sort)
            stats.print_stats(25)
            if args.callees:
                stats.print_callees(args.callees)
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=sessions.values()).delete()


if __name__ == "__main__":
    main()
