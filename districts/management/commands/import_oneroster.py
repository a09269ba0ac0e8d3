import sys

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, path: str, dry_run: bool, **options):
        # The bar needs the raw stream: OutputWrapper would end every redraw with a newline.
        progress = TextProgress(options.get("stderr") or sys.stderr)
        try:
            report = import_roster(path, dry_run=dry_run, progress=progress)
        except RosterError as error:
            raise CommandError(str(error)) from None
        finally:
            progress.close()
        for line in report.summary_lines():
            self.stdout.write(line)
        if reason := report.nobody_reason():
            raise CommandError(reason)
