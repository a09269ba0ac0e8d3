import json
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import scale as scaling
from districts.oneroster import TextProgress


class Command(BaseCommand):
    help = (
        "Build a district at the scale of the largest (1,800 schools, 80,000 people, 50,000 "
        "decisions, 300,000 inputs, 100,000 rounding visits, two years of check-ins) and a small "
        "second district, with known sign-ins for the benchmark."
    )

    def add_arguments(self, parser):
        default = scaling.Size()
        for option, help_text in [
            ("schools", "schools in the scale district"),
            ("people", "people in its roster"),
            ("teams", "leadership teams"),
            ("decisions", "decisions, with ≈4 stakeholders each"),
            ("inputs", "inputs on decisions, named and anonymous"),
            ("visits", "rounding visits"),
            ("conversations", "rounding conversations"),
            ("follow_ups", "rounding follow-ups"),
            ("pairs", "check-in pairs (two years of check-ins each)"),
        ]:
            parser.add_argument(
                f"--{option.replace('_', '-')}",
                type=int,
                default=None,
                help=f"Number of {help_text} (default {getattr(default, option):,}).",
            )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every default count, e.g. 0.01 for a quick run.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random choices.")
        parser.add_argument(
            "--password",
            default=scaling.DEFAULT_PASSWORD,
            help="Password of the benchmark sign-ins.",
        )
        parser.add_argument(
            "--no-small",
            action="store_true",
            help="Leave out the small second district.",
        )
        parser.add_argument(
            "--output",
            default=str(settings.VAR_DIR / "scale.json"),
            help="Where to write the ids and e-mails the benchmark needs (JSON).",
        )

    def handle(self, *args, scale: float, seed: int, password: str, no_small, output, **options):
        if scale <= 0:
            raise CommandError("--scale must be above zero.")
        if len(password) < 8:
            raise CommandError("Choose a password of at least 8 characters.")
        found = scaling.existing()
        if found:
            raise CommandError(
                f"The database already has {', '.join(found)}. "
                "Seed the scale data into a database without it."
            )
        size = scaling.Size().scaled(scale) if scale != 1.0 else scaling.Size()
        for name in vars(size):
            if options.get(name) is not None:
                if options[name] < 1:
                    raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
                setattr(size, name, options[name])
        progress = TextProgress(sys.stderr)
        started = time.monotonic()
        try:
            bench = scaling.seed(
                size,
                seed=seed,
                password=password,
                progress=progress,
                small=None if no_small else scaling.SMALL,
            )
        finally:
            progress.close()
        scaling.analyze()
        elapsed = time.monotonic() - started
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(bench, indent=2) + "\n")
        self.stdout.write(self.style.SUCCESS(f"Seeded the scale data in {elapsed:.0f} s."))
        for key in ("district_id", "school_id", "decision_id", "check_in_id", "pair_id"):
            self.stdout.write(f"  {key:12} {bench.get(key)}")
        self.stdout.write(f"Sign-ins (password {password!r}):")
        for who, email in bench["emails"].items():
            self.stdout.write(f"  {email:40} {who}")
        self.stdout.write(f"Written to {path}.")
