from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, StrIndex, Substr

# What reminders used to add after the meeting's time: the agenda, item by item.
AGENDA = "\n\nAgenda so far:\n"
INSTEAD = " Open the meeting to read its agenda and add what matters to you."


def drop_agenda_from_reminders(apps, schema_editor):
    """Reminders written before quoted the agenda; the admin shows them. Keep the first line.

    Only the notices: the reminder rows themselves go in the next migration.
    """
    Notification = apps.get_model("notifications", "Notification")
    shortened = Concat(Substr("body", 1, StrIndex("body", Value(AGENDA)) - 1), Value(INSTEAD))
    Notification.objects.filter(kind__startswith="principals.", body__contains=AGENDA).update(
        body=shortened
    )


class Migration(migrations.Migration):
    dependencies = [
        ("principals", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_agenda_from_reminders, migrations.RunPython.noop, elidable=True),
    ]
