from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from administration.invitations import invitations_send
from districts.audit import audit
from districts.models import AuditEntry, District, Role, User


class Command(BaseCommand):
    help = "Create a district and invite its first administrator by e-mail."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the district's name, e.g. 'Cedar Valley Schools'")
        parser.add_argument("--admin-email", required=True, help="who runs the district")
        parser.add_argument("--admin-name", required=True, help="their name as people see it")
        parser.add_argument("--slug", default="", help="short name for addresses (from the name)")
        parser.add_argument("--timezone", default="America/Chicago", help="an IANA time zone")
        parser.add_argument("--sourced-id", default="", help="the roster's district sourcedId")
        parser.add_argument(
            "--role",
            default=Role.DISTRICT_LEADER,
            choices=[Role.SUPERINTENDENT, Role.DISTRICT_LEADER, Role.STAFF],
            help="the administrator's role (staff for an IT person)",
        )

    def handle(self, *args, name, admin_email, admin_name, slug, timezone, sourced_id, role, **o):
        request = SimpleNamespace(user=AnonymousUser(), actor_name="manage.py create_district")
        email = admin_email.strip().lower()
        slug = slug or slugify(name)[:50]
        if District.objects.filter(slug=slug).exists():
            raise CommandError(f"A district with the short name {slug!r} exists; pass --slug.")
        if User.objects.filter(email=email).exists():
            raise CommandError(f"{email} already belongs to someone: use another address.")
        district = District(name=name, slug=slug, timezone=timezone, sourced_id=sourced_id)
        try:
            district.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        with transaction.atomic():
            district.save()
            audit(request, district, AuditEntry.Action.ADD, f"name: {name}")
            try:
                admin = User.objects.create_user(
                    email=email, district=district, name=admin_name, role=role
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            admin.is_district_admin = True
            admin.save(update_fields=["is_district_admin"])
            audit(request, admin, AuditEntry.Action.ADD, "district administrator: yes")
            invitations_send(people=[admin], by=None, request=request)
        self.stdout.write(f"Created the district {name} ({slug}).")
        self.stdout.write(f"An invitation to sign in is on its way to {email}.")
