from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from home.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database with a backup made by `backup`. Stop web, worker and beat first."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask before replacing.")

    def handle(self, folder: Path, yes: bool, **options):
        if not yes and input(f"Replace every table with the backup in {folder}? [y/N] ") != "y":
            raise CommandError("Nothing restored.")
        try:
            differences = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if differences:
            lines = [
                f"  {label}: {want} in the backup, {got} now"
                for label, (want, got) in differences.items()
            ]
            raise CommandError("Restored, but some tables differ:\n" + "\n".join(lines))
        self.stdout.write(f"Restored {folder}: every table has the rows the backup counted.")
