"""Benchmark the key pages next to a baseline page, served by gunicorn as in production.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_scale \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/pages.py --ids var/scale.json

    # or against the demo data (manage.py seed_demo):
    .venv/bin/python bench/pages.py --demo

What it does, in order:
1. Finds the bench people and rows: from the JSON file of `manage.py seed_scale` (--ids,
   default var/scale.json), or with --demo from the seed_demo data.
2. Creates a signed-in session for each bench person (Django's SessionStore with the auth keys,
   exactly what a sign-in stores) and a CSRF token for the POSTs, and an API token each for
   the JSON API's lists (sent as `Authorization: Bearer`; deleted at the end).
3. Counts the queries of each page in this process, with Django's test Client and
   CaptureQueriesContext against the same database, and checks each page answers as expected
   (a GET 200; a POST 302, the redirect after a save: a form error would be a 200).
4. Starts gunicorn as in production (DEBUG off, PostgreSQL, Redis broker, persistent database
   connections, sync workers) on a free port of 127.0.0.1 and waits for /healthz.
5. Runs wrk from this second process over loopback, page after page: the baseline first, the
   key pages, the two POSTs, the baseline again (with --interleave, after every page). Each
   page is warmed up first with one connection per worker. bench/page.lua counts the status
   codes; any response other than the expected one is an error. When a page is so slow that
   requests wrk gave up on still hold the workers, gunicorn is restarted before the next page.
6. Prints the markdown table (also written to var/bench.md) and flags every page that misses
   a target: requests/s at least 0.5x the baseline's, p95 at most 3x, at most 12 queries.
   The sessions it created are deleted at the end; gunicorn is stopped.

The database must be PostgreSQL and the broker Redis. Use a database you may write to: the
POST benchmarks add named input to one open decision and conversations to one rounding visit.
"""

import argparse
import datetime
import json
import os
import shlex
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import (  # noqa: E402
    MAX_P95_RATIO,
    MAX_QUERIES,
    MIN_RPS_RATIO,
    Result,
    combine_baselines,
    missing,
    nearby_baselines,
    parse_wrk,
    status_mix,
    table,
)
from bench.server import WRK, Server, run_wrk  # noqa: E402

ROLES = ("teacher", "superintendent", "principal", "supervisor")
SCALE_EMAILS = {role: f"bench-{role}@scale.example" for role in ROLES}
# The input the POST benchmark gives starts with these words, so --demo can tell it apart.
INPUT_TEXT = "Benchmark input: try it with one grade first, then decide."


@dataclass
class Page:
    name: str
    path: str
    user: str  # one of ROLES
    method: str = "GET"
    data: dict[str, str] = field(default_factory=dict)
    expected: tuple[int, ...] = (200,)
    # An API page: sent with the person's API token (Authorization: Bearer), no session.
    bearer: bool = False

    @property
    def body(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self.data)


def key_pages(ids: dict) -> list[Page]:
    """The baseline and the key pages of issue 6, with who opens them."""
    return [
        Page("baseline", "/baseline/", "teacher"),
        Page("affects me (teacher)", "/decisions/affects-me/", "teacher"),
        Page("decision page", f"/decisions/{ids['decision_id']}/", "superintendent"),
        Page("decision list", "/decisions/", "superintendent"),
        Page("district home", "/", "superintendent"),
        Page("stoplight report", f"/rounding/stoplight/{ids['school_id']}/", "principal"),
        Page("rounding coverage", "/rounding/coverage/", "superintendent"),
        Page("rounding visit", f"/rounding/visits/{ids['visit_id']}/", "superintendent"),
        Page("pre-visit briefing", f"/rounding/briefing/{ids['school_id']}/", "superintendent"),
        Page("principals (supervisor)", "/check-ins/", "supervisor"),
        Page("check-in page", f"/check-ins/{ids['check_in_id']}/", "supervisor"),
        Page("district dashboard", "/insights/", "superintendent"),
        Page("school dashboard", f"/insights/schools/{ids['school_id']}/", "principal"),
        Page("themes across sources", "/insights/themes/", "superintendent"),
        Page("participation equity", "/insights/participation/", "superintendent"),
        Page("decision health", "/insights/decision-health/", "superintendent"),
        Page("decision flow", "/insights/decision-flow/", "superintendent"),
        Page("bottlenecks", "/insights/bottlenecks/", "superintendent"),
        Page("the journey", "/insights/journey/", "superintendent"),
        Page("journey report", "/insights/journey/report/", "superintendent"),
        Page(
            "POST rounding conversation",
            f"/rounding/visits/{ids['visit_id']}/conversations/",
            "superintendent",
            method="POST",
            data={
                "person": "",
                "name": "Bench visitor",
                "role_group": "teacher",
                "working": "The new reading corner is used every morning.",
                "concerns": "Copier queue before first period.",
            },
            expected=(302,),
        ),
        Page(
            "POST give input",
            f"/decisions/{ids['input_decision_id']}/input/",
            "teacher",
            method="POST",
            data={"kind": "idea", "text": INPUT_TEXT},
            expected=(302,),
        ),
        *api_pages(ids),
    ]


def api_pages(ids: dict) -> list[Page]:
    """The JSON API's lists (issue 16), a page of 25 rows each, with an API token."""
    api = "/api/v1"
    return [
        Page("API decisions", f"{api}/decisions", "superintendent", bearer=True),
        Page(
            "API input",
            f"{api}/decisions/{ids['decision_id']}/input",
            "superintendent",
            bearer=True,
        ),
        Page("API visits", f"{api}/visits", "superintendent", bearer=True),
        Page("API follow-ups", f"{api}/follow-ups", "principal", bearer=True),
        Page("API check-ins", f"{api}/check-ins", "supervisor", bearer=True),
        Page("API people", f"{api}/people", "teacher", bearer=True),
    ]


# ----- finding the bench people and rows


def load_ids(path: Path) -> dict:
    """The ids and e-mails of `manage.py seed_scale`, completed with what can be looked up."""
    data = json.loads(path.read_text())
    emails = dict(SCALE_EMAILS)
    found = data.get("emails")
    if isinstance(found, dict):
        emails.update({role: found[role] for role in ROLES if role in found})
    elif isinstance(found, list):
        for email in found:
            for role in ROLES:
                if email.startswith(f"bench-{role}@"):
                    emails[role] = email
    for role in ROLES:
        if f"{role}_email" in data:
            emails[role] = data[f"{role}_email"]
    ids = {key: data[key] for key in data if key.endswith("_id")}
    ids["emails"] = emails
    return complete_ids(ids)


def demo_ids() -> dict:
    """Equivalents in the seed_demo data: Cedar Valley's people, its busiest rows."""
    from django.db.models import Count, Q

    from districts.models import User
    from principals.models import CheckIn, CheckInPair

    principal = User.objects.get(email="principal@cedarvalley.example")
    pair = (
        CheckInPair.objects.filter(principal=principal, active=True)
        .select_related("supervisor")
        .first()
    )
    if pair is None:
        raise SystemExit("The demo principal has no check-in pair: run manage.py seed_demo.")
    from decisions.models import Decision

    # The decision with the most input, not counting what earlier benchmark runs gave.
    decision = (
        Decision.objects.filter(district_id=principal.district_id)
        .annotate(n=Count("inputs", filter=~Q(inputs__text=INPUT_TEXT)))
        .order_by("-n", "pk")
        .first()
    )
    check_in = (
        CheckIn.objects.filter(pair=pair, scheduled_at__lte=now()).order_by("-scheduled_at").first()
    ) or CheckIn.objects.filter(pair=pair).order_by("scheduled_at").first()
    ids = {
        "district_id": principal.district_id,
        "school_id": pair.school_id,
        "decision_id": decision.pk,
        "check_in_id": check_in.pk,
        "pair_id": pair.pk,
        "emails": {
            "teacher": "teacher@cedarvalley.example",
            "superintendent": "superintendent@cedarvalley.example",
            "principal": principal.email,
            "supervisor": pair.supervisor.email,
        },
    }
    return complete_ids(ids)


def complete_ids(ids: dict) -> dict:
    """Add the two rows the POSTs write to, when the ids file does not name them.

    visit_id: the latest rounding visit at the school (else in the district).
    input_decision_id: a decision open for input that the teacher sees, other than the decision
    page's one, so that the measured page keeps its input count.
    """
    from django.db.models import Q

    from decisions.models import Decision, Status
    from districts.models import User
    from rounding.models import RoundingVisit

    district_id = ids["district_id"]
    if "visit_id" not in ids:
        visits = RoundingVisit.objects.filter(district_id=district_id).order_by("-date", "-pk")
        visit = visits.filter(school_id=ids["school_id"]).first() or visits.first()
        if visit is None:
            raise SystemExit("No rounding visit in the district for the conversation POST.")
        ids["visit_id"] = visit.pk
    if "input_decision_id" not in ids:
        teacher = User.objects.get(email__iexact=ids["emails"]["teacher"])
        t = now()
        open_now = (
            Decision.objects.visible_to(teacher)
            .filter(status=Status.OPEN_FOR_INPUT, input_opens__lte=t)
            .filter(Q(input_closes__isnull=True) | Q(input_closes__gt=t))
        )
        choice = (
            open_now.exclude(pk=ids["decision_id"]).order_by("pk").first()
            or open_now.filter(pk=ids["decision_id"]).first()
        )
        if choice is None:
            raise SystemExit("No decision open for input that the teacher may answer.")
        ids["input_decision_id"] = choice.pk
    return ids


def now():
    from django.utils import timezone

    return timezone.now()


# ----- sessions


def sign_in(emails: dict) -> dict[str, str]:
    """A session per bench person, stored as a sign-in stores it; returns role → session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.sessions.backends.db import SessionStore

    from districts.models import User

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        raise SystemExit(f"Expected database sessions, not {settings.SESSION_ENGINE}.")
    # The backend that signs people in (the first one only refuses locked-out sign-ins).
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    keys = {}
    for role, email in emails.items():
        user = User.objects.get(email__iexact=email)
        session = SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[role] = session.session_key
    return keys


def sign_out(keys: dict[str, str]) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys.values()).delete()


BENCH_TOKEN_NAME = "bench/pages.py"


def api_tokens(emails: dict) -> dict[str, str]:
    """An API token per bench person, for the API pages; returns role → token."""
    from api.models import ApiToken
    from districts.models import User

    tokens = {}
    for role, email in emails.items():
        user = User.objects.get(email__iexact=email)
        tokens[role] = ApiToken.issue(user=user, name=BENCH_TOKEN_NAME)[1]
    return tokens


def drop_api_tokens(tokens: dict[str, str]) -> None:
    from api.models import ApiToken, token_hash

    ApiToken.objects.filter(key_hash__in=[token_hash(t) for t in tokens.values()]).delete()


def credential(page: Page, keys: dict[str, str], tokens: dict[str, str]) -> str:
    return tokens[page.user] if page.bearer else keys[page.user]


def csrf_secret() -> str:
    from django.utils.crypto import get_random_string

    return get_random_string(32)


def headers_for(page: Page, session_key: str, csrf: str) -> list[str]:
    """wrk's -H lines; for an API page `session_key` is the person's API token."""
    if page.bearer:
        return [f"Authorization: Bearer {session_key}"]
    cookie = f"sessionid={session_key}"
    headers = []
    if page.method == "POST":
        cookie += f"; csrftoken={csrf}"
        headers += [
            f"X-CSRFToken: {csrf}",
            "Content-Type: application/x-www-form-urlencoded",
        ]
    return [f"Cookie: {cookie}", *headers]


# ----- queries per request, in process


def count_queries(
    pages: list[Page], keys: dict[str, str], tokens: dict[str, str]
) -> tuple[dict[str, int], dict[str, float]]:
    """Each page's queries and milliseconds in process, from the second request (the first warms
    caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts, times = {}, {}
    for page in pages:
        if page.bearer:
            client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {tokens[page.user]}")
        else:
            client = Client(HTTP_HOST="127.0.0.1")
            client.cookies["sessionid"] = keys[page.user]
        send = client.post if page.method == "POST" else client.get
        send(page.path, page.data) if page.method == "POST" else send(page.path)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = send(page.path, page.data) if page.method == "POST" else send(page.path)
        times[page.name] = (time.perf_counter() - started) * 1000
        if response.status_code not in page.expected:
            raise SystemExit(
                f"{page.name}: {page.method} {page.path} as the {page.user} answered "
                f"{response.status_code}"
                + (f" (to {response['Location']})" if response.has_header("Location") else "")
                + f", expected {page.expected}. Check the ids, and that nobody re-seeded "
                "the database or changed the bench people's passwords meanwhile."
            )
        counts[page.name] = len(queries)
        print(f"  {page.name:28} {len(queries):3} queries  {times[page.name]:9.1f} ms", flush=True)
    return counts, times


# ----- the run


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds per page")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (-c)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--only", default="", help="comma-separated page names (or parts)")
    parser.add_argument("--ids", default=str(ROOT / "var" / "scale.json"), help="seed_scale ids")
    parser.add_argument("--demo", action="store_true", help="use the seed_demo data instead")
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="measure the baseline again after every page; each page is compared with the two "
        "baseline samples around it (steadier on a shared machine, twice as long)",
    )
    parser.add_argument("--output", default=str(ROOT / "var" / "bench.md"))
    return parser.parse_args(argv)


def select(pages: list[Page], only: str) -> list[Page]:
    """The baseline always; the others filtered by --only (any part of the name matches)."""
    wanted = [w.strip().lower() for w in only.split(",") if w.strip()]
    if not wanted:
        return pages
    return [p for p in pages if p.name == "baseline" or any(w in p.name.lower() for w in wanted)]


def check_environment() -> None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if not engine.endswith("postgresql"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (postgres://...).")
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        raise SystemExit("Set CELERY_BROKER_URL to Redis (redis://127.0.0.1:6379/7).")
    if not Path(WRK).exists():
        raise SystemExit(f"{WRK} is missing: apt-get install wrk")


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    check_environment()

    ids = demo_ids() if args.demo else load_ids(Path(args.ids))
    pages = select(key_pages(ids), args.only)
    baseline_page, others = pages[0], pages[1:]
    dataset = "seed_demo" if args.demo else args.ids
    print(f"Dataset {dataset}: {json.dumps({k: v for k, v in ids.items() if k != 'emails'})}")

    load = [os.getloadavg()[0]]
    keys = sign_in(ids["emails"])
    tokens = api_tokens(ids["emails"])
    csrf = csrf_secret()
    log = ROOT / "var" / "bench-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    server = Server(args.workers, log)
    stuck: list[str] = []
    # A plain `kill` ends the run like Ctrl-C does: gunicorn stopped, sessions deleted.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        print("Counting queries in process ...", flush=True)
        queries, in_process = count_queries(pages, keys, tokens)
        from django.db import connection

        connection.close()  # nothing of ours stays open while gunicorn runs

        server.start()
        print(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{server.port}", flush=True)

        def measure(page: Page) -> Result:
            header_lines = headers_for(page, credential(page, keys, tokens), csrf)
            # Long enough for the requests still running when wrk stops to end.
            patience = min(60.0, 5 + 2 * in_process[page.name] / 1000)
            if args.warmup:
                # One connection per worker: warm, without a queue left behind for the run.
                run_wrk(
                    page,
                    server.port,
                    header_lines,
                    duration=args.warmup,
                    connections=min(args.workers, args.connections),
                )
                server.settle(patience)
            output = run_wrk(
                page,
                server.port,
                header_lines,
                duration=args.duration,
                connections=args.connections,
            )
            result = parse_wrk(page.name, output)
            result.queries = queries[page.name]
            print(
                f"  {page.name:28} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  "
                f"p95 {result.p95_ms:7.1f} ms  {result.queries:3} queries  "
                f"[{status_mix(result)}]",
                flush=True,
            )
            if server.settle(patience):
                stuck.append(page.name)
                print("  (requests still held the workers: gunicorn restarted)", flush=True)
            return result

        samples = [measure(baseline_page)]
        results = []
        for page in others:
            results.append(measure(page))
            if args.interleave:
                samples.append(measure(baseline_page))
        if not args.interleave or not others:
            samples.append(measure(baseline_page))
    finally:
        load.append(os.getloadavg()[0])
        server.stop()
        sign_out(keys)
        drop_api_tokens(tokens)

    baseline = combine_baselines(samples)
    nearby = nearby_baselines(results, samples) if args.interleave else {}
    report = render(
        args, argv, dataset, baseline, samples, results, nearby, load, in_process, stuck
    )
    print()
    print(report)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report + "\n")
    print(f"Written to {output}")
    return 1 if missing(results, baseline, nearby) else 0


def render(args, argv, dataset, baseline, samples, results, nearby, load, in_process, stuck) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]["NAME"]
    command = " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Benchmark of {stamp}: database `{db}` ({dataset}), gunicorn {args.workers} sync "
        f"workers, wrk -t{min(2, args.connections)} -c{args.connections} -d{args.duration}s "
        f"per page after {args.warmup}s of warm-up, {os.cpu_count()} CPU cores "
        f"(load average {load[0]:.1f} at the start, {load[-1]:.1f} at the end).",
        f"Command: `.venv/bin/python bench/pages.py {command}`",
        "",
        table(results, baseline, nearby),
        "",
        (
            "Baseline measured before each page and at the end"
            if nearby
            else "Baseline measured first and last"
        )
        + ": "
        + ", ".join(f"{s.rps:.1f} req/s, p95 {s.p95_ms:.1f} ms" for s in samples)
        + "; the row shows their mean"
        + (
            "; each page's ratios are to the two samples around it."
            if nearby
            else ", and the ratios are to it."
        ),
        f"Targets: requests/s at least {MIN_RPS_RATIO}x the baseline's, p95 at most "
        f"{MAX_P95_RATIO:g}x, at most {MAX_QUERIES} queries per request, no errors.",
    ]
    misses = missing(results, baseline, nearby)
    if misses:
        lines.append("")
        lines.append("Pages missing a target:")
        lines += [f"- {page}: {'; '.join(found)}" for page, found in misses.items()]
    else:
        lines.append("Every page meets the targets.")
    if stuck:
        lines.append("")
        lines.append(
            "Requests wrk had given up on still held the workers after: "
            + ", ".join(stuck)
            + "; gunicorn was restarted before the next page."
        )
    lines.append("")
    lines.append("Status codes seen by wrk, and one request's time in process (test Client):")
    lines += [
        f"- {r.page}: {status_mix(r)}; {in_process.get(r.page, 0):.1f} ms in process"
        for r in [baseline, *results]
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
