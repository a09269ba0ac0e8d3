from django.core.management.base import BaseCommand

from districts.crypto import encrypted_fields, rewrite_rows


class Command(BaseCommand):
    help = (
        "Encrypt every encrypted note again with the first of ENCRYPTION_KEYS. Put the new key "
        "first, keep the old ones after it, run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        for model, names in encrypted_fields():
            count = rewrite_rows(model, names)
            self.stdout.write(f"{model._meta.label}: {count} rows encrypted with the first key")
