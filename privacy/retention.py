"""Retention: each district's rules applied by the daily beat task, in batches, idempotently.

A run removes only what is due and writes one admin log entry with the counts (never the
contents); a second run on the same day finds nothing due and writes nothing.
"""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from districts.models import AuditEntry, District, Role, User
from notifications.models import Email, Notification
from rounding.models import Conversation, RoleGroup, RoundingChange, RoundingVisit
from rounding.services import WORD

from .district_data import EXPORT_DAYS, exports_remove
from .models import DistrictExport, RetentionRules

BATCH = 500
NOTE_FIELDS = ("working", "concerns", "ideas", "recognition")
# What a redacted history row keeps of a conversation or visit: everything but the words.
HISTORY_WORDS = frozenset({*NOTE_FIELDS, "summary", "purpose", "name"})


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.year * 12 + day.month - 1 - months
    year, month = divmod(month, 12)
    return datetime.date(year, month + 1, min(day.day, 28))


def _in_batches(queryset, write) -> int:
    """Run `write(pks)` on the queryset's rows, a batch at a time; the count written.

    The ids due are read in one query (a sorted, limited query per batch makes the database
    sort the whole table again for every batch), then written a batch per transaction.
    """
    pks = list(queryset.order_by().values_list("pk", flat=True))
    done = 0
    for start in range(0, len(pks), BATCH):
        with transaction.atomic():
            done += write(pks[start : start + BATCH])
    return done


def notes_due(district: District, rules: RetentionRules, today: datetime.date):
    cutoff = months_before(today, rules.rounding_notes_months)
    has_words = Q()
    for field in NOTE_FIELDS:
        has_words |= ~Q(**{field: ""})
    return Conversation.objects.filter(district=district, visit__date__lt=cutoff).filter(
        has_words
    ), cutoff


def school_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 8 else day.year - 1, 8, 1)


def student_notes_due(district: District, today: datetime.date) -> list[int]:
    """Conversations of past school years with a student, or naming one of the school's."""
    has_words = Q()
    for field in NOTE_FIELDS:
        has_words |= ~Q(**{field: ""})
    past = Conversation.objects.filter(
        district=district, visit__date__lt=school_year_start(today)
    ).filter(has_words)
    due = list(past.filter(role_group=RoleGroup.STUDENT).values_list("pk", flat=True))
    # Each school's students' first names, in one query for the whole district.
    names: dict[int, set[str]] = {}
    for school_id, name in User.schools.through.objects.filter(
        user__district=district, user__role=Role.STUDENT
    ).values_list("school_id", "user__name"):
        if name.strip():
            names.setdefault(school_id, set()).add(name.split()[0].casefold())
    rows = (
        past.exclude(role_group=RoleGroup.STUDENT)
        .filter(visit__school_id__in=list(names))
        .values_list("pk", "visit__school_id", *NOTE_FIELDS)
    )
    for pk, school_id, *notes in rows.iterator(chunk_size=BATCH):
        words = set(WORD.findall(" ".join(notes).casefold()))
        if words & names[school_id]:
            due.append(pk)
    return due


def notes_redact(district: District, rules: RetentionRules, today: datetime.date) -> int:
    conversations, cutoff = notes_due(district, rules, today)
    blank = dict.fromkeys(NOTE_FIELDS, "")
    count = _in_batches(
        conversations, lambda pks: Conversation.objects.filter(pk__in=pks).update(**blank)
    )
    if rules.student_notes_school_year:
        due = student_notes_due(district, today)
        for start in range(0, len(due), BATCH):
            with transaction.atomic():
                count += Conversation.objects.filter(pk__in=due[start : start + BATCH]).update(
                    **blank
                )
    _in_batches(
        RoundingVisit.objects.filter(district=district, date__lt=cutoff).exclude(summary=""),
        lambda pks: RoundingVisit.objects.filter(pk__in=pks).update(summary=""),
    )
    history = RoundingChange.objects.filter(
        district=district, kind__in=("conversation", "visit"), at__date__lt=cutoff
    )
    for change in history.iterator(chunk_size=BATCH):
        if any(change.before.get(key) for key in HISTORY_WORDS):
            kept = {k: v for k, v in change.before.items() if k not in HISTORY_WORDS}
            RoundingChange.objects.filter(pk=change.pk).update(before=kept)
    return count


def notices_remove(district: District, rules: RetentionRules, now) -> int:
    cutoff = now - datetime.timedelta(days=rules.notices_days)
    # An e-mail still waiting to go out keeps its notice until it is sent.
    due = Notification.objects.filter(district=district, created_at__lt=cutoff).exclude(
        email__in=(Email.DUE, Email.DIGEST)
    )
    return _in_batches(due, lambda pks: Notification.objects.filter(pk__in=pks).delete()[0])


def sign_ins_remove(district: District, rules: RetentionRules, now) -> int:
    """Sessions last used before the cutoff, and failed sign-ins to the district's accounts."""
    cutoff = now - datetime.timedelta(days=rules.sign_ins_days)
    people = {str(pk) for pk in User.objects.filter(district=district).values_list("pk", flat=True)}
    # A session's expiry is its last use plus the cookie's age.
    last_used_before = cutoff + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    stale = []
    count = 0
    for session in Session.objects.filter(expire_date__lt=last_used_before).iterator(
        chunk_size=BATCH
    ):
        if session.get_decoded().get("_auth_user_id") in people:
            stale.append(session.pk)
        if len(stale) >= BATCH:
            count += Session.objects.filter(pk__in=stale).delete()[0]
            stale = []
    count += Session.objects.filter(pk__in=stale).delete()[0]
    emails = User.objects.filter(district=district).exclude(email=None).values("email")
    for model in (AccessAttempt, AccessFailureLog):
        count += model.objects.filter(attempt_time__lt=cutoff, username__in=emails).delete()[0]
    return count


def admin_log_remove(district: District, rules: RetentionRules, now) -> int:
    cutoff = now - datetime.timedelta(days=365 * rules.admin_log_years)
    old = AuditEntry.objects.filter(district=district, at__lt=cutoff)
    # Entries are append-only for people; only retention removes them, a batch at a time.
    return _in_batches(old, lambda pks: AuditEntry.objects.filter(pk__in=pks).delete()[0])


def retention_apply(*, district: District, now: datetime.datetime | None = None) -> dict:
    """Apply the district's rules; returns what was done, {what: count}, and logs it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = RetentionRules.of(district)
    done = {
        "rounding conversations redacted": notes_redact(district, rules, today),
        "inbox notices removed": notices_remove(district, rules, now),
        "sessions and sign-in records removed": sign_ins_remove(district, rules, now),
        "admin log entries removed": admin_log_remove(district, rules, now),
        "district exports removed": exports_remove(
            DistrictExport.objects.filter(
                district=district, requested_at__lt=now - datetime.timedelta(days=EXPORT_DAYS)
            )
        ),
    }
    done = {what: count for what, count in done.items() if count}
    if done:
        AuditEntry.objects.create(
            district=district,
            actor_name="Retention rules",
            at=now,
            action=AuditEntry.Action.DELETE,
            object_type="retention",
            object_id=str(district.pk),
            object_label=f"Retention run of {today.isoformat()}",
            changes="\n".join(f"{what}: {count}" for what, count in done.items()),
        )
    return done
