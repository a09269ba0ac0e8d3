from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0009_stakeholder_kind_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="went_around",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
    ]
