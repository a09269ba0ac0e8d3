import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class EmailBackend(LocmemBackend):
    """A mail server that drops the first message it is given, then delivers like locmem."""

    failures_left = 1
    refused: list[str] = []

    def send_messages(self, email_messages):
        if EmailBackend.failures_left > 0:
            EmailBackend.failures_left -= 1
            EmailBackend.refused.extend(m.subject for m in email_messages)
            raise smtplib.SMTPServerDisconnected("connection lost")
        return super().send_messages(email_messages)
