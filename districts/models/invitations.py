"""Invitations: a single-use, expiring link that lets a rostered person choose a password.

The link's token is kept nowhere. It is derived from the invitation's random nonce and
`SECRET_KEY` whenever the e-mail is written (so a copy sent again carries the same working
link), and the table holds only its digest, which is what an opened link is checked against.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .core import District, DistrictQuerySet, User

INVITATION_DAYS = 14
# The kind of an invitation's notice; its key names the invitation ("invitation:12").
INVITATION_KIND = "districts.invitation"


def token_digest(token: str) -> str:
    """Only the digest is stored: someone who reads the table cannot use a link from it."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_token(nonce: str) -> str:
    """The link's token: it needs the nonce and SECRET_KEY, so a stored row alone is no link."""
    return salted_hmac("districts.invitation", nonce, algorithm="sha256").hexdigest()


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
    # The token is derived from it when the e-mail is written; none on invitations sent
    # before tokens were derived (their e-mail went out with a random token).
    nonce = models.CharField(max_length=32, blank=True, default="", editable=False)
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
        nonce = secrets.token_urlsafe(16)
        token = invitation_token(nonce)
        invitation = cls(
            nonce=nonce,
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
        return cls.for_digest(token_digest(token), now)

    @classmethod
    def for_digest(cls, digest: str, now=None) -> Invitation | None:
        """`for_token` from the token's digest (what the session keeps between the link and
        the password form)."""
        if not digest or len(digest) != 64:
            return None
        return (
            cls.objects.open(now)
            .select_related("user", "district")
            .filter(token_hash=digest, user__is_active=True)
            .first()
        )

    @classmethod
    def for_notice(cls, key: str, recipient_id: int, now=None) -> Invitation | None:
        """The open invitation a notice's key names, if it is still open and its link can be
        derived."""
        kind, _, pk = key.partition(":")
        if kind != "invitation" or not pk.isdigit():
            return None
        return (
            cls.objects.open(now).filter(pk=int(pk), user_id=recipient_id).exclude(nonce="").first()
        )

    @property
    def notice_key(self) -> str:
        return f"invitation:{self.pk}"

    def link(self) -> str | None:
        """The path of the invitation's link: made for its e-mail, never stored. None when
        SECRET_KEY changed since it was issued (the link made now would not open it)."""
        token = invitation_token(self.nonce)
        if token_digest(token) != self.token_hash:
            return None
        return reverse("invitation", args=[token])

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
