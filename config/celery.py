"""Celery for Roundtable: the worker runs tasks from every app, beat runs the schedule below.

Start them with `celery -A config worker` and `celery -A config beat` (`make run` does both).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("roundtable")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One static schedule in UTC. Per-district and per-person timing lives in the database;
# the tasks below look up what is due, so beat never needs an entry per row.
app.conf.beat_schedule = {
    "notifications-sweep": {
        "task": "notifications.tasks.send_due_emails",
        "schedule": 60,
    },
    "decisions-dispatch": {
        "task": "decisions.tasks.dispatch_due",
        "schedule": 60 * 5,
    },
    "principals-dispatch": {
        "task": "principals.tasks.dispatch",
        "schedule": 60 * 5,
    },
    "daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        # Hourly: each district's digest goes out at its own hour (`notifications.digests`).
        "schedule": crontab(minute=0),
    },
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(minute=30, hour=3),
    },
    "privacy-district-deletions": {
        "task": "privacy.tasks.delete_due_districts",
        "schedule": crontab(minute=0, hour=4),
    },
    "roster-imports-waiting": {
        "task": "districts.tasks.run_waiting_roster_imports",
        "schedule": 60 * 5,
    },
    "roster-drops": {
        "task": "administration.tasks.import_roster_drops",
        # Rostering services deliver at night; each new zip is imported once (see the task).
        "schedule": 60 * 15,
    },
    "clear-expired-sessions": {
        "task": "districts.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
}
