"""Text encrypted at rest: the notes that name students and the notes only their writer reads.

`EncryptedTextField` stores "fernet:<token>" (Fernet: AES-128-CBC with an HMAC-SHA256) made
with the first of `settings.ENCRYPTION_KEYS` and reads with any of them, so keys rotate: put
the new key first, run `manage.py rotate_encryption_keys`, then drop the old one. Empty text
stays empty, so "has notes" queries still work; nothing else can be searched in the database.
A value without the prefix is read as it is: rows written before encryption, until the
migration that encrypts them has run.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("ENCRYPTION_KEYS is empty: notes cannot be encrypted.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated."
        ) from error


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    if not text:
        return text
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An encrypted note cannot be read with any of ENCRYPTION_KEYS: a key it was "
            "written with is missing."
        ) from None


def rotate(stored: str) -> str:
    """The same text encrypted with the first key (plain text gets encrypted too)."""
    if not stored:
        return stored
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    return PREFIX + fernet().rotate(stored.removeprefix(PREFIX).encode()).decode()


class EncryptedTextField(models.TextField):
    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value is not None else value


def encrypted_fields():
    """(model, [field names]) for every model with encrypted text."""
    from django.apps import apps

    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def rewrite_rows(model, names, *, batch: int = 500, plain: bool = False) -> int:
    """Write every non-empty value of `names` again: encrypted with the first key (a data
    migration, or a key rotation), or as plain text (`plain`, to undo the migration)."""
    rows = models.QuerySet(model)
    has_text = models.Q()
    for name in names:
        has_text |= ~models.Q(**{name: ""})
    last, count = None, 0
    while True:
        page = rows.filter(has_text).order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        found = list(page.values_list("pk", *names)[:batch])
        if not found:
            return count
        for pk, *values in found:
            if plain:
                # A Value is written as it is, past the field's encryption.
                fields = {n: models.Value(v) for n, v in zip(names, values, strict=True)}
            else:
                fields = dict(zip(names, values, strict=True))
            rows.filter(pk=pk).update(**fields)
        count += len(found)
        last = found[-1][0]
