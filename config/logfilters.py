"""Logging filters named in settings.LOGGING (imported before the apps load: no models)."""

import logging
import re


class ClientErrorsOnOneLine(logging.Filter):
    """A 4xx answer (not found, forbidden, bad request) is one line without a traceback: the
    request was wrong, not the code, and a traceback per probe buries the real errors.
    5xx answers keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


# The secret parts of addresses and tokens: an invitation link, a password reset link, a
# calendar feed address and an API token. A request line or a URL in a message shows the rest.
SECRETS = re.compile(
    r"(?P<invitation>/invitation/)(?!accept/)[^/\s?#\"']+"
    r"|(?P<reset>/accounts/reset/[^/\s?#\"']+/)(?!set-password/)[^/\s?#\"']+"
    r"|(?P<calendar>/check-ins/calendar/)[^/\s?#\"']+(?=\.ics)"
    r"|(?P<api>\brt_)[A-Za-z0-9_-]{8,}"
)
HIDDEN = "[hidden]"


def redact(text: str) -> str:
    """The text with every secret link or token in it replaced by `HIDDEN`."""
    return SECRETS.sub(lambda found: next(p for p in found.groups() if p) + HIDDEN, text)


class RedactSecrets(logging.Filter):
    """No log line carries a live link or token: runserver's and the worker's lines, and a
    404's address, are written with the secret part hidden."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's to report, not ours
            return True
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
