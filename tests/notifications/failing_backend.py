import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection lost")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient for good (a 5xx answer) and counts the tries."""

    attempts = 0

    def send_messages(self, email_messages):
        RefusingBackend.attempts += 1
        raise smtplib.SMTPRecipientsRefused(
            {to: (550, b"5.1.1 No such mailbox") for m in email_messages for to in m.to}
        )
