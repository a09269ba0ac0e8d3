"""Logging filters named in settings.LOGGING (imported before the apps load: no models)."""

import logging


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
