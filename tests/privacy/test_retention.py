"""Retention: what is due is removed, nothing else, a second run changes nothing, the figures stay."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse

from districts.models import AuditEntry
from notifications.models import Notification
from privacy.models import RetentionRules
from privacy.retention import retention_apply
from privacy.tasks import apply_retention
from rounding.models import Conversation, RoundingVisit
from tests.insights.conftest import TRENDS

NOW = datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC)
WORDS = {
    "working": "Ms. Lee's reading group",
    "concerns": "Sam R. is bullied",
    "ideas": "More aides",
}


@pytest.fixture
def rules(district):
    return RetentionRules.objects.create(
        district=district,
        rounding_notes_months=1,
        notices_days=30,
        sign_ins_days=10,
        admin_log_years=1,
    )


def talk(district, school, visitor, day, role_group="student", **words):
    visit = RoundingVisit.objects.create(district=district, school=school, date=day)
    visit.visitors.add(visitor)
    return Conversation.objects.create(
        district=district, visit=visit, name="Sam", role_group=role_group, **(words or WORDS)
    )


def test_a_district_that_never_set_rules_has_safe_defaults(district):
    rules = RetentionRules.of(district)
    assert (rules.rounding_notes_months, rules.notices_days) == (24, 180)
    assert (rules.sign_ins_days, rules.admin_log_years) == (90, 3)


@TRENDS
def test_notes_past_the_rule_lose_their_words_and_newer_notes_keep_them(
    rules, district, school, superintendent
):
    old = talk(district, school, superintendent, datetime.date(2026, 9, 1))
    new = talk(district, school, superintendent, datetime.date(2026, 11, 1))
    done = retention_apply(district=district)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.working, old.concerns, old.ideas) == ("", "", "")
    assert old.role_group == "student" and old.name == "Sam"
    assert new.concerns == "Sam R. is bullied"
    assert done == {"rounding conversations redacted": 1}


@TRENDS
def test_a_second_run_changes_nothing_and_logs_nothing(rules, district, school, superintendent):
    talk(district, school, superintendent, datetime.date(2026, 9, 1))
    retention_apply(district=district)
    entries = AuditEntry.objects.filter(district=district).count()
    assert retention_apply(district=district) == {}
    assert AuditEntry.objects.filter(district=district).count() == entries


@TRENDS
def test_the_admin_log_gets_counts_and_never_the_words(rules, district, school, superintendent):
    talk(district, school, superintendent, datetime.date(2026, 9, 1))
    retention_apply(district=district)
    entry = AuditEntry.objects.get(district=district, object_type="retention")
    assert "rounding conversations redacted: 1" in entry.changes
    assert "bullied" not in entry.changes and "Sam" not in entry.changes


@TRENDS
def test_another_districts_notes_are_not_touched(
    rules, district, school, superintendent, other_district, other_school, outsider
):
    theirs = talk(other_district, other_school, outsider, datetime.date(2025, 3, 9), "teacher")
    talk(district, school, superintendent, datetime.date(2026, 9, 1))
    apply_retention()
    theirs.refresh_from_db()
    # Harbor Point keeps the default of 24 months: Cedar Valley's one month is not its rule.
    assert theirs.concerns == "Sam R. is bullied"


@TRENDS
def test_old_notices_sessions_sign_ins_and_log_entries_go_and_recent_ones_stay(
    rules, district, superintendent, teacher
):
    old, recent = NOW - datetime.timedelta(days=40), NOW - datetime.timedelta(days=2)
    for at in (old, recent):
        Notification.objects.create(
            district=district, recipient=teacher, kind="test", subject="Hi", created_at=at
        )
        AccessAttempt.objects.create(
            username=teacher.email,
            ip_address="10.0.0.1",
            user_agent=str(at),
            failures_since_start=1,
        )
    AccessAttempt.objects.filter(pk=AccessAttempt.objects.order_by("pk").first().pk).update(
        attempt_time=old
    )
    AuditEntry.objects.create(
        district=district, actor_name="x", action="add", object_type="t", object_id="1",
        object_label="old", at=NOW - datetime.timedelta(days=400),
    )  # fmt: skip
    AuditEntry.objects.create(
        district=district, actor_name="x", action="add", object_type="t", object_id="2",
        object_label="recent", at=recent,
    )  # fmt: skip
    stale = SessionStore()
    stale["_auth_user_id"] = str(teacher.pk)
    stale.create()
    Session.objects.filter(pk=stale.session_key).update(expire_date=old)
    fresh = SessionStore()
    fresh["_auth_user_id"] = str(teacher.pk)
    fresh.create()

    done = retention_apply(district=district)

    assert list(Notification.objects.values_list("created_at", flat=True)) == [recent]
    assert AccessAttempt.objects.count() == 1
    assert list(AuditEntry.objects.exclude(object_type="retention").values_list(
        "object_label", flat=True
    )) == ["recent"]  # fmt: skip
    assert list(Session.objects.values_list("pk", flat=True)) == [fresh.session_key]
    assert done["inbox notices removed"] == 1
    assert done["sessions and sign-in records removed"] == 2
    assert done["admin log entries removed"] == 1


@TRENDS
def test_redaction_keeps_every_figure_on_the_insights_pages(
    rules, client_for, district, superintendent, schools, workload, safety, people, converse
):
    alder, birch = schools[0], schools[1]
    for index, person in enumerate(people(alder, 5)):
        day = datetime.date(2026, 6 + index, 10)
        conversation = converse(alder, day, [workload, safety][: 1 + index % 2], person=person)
        Conversation.objects.filter(pk=conversation.pk).update(**WORDS)
    for person in people(birch, 4):
        converse(birch, datetime.date(2026, 7, 3), [workload], person=person)
    Conversation.objects.update(**WORDS)
    client = client_for(superintendent)
    pages = [
        reverse("insights:themes"),
        reverse("insights:themes") + "?export=months",
        reverse("insights:themes") + "?export=schools",
        reverse("insights:dashboard"),
        reverse("insights:school", args=[alder.pk]),
        reverse("rounding:coverage") if _has("rounding:coverage") else None,
    ]
    pages = [page for page in pages if page]
    before = [figures(client.get(page)) for page in pages]

    done = retention_apply(district=district)

    assert done["rounding conversations redacted"] == 9
    assert not Conversation.objects.exclude(concerns="").filter(visit__date__lt="2026-10-15")
    assert [figures(client.get(page)) for page in pages] == before


def _has(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def figures(response) -> list[str]:
    """Every number on a page (or in a CSV), in order."""
    import re

    assert response.status_code == 200
    text = response.content.decode()
    text = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+', "", text)
    return re.findall(r"\d+", text)


def test_the_privacy_page_shows_the_districts_own_rules(client_for, district, teacher, rules):
    page = client_for(teacher).get(reverse("privacy:page")).content.decode()
    assert "1 month, then the words are removed" in page
    assert "30 days" in page and "10 days" in page and "1 year" in page


def test_a_district_administrator_changes_the_rules_and_the_log_says_so(
    client_for, district, superintendent
):
    superintendent.is_district_admin = True
    superintendent.save()
    response = client_for(superintendent).post(
        reverse("privacy:rules"),
        {
            "rounding_notes_months": 12,
            "notices_days": 60,
            "sign_ins_days": 30,
            "admin_log_years": 5,
        },
    )
    assert response.status_code == 302
    assert RetentionRules.of(district).rounding_notes_months == 12
    assert AuditEntry.objects.filter(district=district, changes__contains="60").exists()


def test_a_rule_out_of_range_is_refused_on_the_form_keeping_what_was_typed(
    client_for, district, superintendent
):
    superintendent.is_district_admin = True
    superintendent.save()
    response = client_for(superintendent).post(
        reverse("privacy:rules"),
        {"rounding_notes_months": 0, "notices_days": 60, "sign_ins_days": 30, "admin_log_years": 5},
    )
    assert response.status_code == 200
    assert 'value="60"' in response.content.decode()
    assert RetentionRules.objects.filter(district=district).count() == 0


def test_a_teacher_cannot_change_the_rules(client_for, teacher):
    assert client_for(teacher).get(reverse("privacy:rules")).status_code == 404


@TRENDS
@pytest.mark.parametrize("rule_on", [True, False])
def test_notes_naming_a_student_lose_their_words_once_their_school_year_ended(
    rule_on, district, school, superintendent, student
):
    RetentionRules.objects.create(district=district, student_notes_school_year=rule_on)
    last_year = datetime.date(2026, 5, 10)
    this_year = datetime.date(2026, 9, 10)
    naming = talk(district, school, superintendent, last_year, "teacher", concerns="Eli is late")
    plain = talk(district, school, superintendent, last_year, "teacher", concerns="Buses are late")
    recent = talk(district, school, superintendent, this_year, "teacher", concerns="Eli is late")
    with_student = talk(district, school, superintendent, last_year, concerns="Lunch is short")

    retention_apply(district=district)

    for conversation in (naming, plain, recent, with_student):
        conversation.refresh_from_db()
    assert (naming.concerns == "") is rule_on
    assert (with_student.concerns == "") is rule_on
    assert recent.concerns == "Eli is late"
    assert plain.concerns == "Buses are late"
