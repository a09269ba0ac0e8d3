"""No live secret in any screen, export, log or admin.

Invitation and password reset links, API tokens and calendar addresses are shown once, to the
person they are for, and kept only as digests. These tests plant one of each, then look for
them everywhere a platform operator, a district leader or a log reader could.
"""

import datetime
import logging
import re
from io import StringIO
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import Decision, Visibility
from districts.models import Role, User
from notifications import outbox
from notifications.models import Email, Notification
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

INVITATION = re.compile(r"https?://[^/\s]+/invitation/([^/\s]+)/")
RESET = re.compile(r"https?://[^/\s]+/accounts/reset/[^/\s]+/([^/\s]+)/")
CALENDAR = re.compile(r"/check-ins/calendar/([^/\s\"<]+)\.ics")
TREND_EXPORTS = {
    "insights:themes": ("months", "schools", "chart"),
    "insights:participation": ("input", "met", "consulted"),
    "insights:health": ("terms",),
}
EXPORT_LINK = re.compile(r'href="([^"]*(?:\.csv|export=)[^"]*)"')


def last_mail_to(address: str) -> str:
    return [m for m in mail.outbox if m.to == [address]][-1].body


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("ops@platform.example", "a-long-admin-password")


@pytest.fixture
def invited(district, school):
    person = make_person(district, Role.TEACHER, "Nia Cole", None, [school])
    person.email = "nia@cedar.example"
    person.save()
    return person


@pytest.fixture
def planted(
    client,
    superintendent,
    principal,
    teacher,
    invited,
    team,
    caplog,
    django_capture_on_commit_callbacks,
):
    """One live secret of each kind, made the way people make them, and each used once."""
    caplog.set_level(logging.DEBUG)
    superintendent.is_district_admin = True
    superintendent.save()
    client.force_login(superintendent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("administration:person_invite", args=[invited.pk]))
    client.logout()
    invitation = INVITATION.search(last_mail_to(invited.email)).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": teacher.email})
    reset = RESET.search(last_mail_to(teacher.email)).group(1)

    client.force_login(principal)
    api = client.post(reverse("api:tokens"), {"name": "weekly report"}).context["secret"]
    page = client.post("/check-ins/calendar/", {"action": "reset"}, follow=True)
    calendar = CALENDAR.search(page.content.decode()).group(1)
    client.logout()

    # Each works, and the requests that use them are in the logs caplog reads.
    assert client.get(f"/invitation/{invitation}/").status_code == 302
    assert client.get(f"/check-ins/calendar/{calendar}.ics").status_code == 200
    api_answer = client.get("/api/v1/decisions", HTTP_AUTHORIZATION=f"Bearer {api}")
    assert api_answer.status_code == 200
    uid = RESET.search(last_mail_to(teacher.email)).group(0).split("/")[-3]
    assert client.get(f"/accounts/reset/{uid}/{reset}/").status_code == 302
    client.logout()

    now = timezone.now()
    decision = decision_services.decision_create(
        district=superintendent.district,
        by=superintendent,
        title="Later start for the middle schools",
        context="Buses, sleep and first period.",
        owning_team=team,
        visibility=Visibility.DISTRICT,
        stakeholders=[],
        domain="schedule",
        process_type="consent",
        input_opens=now - datetime.timedelta(days=1),
        input_closes=now + datetime.timedelta(days=5),
    )
    decision_services.decision_open_input(decision=decision, by=superintendent)
    decision_services.input_give(decision=decision, by=superintendent, kind="idea", text="Yes")
    return {"invitation": invitation, "password reset": reset, "API": api, "calendar": calendar}


def leaks(response, secrets: dict[str, str]) -> list[str]:
    text = response.content.decode(errors="replace") + " ".join(
        f"{name}: {value}" for name, value in response.items()
    )
    return [kind for kind, secret in secrets.items() if secret in text]


def test_no_planted_secret_shows_in_any_admin_page(client, operator, planted):
    client.force_login(operator)
    seen = []
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, model
        seen.append((changelist.wsgi_request.path, leaks(changelist, planted)))
        for obj in model_admin.get_queryset(changelist.wsgi_request)[:50]:
            for view in ("change", "history"):
                url = reverse("admin:{}_{}_{}".format(*info, view), args=[quote(obj.pk)])
                page = client.get(url)
                assert page.status_code == 200, url
                seen.append((url, leaks(page, planted)))
    invitation_notices = client.get(
        "/admin/notifications/notification/", {"kind": "districts.invitation"}
    )
    seen.append(("invitation notices", leaks(invitation_notices, planted)))
    notice = Notification.objects.get(kind="districts.invitation")
    notice_page = reverse("admin:notifications_notification_change", args=[notice.pk])
    assert notice_page in [url for url, _kinds in seen]
    assert [(url, kinds) for url, kinds in seen if kinds] == []


def test_no_planted_secret_shows_in_any_screen_inbox_or_export(
    client, superintendent, principal, teacher, invited, school, planted
):
    seen = []
    for person in (superintendent, principal, teacher, invited):
        client.force_login(person)
        pages = [
            reverse("notifications:inbox"),
            reverse("api:tokens"),
            "/check-ins/calendar/",
            reverse("insights:dashboard"),
            reverse("insights:school", args=[school.pk]),
            reverse("insights:themes"),
            reverse("insights:participation"),
            reverse("insights:health"),
            reverse("decisions:list"),
            *(
                reverse("decisions:detail", args=[pk])
                for pk in Decision.objects.values_list("pk", flat=True)
            ),
        ]
        if person == superintendent:
            pages += [
                reverse("districts:audit_log"),
                reverse("administration:people"),
                reverse("administration:person", args=[invited.pk]),
            ]
        pages += [n.get_absolute_url() for n in Notification.objects.filter(recipient=person)]
        # The trends pages offer their tables only when they have rows: ask for each anyway.
        exports = {
            f"{reverse(page)}?export={table}"
            for page, tables in TREND_EXPORTS.items()
            for table in tables
        }
        for url in pages:
            page = client.get(url)
            seen.append((url, leaks(page, planted)))
            if page.status_code == 200 and "text/html" in page["Content-Type"]:
                for href in EXPORT_LINK.findall(page.content.decode()):
                    exports.add(urljoin(url, href.replace("&amp;", "&")))
        for url in sorted(exports):
            export = client.get(url)
            if export["Content-Type"].startswith("text/csv"):
                seen.append((url, leaks(export, planted)))
    csv_seen = {url for url, _kinds in seen if ".csv" in url or "export=" in url}
    # Every kind of export the app offers was downloaded: decisions, a decision's input, the
    # dashboard's tables, the trends pages' tables.
    for kind in ("/decisions/export.csv", "/input.csv", "/insights/export/", "/insights/schools/"):
        assert any(kind in url for url in csv_seen), kind
    for table in ("months", "schools", "input", "met", "consulted", "terms"):
        assert any(f"export={table}" in url for url in csv_seen), table
    assert [(url, kinds) for url, kinds in seen if kinds] == []


def test_no_planted_secret_is_stored_in_plain_form_or_logged(planted, caplog):
    found = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            text = " ".join(str(value) for value in row)
            for kind, secret in planted.items():
                # Django's own reset view keeps the reset token in the session of the browser
                # that opened the link, until the password is chosen.
                if secret in text and not (model is Session and kind == "password reset"):
                    found.append((model._meta.label, kind))
    for session in Session.objects.all():
        text = str(session.get_decoded())
        found += [
            ("session", kind) for kind in ("invitation", "calendar", "API") if planted[kind] in text
        ]
    assert found == []
    assert [kind for kind, secret in planted.items() if secret in caplog.text] == []


def test_the_invitation_e_mail_works_and_a_copy_sent_again_carries_the_same_working_link(
    client, superintendent, invited, django_capture_on_commit_callbacks
):
    superintendent.is_district_admin = True
    superintendent.save()
    client.force_login(superintendent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("administration:person_invite", args=[invited.pk]))
    client.logout()
    first = INVITATION.search(last_mail_to(invited.email)).group(0)

    # A worker killed between sending and marking sent: the lease runs out, the notice is due
    # again and the same notice is e-mailed a second time.
    notice = Notification.objects.get(recipient=invited, kind="districts.invitation")
    assert notice.email == Email.SENT
    Notification.objects.filter(pk=notice.pk).update(email=Email.DUE, email_after=None)
    assert outbox.notification_email_send(notice.pk)
    second = INVITATION.search(last_mail_to(invited.email)).group(0)
    assert len([m for m in mail.outbox if m.to == [invited.email]]) == 2
    assert second == first

    response = client.get(second)
    assert response.status_code == 302
    password = "a-fresh-password-for-nia"
    response = client.post(response.url, {"new_password1": password, "new_password2": password})
    assert response.url == reverse("login")
    invited.refresh_from_db()
    assert invited.check_password(password)


def test_a_notice_of_an_invitation_ended_before_it_was_sent_sends_no_dead_link(
    client, superintendent, invited, django_capture_on_commit_callbacks
):
    superintendent.is_district_admin = True
    superintendent.save()
    client.force_login(superintendent)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("administration:person_invite", args=[invited.pk]))
        client.post(reverse("administration:person_revoke", args=[invited.pk]))
    notice = Notification.objects.get(recipient=invited, kind="districts.invitation")
    assert not outbox.notification_email_send(notice.pk)
    notice.refresh_from_db()
    assert notice.email == Email.FAILED
    assert "invitation ended" in notice.email_failure
    assert not [m for m in mail.outbox if m.to == [invited.email]]


def test_an_invitation_e_mail_written_after_the_key_changed_is_not_sent_with_a_dead_link(
    client, superintendent, invited, settings, django_capture_on_commit_callbacks
):
    superintendent.is_district_admin = True
    superintendent.save()
    client.force_login(superintendent)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("administration:person_invite", args=[invited.pk]))
    settings.SECRET_KEY = "another-key-" + "x" * 50
    notice = Notification.objects.get(recipient=invited, kind="districts.invitation")
    assert not outbox.notification_email_send(notice.pk)
    notice.refresh_from_db()
    assert notice.email == Email.FAILED and "SECRET_KEY" in notice.email_failure


SECRET_PATHS = {
    "/invitation/Zq3-invitation-token_x/": "/invitation/[hidden]/",
    "/accounts/reset/MTI/cz1abc-0123456789abcdef/": "/accounts/reset/MTI/[hidden]/",
    "/check-ins/calendar/cal_TOKEN-123.ics": "/check-ins/calendar/[hidden].ics",
}


def test_log_lines_carrying_a_live_link_are_written_with_the_secret_hidden():
    # The handlers settings.LOGGING set up: runserver's request lines and everything else.
    handlers = [
        handler
        for name in ("django.server", "")
        for handler in logging.getLogger(name).handlers
        if type(handler) is logging.StreamHandler
    ]
    assert len(handlers) == 2
    streams = [StringIO() for _handler in handlers]
    previous = [h.setStream(stream) for h, stream in zip(handlers, streams, strict=True)]
    try:
        for path in SECRET_PATHS:
            logging.getLogger("django.server").info('"GET %s HTTP/1.1" 200 10', path)
            logging.getLogger("django.request").warning("Not Found: %s", path)
            logging.getLogger("celery.app.trace").info("Task sent a mail with %s", path)
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)
    server, console = (stream.getvalue() for stream in streams)
    for path, hidden in SECRET_PATHS.items():
        assert path not in server and hidden in server
        assert path not in console and console.count(hidden) == 2


def test_the_access_log_hides_the_secret_part_of_each_address():
    from gunicorn.config import Config

    from config.gunicorn import RedactingLogger

    access = RedactingLogger(Config())
    for path, hidden in SECRET_PATHS.items():
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": path,
            "PATH_INFO": path,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_REFERER": f"https://roundtable.example{path}",
        }
        response = SimpleNamespace(status="200 OK", headers=[], sent=10)
        atoms = access.atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta())
        assert path not in atoms["r"] + atoms["U"] + atoms["f"]
        assert hidden in atoms["r"] and hidden in atoms["U"] and hidden in atoms["f"]
