from django.core.management.base import BaseCommand, CommandError

from districts.models import District
from home import demo


class Command(BaseCommand):
    help = "Create two invented districts with schools, people, teams and shared purpose."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=demo.DEFAULT_PASSWORD, help="Password of the demo sign-ins."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has a district.",
        )

    def handle(self, *args, password, if_empty, **options):
        if District.objects.exists():
            if if_empty:
                self.stdout.write("The database already has districts; demo data not added.")
                return
            raise CommandError(
                "The database already has districts. Seed the demo into an empty database."
            )
        if len(password) < 8:
            raise CommandError("Choose a demo password of at least 8 characters.")
        districts = demo.seed_all(password=password)
        self.stdout.write(self.style.SUCCESS(f"Seeded {', '.join(d.name for d in districts)}."))
        self.stdout.write(f"Demo sign-ins (password {password!r}):")
        for who, email in demo.sign_ins():
            self.stdout.write(f"  {email:40} {who}")
