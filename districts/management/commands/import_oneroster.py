import sys

from django.core.management.base import BaseCommand, CommandError

from districts.models import District
from districts.oneroster import RosterError, TextProgress, import_roster


class Command(BaseCommand):
    help = (
        "Import districts, schools and people from a OneRoster 1.1 or 1.2 CSV folder or zip "
        "file, bulk or delta."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder or .zip holding manifest.csv, orgs.csv, ...")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and count everything, then roll back so nothing is saved",
        )
        parser.add_argument(
            "--district",
            metavar="SLUG",
            help="import into this district only (for a roster that lists no district, or to "
            "refuse the orgs of any other)",
        )

    def handle(self, *args, path: str, dry_run: bool, district: str | None = None, **options):
        into = None
        if district:
            into = District.objects.filter(slug=district).first()
            if into is None:
                raise CommandError(f"There is no district with the slug {district!r}.")
        # The bar needs the raw stream: OutputWrapper would end every redraw with a newline.
        progress = TextProgress(options.get("stderr") or sys.stderr)
        try:
            report = import_roster(path, dry_run=dry_run, progress=progress, district=into)
        except RosterError as error:
            raise CommandError(str(error)) from None
        finally:
            progress.close()
        for line in report.summary_lines():
            self.stdout.write(line)
        if reason := report.nobody_reason():
            raise CommandError(reason)
