"""Notes encrypted at rest: unreadable in the database and in a backup, readable in the app,
and still readable after the keys rotate."""

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from districts.crypto import rewrite_rows
from principals.models import CheckIn, PrivateNote
from rounding.models import Conversation, RoundingVisit

WORDS = "Sam in grade 4 is struggling at home"
FIRST, SECOND = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def put_back(table: str, column: str, pk, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def conversation(district, school, superintendent):
    visit = RoundingVisit.objects.create(
        district=district, school=school, date=datetime.date(2026, 10, 1)
    )
    return Conversation.objects.create(
        district=district, visit=visit, name="Kim", role_group="cook", concerns=WORDS
    )


@pytest.fixture
def private_note(district, superintendent, principal, school, make_pair):
    pair = make_pair(superintendent, principal, school)
    check_in = CheckIn.objects.create(district=district, pair=pair, scheduled_at=timezone.now())
    return PrivateNote.objects.create(check_in=check_in, author=principal, text=WORDS)


def test_conversation_notes_are_unreadable_in_the_database_and_readable_in_the_app(conversation):
    raw = stored("rounding_conversation", "concerns", conversation.pk)
    assert raw.startswith("fernet:") and "Sam" not in raw
    assert Conversation.objects.get(pk=conversation.pk).concerns == WORDS
    # Empty notes stay empty: "has notes" still reads in a query.
    assert stored("rounding_conversation", "working", conversation.pk) == ""
    assert Conversation.objects.exclude(concerns="").count() == 1


def test_private_notes_are_unreadable_in_the_database(private_note):
    raw = stored("principals_privatenote", "text", private_note.pk)
    assert raw.startswith("fernet:") and "Sam" not in raw
    assert PrivateNote.objects.get(pk=private_note.pk).text == WORDS


def test_a_backup_taken_before_a_key_rotation_still_reads_after_it(settings, conversation):
    settings.ENCRYPTION_KEYS = [FIRST]
    Conversation.objects.filter(pk=conversation.pk).update(concerns=WORDS)
    backup = stored("rounding_conversation", "concerns", conversation.pk)

    settings.ENCRYPTION_KEYS = [SECOND, FIRST]
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rotated = stored("rounding_conversation", "concerns", conversation.pk)
    assert rotated != backup
    settings.ENCRYPTION_KEYS = [SECOND]
    assert Conversation.objects.get(pk=conversation.pk).concerns == WORDS

    settings.ENCRYPTION_KEYS = [SECOND, FIRST]
    put_back("rounding_conversation", "concerns", conversation.pk, backup)
    assert Conversation.objects.get(pk=conversation.pk).concerns == WORDS


def test_a_note_whose_key_is_gone_says_so_clearly(settings, conversation):
    settings.ENCRYPTION_KEYS = [SECOND]
    with pytest.raises(ImproperlyConfigured, match="ENCRYPTION_KEYS"):
        Conversation.objects.get(pk=conversation.pk)


def test_the_migration_encrypts_notes_written_before_it(conversation):
    put_back("rounding_conversation", "concerns", conversation.pk, WORDS)
    assert Conversation.objects.get(pk=conversation.pk).concerns == WORDS
    rewrite_rows(Conversation, ["working", "concerns", "ideas", "recognition"])
    assert stored("rounding_conversation", "concerns", conversation.pk).startswith("fernet:")
    assert Conversation.objects.get(pk=conversation.pk).concerns == WORDS
    rewrite_rows(Conversation, ["concerns"], plain=True)
    assert stored("rounding_conversation", "concerns", conversation.pk) == WORDS
