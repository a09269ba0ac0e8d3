from django.db import migrations, models


def count_closed_votes(apps, schema_editor):
    """Count the votes already closed, as a close now does, so their pages read no ballots."""
    Decision = apps.get_model("decisions", "Decision")
    closed = Decision.objects.filter(process_type="vote").exclude(
        status__in=["draft", "open_for_input"]
    )
    for decision in closed.iterator():
        options = [line.strip() for line in decision.options.splitlines() if line.strip()]
        lines = {option: [0, []] for option in options}
        ballots = decision.ballots.select_related("voter").order_by("option", "voter__name")
        for ballot in ballots:
            line = lines.setdefault(ballot.option, [0, []])
            line[0] += 1
            if ballot.voter is not None:
                line[1].append(ballot.voter.name)
        turnout = decision.turnout.select_related("person").order_by("person__name", "pk")
        decision.vote_count = {
            "took_part": [[row.person_id, row.person.name] for row in turnout],
            "lines": [[option, count, voters] for option, (count, voters) in lines.items()],
        }
        decision.save(update_fields=["vote_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0007_rights_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="vote_count",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(count_closed_votes, migrations.RunPython.noop),
    ]
