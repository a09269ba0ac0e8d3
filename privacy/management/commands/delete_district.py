import json

from django.core.management.base import BaseCommand, CommandError

from districts.models import District
from privacy.district_data import deletion_pending, deletion_request, district_delete


class Command(BaseCommand):
    help = (
        "Delete a district at the end of its contract. Without --now it is held for --days "
        "(default 30), in which the superintendent can cancel it on the privacy page; with "
        "--now every row of the district is deleted at once. Either way --confirm must repeat "
        "the slug. Prints the deletion certificate (rows deleted per table)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--confirm", default="", help="The district's slug, again.")
        parser.add_argument(
            "--now", action="store_true", help="Delete now, without a grace period."
        )
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--by", default="platform operator")

    def handle(self, *args, slug, confirm, now, days, by, **options):
        district = District.objects.filter(slug=slug).first()
        if district is None:
            raise CommandError(f"No district {slug!r}.")
        if confirm != slug:
            raise CommandError(f"Nothing deleted: repeat the slug with --confirm {slug}.")
        if now:
            certificate = district_delete(district=district, by=by)
            self.stdout.write(
                json.dumps(
                    {
                        "district": certificate.district_name,
                        "deleted_at": certificate.done_at.isoformat(),
                        "by": certificate.requested_by,
                        "rows": certificate.counts,
                    },
                    indent=2,
                )
            )
            return
        if pending := deletion_pending(district):
            raise CommandError(f"Deletion already requested, due {pending.due_at.isoformat()}.")
        request = deletion_request(district=district, by=by, days=days)
        self.stdout.write(f"{district.name} will be deleted after {request.due_at.isoformat()}.")
