"""The outbox every app notifies through.

A notice is a `Notification` row written in the caller's transaction, so it exists exactly when
the change that caused it does. Its e-mail is sent from that row by the worker: after commit a
best-effort message asks a worker to send what is due, and beat runs the same sweep every
minute, so a broker that is down, a lost message or a killed worker only delays e-mail.

The layers: this module queues through `tasks`, whose tasks send through `outbox`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import dateformat, timezone, translation

from districts.bounds import one_line
from districts.languages import language_of
from districts.models import User

from .models import Email, EmailMode, Notification, NotificationSettings
from .outbox import BATCH, read_format
from .tasks import ask_for_sending

# A notice's words: a text, or a function that writes it in the active language. A function is
# called once per language among the recipients, so each person reads the notice in theirs.
Words = str | Callable[[], str]


@dataclass(frozen=True)
class Notice:
    recipient: User
    kind: str
    subject: Words
    body: Words = ""
    url: str = ""
    key: str = ""  # the item, e.g. "decision:12": a person gets each kind once per item


def in_language(words: Words, language: str, written: dict) -> str:
    """The words in a language; `written` keeps what each function wrote in each language."""
    if not callable(words):
        return words
    if (id(words), language) not in written:
        with translation.override(language):
            written[id(words), language] = str(words())
    return written[id(words), language]


def email_states(people: Iterable[User]) -> dict[int, str]:
    """How each person's notices are e-mailed, from their settings and whether they have an address."""
    people = {person.pk: person for person in people}
    modes = dict(
        NotificationSettings.objects.filter(user_id__in=people).values_list("user_id", "email_mode")
    )
    states = {}
    for pk, person in people.items():
        mode = modes.get(pk, EmailMode.EACH)
        if not person.email or mode == EmailMode.OFF:
            states[pk] = Email.NONE
        else:
            states[pk] = Email.DIGEST if mode == EmailMode.DAILY else Email.DUE
    return states


def _already_sent(notices: list[Notice]) -> set[tuple[int, str, str]]:
    keyed = [notice for notice in notices if notice.key]
    found = set()
    for start in range(0, len(keyed), BATCH):
        chunk = keyed[start : start + BATCH]
        found |= set(
            Notification.objects.filter(
                key__in={notice.key for notice in chunk},
                kind__in={notice.kind for notice in chunk},
                recipient_id__in={notice.recipient.pk for notice in chunk},
            ).values_list("recipient_id", "kind", "key")
        )
    return found


def notices_write(
    notices: Iterable[Notice],
    *,
    now: datetime.datetime | None = None,
    email_always: bool = False,
) -> list[Notification]:
    """Write the notices not written before and return them. E-mail follows the commit.

    `email_always` sends each by e-mail at once whatever the person's settings (an invitation
    to sign in: the person cannot read the inbox yet).

    Callers write the subject and body for everyone who receives them: never put the name of
    an anonymous author, or the text of notes and agendas, in either.
    """
    notices = [notice for notice in notices if notice.recipient.is_active]
    if not notices:
        return []
    done = _already_sent(notices)
    fresh, seen = [], set()
    for notice in notices:
        identity = (notice.recipient.pk, notice.kind, notice.key)
        if notice.key and (identity in done or identity in seen):
            continue
        seen.add(identity)
        fresh.append(notice)
    if not fresh:
        return []
    states = email_states(notice.recipient for notice in fresh)
    if email_always:
        states = {n.recipient.pk: Email.DUE if n.recipient.email else Email.NONE for n in fresh}
    now = now or timezone.now()
    written = {}
    words = {
        id(notice): (
            in_language(notice.subject, language_of(notice.recipient), written),
            in_language(notice.body, language_of(notice.recipient), written),
        )
        for notice in fresh
    }
    rows = Notification.objects.bulk_create(
        [
            Notification(
                district_id=notice.recipient.district_id,
                recipient=notice.recipient,
                kind=notice.kind,
                key=notice.key,
                subject=one_line(words[id(notice)][0])[:200],
                body=words[id(notice)][1],
                url=notice.url,
                created_at=now,
                email=states[notice.recipient.pk],
            )
            for notice in fresh
        ],
        batch_size=BATCH,
        # Two runs at once: the unique (recipient, kind, key) keeps the second run's copy out.
        ignore_conflicts=any(notice.key for notice in fresh),
    )
    if any(row.email == Email.DUE for row in rows):
        transaction.on_commit(ask_for_sending)
    return rows


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: Words,
    body: Words = "",
    url: str = "",
    key: str = "",
) -> list[Notification]:
    """The same notice to several people; returns the notices written (none twice per `key`).

    Pass the words as functions (`subject=lambda: _("Decided: %(title)s") % {...}`): each is
    written in every recipient's language, never in the language of the person acting."""
    people = {person.pk: person for person in recipients}.values()
    return notices_write(Notice(person, kind, subject, body, url, key) for person in people)


def time_label(moment: datetime.datetime, zone: str) -> str:
    """A moment as people of a district read it, e.g. "Dec 15, 2026 16:00 CST"."""
    return dateformat.format(timezone.localtime(moment, ZoneInfo(zone)), read_format())


def mark_read(*, user: User, notification: Notification | None = None) -> int:
    notices = Notification.objects.visible_to(user).unread()
    if notification is not None:
        notices = notices.filter(pk=notification.pk)
    return notices.update(read_at=timezone.now())
