from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.backup import BackupError
from audits.backup.services import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or SQLite's online backup), every file in the "
        "storage and a signed manifest (migrations, rows per table, audit-trail head, SHA-256 "
        "of every file) into FOLDER. The application may keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace a backup already in FOLDER (refused otherwise when FOLDER is not empty).",
        )

    def handle(self, *args, folder: Path, overwrite: bool, **options):
        try:
            made = backup_create(folder=folder, overwrite=overwrite)
        except BackupError as error:
            raise CommandError(str(error)) from error
        head = made["trail_head"]
        self.stdout.write(
            f"Database ({made['database']['vendor']}): {made['database']['file']}, "
            f"{sum(made['counts'].values())} rows in {len(made['counts'])} tables"
        )
        self.stdout.write(f"Files: {len(made['files'])} ({len(made['evidence'])} evidence files)")
        self.stdout.write(f"Audit trail head: {head['length']} links, hash {head['hash']}")
        signature = made["signature"]
        if "unsigned" in signature:
            self.stdout.write(self.style.WARNING(f"Manifest NOT signed: {signature['unsigned']}"))
        else:
            self.stdout.write(f"Manifest signed with key {signature['key_id']}")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
