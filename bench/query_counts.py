"""Count the SQL queries each key page runs, per persona, on whatever data the database holds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_demo .venv/bin/python bench/query_counts.py [-v]

Seed first (`manage.py seed_demo`, or `seed_scale`). Every request goes through the full
middleware stack with the test client, signed in as the first superintendent, principal and
teacher of the first district. The POSTs run inside a transaction that is rolled back, so the
data stays as it was. `-v` prints every query.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from decisions.models import Decision  # noqa: E402
from districts.models import District, Role, User  # noqa: E402
from principals.models import CheckIn  # noqa: E402
from rounding.models import RoundingVisit  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
VERBOSE = "-v" in sys.argv


class Rollback(Exception):
    pass


def pages(district, principal):
    decision = (
        Decision.objects.filter(district=district)
        .annotate(n=Count("inputs"))
        .order_by("-n", "pk")
        .first()
    )
    open_decision = (
        Decision.objects.filter(district=district, status="open_for_input")
        .annotate(n=Count("inputs"))
        .order_by("-n", "pk")
        .first()
    )
    school = district.schools.order_by("pk").first()
    visit = RoundingVisit.objects.filter(district=district).order_by("-pk").first()
    check_in = (
        CheckIn.objects.filter(pair__principal=principal, status="held")
        .order_by("-scheduled_at", "pk")
        .first()
    )
    yield "affects me", "get", reverse("decisions:affects_me"), None
    yield "decision list", "get", reverse("decisions:list"), None
    if decision:
        yield "decision page", "get", decision.get_absolute_url(), None
    yield "district home", "get", reverse("home"), None
    yield "stoplight report", "get", reverse("rounding:school", args=[school.pk]), None
    yield "rounding coverage", "get", reverse("rounding:coverage"), None
    yield "principals page", "get", reverse("principals:index"), None
    if check_in:
        yield "check-in page", "get", reverse("principals:check_in", args=[check_in.pk]), None
    yield "district dashboard", "get", reverse("insights:dashboard"), None
    own = principal.schools.order_by("pk").first() or school
    yield "school dashboard", "get", reverse("insights:school", args=[own.pk]), None
    if visit:
        yield (
            "POST conversation",
            "post",
            reverse("rounding:conversation_add", args=[visit.pk]),
            {
                "name": "Sam",
                "role_group": "cook",
                "working": "Breakfast is on time.",
            },
        )
    if open_decision:
        yield (
            "POST input",
            "post",
            reverse("decisions:input", args=[open_decision.pk]),
            {"kind": "idea", "text": "Try it for one term first."},
        )


def main():
    district = District.objects.order_by("pk").first()
    personas = {
        role: User.objects.filter(district=district, role=role, is_active=True)
        .exclude(email=None)
        .order_by("pk")
        .first()
        for role in (Role.SUPERINTENDENT, Role.PRINCIPAL, Role.TEACHER)
    }
    rows = []
    for name, method, url, data in pages(district, personas[Role.PRINCIPAL]):
        counts = []
        for _role, user in personas.items():
            client = Client()
            client.force_login(user)
            client.get(url) if method == "get" else None  # warm caches (content types, etc.)
            try:
                with transaction.atomic():
                    with CaptureQueriesContext(connection) as queries:
                        response = getattr(client, method)(url, data)
                    raise Rollback
            except Rollback:
                pass
            counts.append(f"{len(queries):>3} ({response.status_code})")
            if VERBOSE:
                print(f"--- {name} as {user.email}: {len(queries)}")
                for q in queries.captured_queries:
                    print("   ", q["sql"][: int(os.environ.get("QLEN", 400))])
        rows.append((name, *counts))
    print(f"{'page':22} {'superintendent':>15} {'principal':>15} {'teacher':>15}")
    for name, *counts in rows:
        print(f"{name:22} " + " ".join(f"{c:>15}" for c in counts))


if __name__ == "__main__":
    main()
