"""Invitations: a single-use, expiring link that lets a rostered person choose a password."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .core import District, DistrictQuerySet, User

INVITATION_DAYS = 14


def token_digest(token: str) -> str:
    """Only the digest is stored: someone who reads the table cannot use a link from it."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        return self if user.is_district_admin else self.none()

    def open(self, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "user"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @classmethod
    def issue(
        cls, *, user: User, by: User | None, now=None, save: bool = True
    ) -> tuple[Invitation, str]:
        """A new invitation and its token (the token is never stored, only its digest)."""
        now = now or timezone.now()
        token = secrets.token_urlsafe(32)
        invitation = cls(
            district_id=user.district_id,
            user=user,
            invited_by=by,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
        )
        if save:
            invitation.save()
        return invitation, token

    @classmethod
    def for_token(cls, token: str, now=None) -> Invitation | None:
        """The open invitation of this token, or None when it is unknown, used, revoked or expired."""
        if not token or len(token) > 100:
            return None
        return (
            cls.objects.open(now)
            .select_related("user", "district")
            .filter(token_hash=token_digest(token), user__is_active=True)
            .first()
        )

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
