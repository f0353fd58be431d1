from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.backup import BackupError
from audits.backup.services import verify_backup


class Command(BaseCommand):
    help = (
        "Check a backup folder against its manifest without restoring it: the manifest's "
        "signature and the SHA-256 of the database file and of every stored file. Exit "
        "status 0 when it matches, 1 when it does not."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        try:
            check = verify_backup(folder=folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Files checked: {check.files_checked}")
        for note in check.notes:
            self.stdout.write(self.style.WARNING(note))
        if check.ok:
            self.stdout.write(self.style.SUCCESS("Backup matches its manifest."))
            return
        for problem in check.problems:
            self.stdout.write(self.style.ERROR(f"- {problem}"))
        self.stdout.write(self.style.ERROR(f"Backup BROKEN: {len(check.problems)} problems."))
        raise SystemExit(1)
