"""``manage.py load_catalogue``: load or refresh the ISO/IEC 42001 catalogue (idempotent)."""

from django.core.management.base import BaseCommand

from audits.catalogue.services import load_catalogue


class Command(BaseCommand):
    help = (
        "Load the ISO/IEC 42001 clauses 4-10, Annex A controls and their crosswalks from project "
        "data. Safe to run again: items are updated in place and existing SoA statements are "
        "never changed. It also runs after every migrate."
    )

    def handle(self, *args, **options):
        summary = load_catalogue()
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalogue: {summary['requirements']} requirements and {summary['controls']} "
                f"Annex A controls ({summary['items']} items with headings); "
                f"{summary['created']} created, {summary['updated']} updated, "
                f"{summary['crosswalks_created']} crosswalks added, "
                f"{summary['crosswalks_removed']} removed, "
                f"{summary['statements_created']} statements created."
            )
        )
