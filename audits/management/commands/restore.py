from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.backup import BackupError
from audits.backup.services import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an EMPTY database and an EMPTY storage, then "
        "verify it: the audit trail is intact, every evidence file matches its SHA-256, and "
        "the rows per table and the chain's head equal the manifest's. Exit status 0 when "
        "everything matches, 1 when anything does not."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore over a database and storage that are not empty (overwrites them).",
        )

    def handle(self, *args, folder: Path, force: bool, **options):
        try:
            result = backup_restore(folder=folder, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        made = result.manifest
        trail = result.trail
        self.stdout.write(
            f"Restored {made['database']['vendor']} database of {made['created_at']} "
            f"(AIMS {made['app_version']}) and {result.files_restored} files"
        )
        self.stdout.write(
            f"Audit trail: {trail.head['length']} links, {trail.checked} verified, "
            f"{'intact' if trail.ok else 'BROKEN'}"
        )
        self.stdout.write(f"Evidence files checked: {result.evidence_checked}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        if result.ok:
            self.stdout.write(self.style.SUCCESS("Restore verified."))
            return
        for problem in result.problems:
            self.stdout.write(self.style.ERROR(f"- {problem}"))
        count = len(result.problems)
        self.stdout.write(self.style.ERROR(f"Restore NOT verified: {count} problems."))
        raise SystemExit(1)
