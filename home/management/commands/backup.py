from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from home.backup import BackupError, back_up


class Command(BaseCommand):
    help = "Back up the database (and the secret key kept under var/) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, folder: Path, **options):
        try:
            manifest = back_up(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Backed up {rows} rows in {len(manifest['rows'])} tables to {folder}.")
        if not manifest["secret_key_included"]:
            self.stdout.write(
                "SECRET_KEY comes from the environment: keep it with this backup, since "
                "anonymous input is sealed with it."
            )
