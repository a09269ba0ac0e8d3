from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from districts.models import District
from privacy.district_data import district_export


class Command(BaseCommand):
    help = (
        "Export everything one district owns: a JSON Lines file per table, manifest.json "
        "(rows and schema per table), and FOLDER.zip. Run it again to resume an interrupted run."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("folder", type=Path)

    def handle(self, *args, slug, folder, **options):
        district = District.objects.filter(slug=slug).first()
        if district is None:
            raise CommandError(f"No district {slug!r}.")

        def progress(label, rows):
            self.stdout.write(f"{label}: {rows} rows")

        archive = district_export(district=district, folder=folder, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Wrote {archive}"))
