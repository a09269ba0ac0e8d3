import logging
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.sessions.models import Session
from django.utils import timezone, translation

from .bounds import Bounded
from .languages import language_of
from .oneroster.jobs import roster_import_run, waiting_imports

logger = logging.getLogger(__name__)


class ResetInTheirLanguage(Bounded, PasswordResetForm):
    """The reset e-mail in the language of the person it is for, not the worker's."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def send_password_reset(email: str) -> None:
    """Send a reset link to each active person with a usable password at `email`.

    The link points at SITE_URL, never at whatever host a request named.
    """
    form = ResetInTheirLanguage({"email": email})
    if form.is_valid():
        site = urlsplit(settings.SITE_URL)
        form.save(domain_override=site.netloc, use_https=site.scheme == "https")


@shared_task
def run_roster_import(pk: int) -> str:
    return roster_import_run(pk)


def ask_to_run_roster_import(pk: int) -> None:
    """Best effort: the page says the import waits for the worker until one takes it."""
    try:
        run_roster_import.delay(pk)
    except Exception:
        logger.warning("Could not reach the broker; roster import %s waits.", pk, exc_info=True)


@shared_task
def run_waiting_roster_imports() -> int:
    """Beat runs this: the uploads whose request could not reach the broker are asked again."""
    waiting = waiting_imports()
    for pk in waiting:
        run_roster_import.delay(pk)
    return len(waiting)
