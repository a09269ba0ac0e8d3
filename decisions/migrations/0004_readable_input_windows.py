"""Bring back into range the input windows stored past the year 9999 in UTC.

Before dates were bounded, a window closing on Dec 31, 9999 at 23:00 in a zone west of UTC
was stored by PostgreSQL past the year 10,000, which Python cannot read: every page, list
and export that read the decision failed. Such times become the last day the app accepts
(still after the window opens). SQLite never stored them: converting to UTC failed first.
"""

from django.db import migrations

# Dec 31, 2100 is the last day `districts.bounds` accepts; midnight UTC is that day in every zone.
REPAIR = """
UPDATE decisions_decision
   SET input_opens = TIMESTAMPTZ '2100-12-30 00:00+00'
 WHERE input_opens >= TIMESTAMPTZ '10000-01-01 00:00+00';
UPDATE decisions_decision
   SET input_closes = GREATEST(
           TIMESTAMPTZ '2100-12-31 00:00+00', input_opens + INTERVAL '1 hour'
       )
 WHERE input_closes >= TIMESTAMPTZ '10000-01-01 00:00+00';
"""


def repair(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(REPAIR)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_list_indexes")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop, elidable=True)]
