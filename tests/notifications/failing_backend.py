import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection lost")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient: trying again cannot help."""

    def send_messages(self, email_messages):
        recipients = {to: (550, b"no such mailbox") for m in email_messages for to in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)
