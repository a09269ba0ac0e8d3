import hashlib

from django.db import migrations, models


def keep_digests(apps, schema_editor):
    """Addresses already in calendar apps keep working: their tokens become digests."""
    CalendarFeed = apps.get_model("principals", "CalendarFeed")
    for feed in CalendarFeed.objects.iterator():
        feed.token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [("principals", "0003_notices_in_the_outbox")]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(keep_digests, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
