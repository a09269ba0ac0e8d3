"""Every main page each role reaches reads in Spanish: no English message of the project's own.

"The project's own English" is every msgid of the Spanish catalogue: a page rendered in Spanish
that still holds one of them shows a text that escaped translation (a string formatted before
the language was known, a template outside the catalogue, a notice written in English).
"""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from decisions.models import Decision
from districts.models import District, Role, School, User
from rounding.models import RoundingVisit

from .test_spanish import COMPILED, compiled

pytestmark = pytest.mark.django_db

PIECES = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w+\}|<[^>]*>|&\w+;|[“”«»]")
HISTORY = re.compile(r'<ol class="history timeline">.*?</ol>', re.S)
QUOTED = re.compile(r"“[^”]*”|«[^»]*»")
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def english_messages() -> set[str]:
    """Literal runs of the catalogue's English of at least three words (fewer match by chance)."""
    found = set()
    for key in compiled(COMPILED):
        english = key[0] if isinstance(key, tuple) else key
        if not english:
            continue
        # Examples in quotes ("For example “Grade 4, room 12”") are what people write: data.
        english = QUOTED.sub("\x00", english.split("\x04")[-1])
        for run in PIECES.split(english):
            run = " ".join(run.split()).strip(" ,.;:()—–-")
            if len(run.split()) >= 3:
                found.add(run)
    return found


def page_text(body: str) -> str:
    # A decision's history keeps the words it was written in (the issue asks for that).
    body = HISTORY.sub(" ", body)
    return " ".join(html.unescape(TAGS.sub(" ", body)).split())


@pytest.fixture(scope="module")
def english():
    return english_messages()


@pytest.fixture
def demo(db, settings):
    # Spanish as the default: the demo's people have not chosen, so their notices (written
    # as the demo is seeded) are in the default language, like their pages.
    settings.LANGUAGE_CODE = "es"
    call_command("seed_demo", "--password", "demo-password-1", stdout=StringIO())
    return District.objects.order_by("pk").first()


def pages_for(user: User, district: District) -> list[str]:
    school = user.schools.order_by("pk").first() or School.objects.filter(district=district).first()
    decision = Decision.objects.visible_to(user).order_by("pk").first()
    visit = RoundingVisit.objects.filter(district=district).order_by("pk").first()
    everyone = [
        reverse("home"),
        reverse("decisions:list"),
        reverse("decisions:affects_me"),
        reverse("decisions:my_input"),
        reverse("districts:purpose"),
        reverse("districts:schools"),
        reverse("districts:school", args=[school.pk]),
        reverse("rounding:celebrations"),
        reverse("rounding:school_celebrations", args=[school.pk]),
        reverse("rounding:school", args=[school.pk]),
        reverse("notifications:inbox"),
    ]
    staff = [
        reverse("districts:people"),
        reverse("districts:teams"),
        reverse("districts:codes"),
        reverse("decisions:rights"),
        reverse("decisions:principles"),
    ]
    leaders = [
        reverse("decisions:flagged"),
        reverse("decisions:create"),
        reverse("rounding:visits"),
        reverse("rounding:visit", args=[visit.pk]),
        reverse("rounding:coverage"),
        reverse("rounding:themes"),
        reverse("principals:index"),
        reverse("insights:dashboard"),
        reverse("insights:themes"),
        reverse("insights:participation"),
        reverse("insights:health"),
        reverse("administration:index"),
        reverse("administration:people"),
    ]
    everyone += [reverse("decisions:detail", args=[decision.pk])] if decision else []
    if user.role in (Role.SUPERINTENDENT, Role.DISTRICT_LEADER):
        return everyone + staff + leaders
    if user.role in (Role.PRINCIPAL, Role.TEACHER, Role.TEACHER_LEADER, Role.STAFF):
        return everyone + staff
    return everyone


def english_on(client, url: str, english: set[str]) -> list[str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    if response.status_code != 200:
        return []
    text = page_text(response.content.decode())
    return sorted(message for message in english if message in text)


def test_every_main_page_of_every_role_reads_in_spanish(demo, client, english):
    roles = {}
    for person in User.objects.filter(district=demo, is_active=True).exclude(email=None):
        roles.setdefault(person.role, person)
    left = {}
    for person in roles.values():
        client.force_login(person)
        for url in pages_for(person, demo):
            if found := english_on(client, url, english):
                left[f"{person.role} {url}"] = found
    assert not left, "\n".join(f"{page}: {found}" for page, found in left.items())


def test_the_public_pages_read_in_spanish_before_signing_in(demo, client, english):
    pages = [
        reverse("login"),
        reverse("password_reset"),
        reverse("decisions:public", args=[demo.slug]),
    ]
    left = {url: found for url in pages if (found := english_on(client, url, english))}
    assert not left, "\n".join(f"{page}: {found}" for page, found in left.items())
