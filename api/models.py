"""Personal API tokens: each person makes their own, and the API answers as that person."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import District, DistrictQuerySet, User

TOKEN_PREFIX = "rt_"
# Shown in lists so a person can tell their tokens apart; far too short to guess the rest.
SHOWN_LENGTH = len(TOKEN_PREFIX) + 6
# A token's last use is written at most this often, so reading the API writes rarely.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """A token is its owner's alone: nobody else lists or revokes it."""
        return self.filter(user=user)

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text=_("What it is for, e.g. “weekly report”."))
    # The first characters of the token, shown in lists; the secret itself is never stored.
    shown = models.CharField(max_length=SHOWN_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.shown}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """A new token for `user`: the row, and the secret, which is shown to them once."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            district_id=user.district_id,
            user=user,
            name=name.strip(),
            shown=secret[:SHOWN_LENGTH],
            key_hash=token_hash(secret),
        )
        return token, secret

    @classmethod
    def authenticate(cls, secret: str) -> ApiToken | None:
        """The active token for this secret, with its user, if that user may still sign in."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
            return None
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=token_hash(secret), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            return None
        user = token.user
        if not user.is_active or user.district_id is None or user.district_id != token.district_id:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
