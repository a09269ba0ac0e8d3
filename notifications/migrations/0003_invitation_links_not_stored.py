import hashlib
import re
import secrets

from django.db import migrations
from django.utils import timezone
from django.utils.crypto import salted_hmac

LINK = re.compile(r"/invitation/([^/]+)/")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def forget_invitation_links(apps, schema_editor):
    """Invitation notices kept their link, a live password link, in `url`. Clear it. An e-mail
    not sent yet is moved to a derived link (as `Invitation.issue` makes them now), named by
    the notice's key; a link already e-mailed keeps working through its stored digest."""
    Notification = apps.get_model("notifications", "Notification")
    Invitation = apps.get_model("districts", "Invitation")
    now = timezone.now()
    notices = Notification.objects.filter(kind="districts.invitation").exclude(url="")
    for notice in notices.iterator():
        found = LINK.search(notice.url)
        invitation = (
            Invitation.objects.filter(
                token_hash=digest(found.group(1)),
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            ).first()
            if found
            else None
        )
        if invitation is not None and notice.email in ("due", "digest"):
            invitation.nonce = secrets.token_urlsafe(16)
            token = salted_hmac("districts.invitation", invitation.nonce, algorithm="sha256")
            invitation.token_hash = digest(token.hexdigest())
            invitation.save(update_fields=["nonce", "token_hash"])
            notice.key = f"invitation:{invitation.pk}"
        notice.url = ""
        notice.save(update_fields=["url", "key"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outbox"),
        ("districts", "0005_invitation_nonce"),
    ]

    operations = [migrations.RunPython(forget_invitation_links, migrations.RunPython.noop)]
