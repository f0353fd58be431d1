"""``manage.py load_iso27001``: load or refresh the ISO/IEC 27001 Annex A controls (idempotent)."""

from django.core.management.base import BaseCommand

from audits.iso27001.loader import load_iso27001


class Command(BaseCommand):
    help = (
        "Load the ISO/IEC 27001:2022 Annex A controls and the mappings AIMS suggests. Safe to "
        "run again: the organisation's records are never changed and a rejected suggestion "
        "is not re-created. It also runs after every migrate."
    )

    def handle(self, *args, **options):
        s = load_iso27001()
        self.stdout.write(
            self.style.SUCCESS(
                f"ISO/IEC 27001: {s['controls']} controls ({s['created']} created, "
                f"{s['updated']} updated), {s['suggestions_created']} suggested mappings added."
            )
        )
