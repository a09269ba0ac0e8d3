"""One decision the dispatcher cannot read is logged and skipped; everyone else gets their notices."""

import logging

from django.db import connection

from decisions import notices, services
from decisions.models import Decision
from notifications.models import Notification


def corrupt(decision: Decision) -> None:
    """What a row written before input was bounded may hold: a time Python cannot read."""
    table = Decision._meta.db_table
    # PostgreSQL holds years past 9999; SQLite holds any text.
    value = (
        "10000-01-01 05:00:00+00:00" if connection.vendor == "postgresql" else "2026-13-45 25:61:00"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET updated_at = %s WHERE id = %s", [value, decision.pk])


def test_a_decision_that_cannot_be_read_does_not_stop_the_others(
    make_decision, open_decision, window, superintendent, caplog
):
    broken = make_decision("Broken window", input_opens=window[0], input_closes=window[1])
    services.decision_open_input(decision=broken, by=superintendent)
    Notification.objects.all().delete()
    corrupt(broken)

    with caplog.at_level(logging.ERROR, logger="decisions.notices"):
        counts = notices.dispatch_due()

    assert counts["opened"] > 0
    assert Notification.objects.filter(url=open_decision.get_absolute_url()).exists()
    assert not Notification.objects.filter(url=broken.get_absolute_url()).exists()
    assert f"Decision {broken.pk}" in caplog.text
