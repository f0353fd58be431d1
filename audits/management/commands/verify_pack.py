from django.core.management.base import BaseCommand

from audits.trail import signing
from audits.trail.packverify import verify_archive


class Command(BaseCommand):
    help = (
        "Verify an evidence pack ZIP offline: every file against the signed manifest, the "
        "manifest's signature and the audit-trail checkpoint's signature, with this "
        "installation's public key. Exit status 0 when the pack holds, 1 when it does not."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The pack's ZIP file.")

    def handle(self, *args, **options):
        report = verify_archive(options["path"], public_key=signing.public_key())
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        for failure in report.failures:
            self.stdout.write(self.style.ERROR(f"FAIL: {failure}"))
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Pack verified."))
            return
        self.stdout.write(self.style.ERROR(f"Pack NOT verified: {len(report.failures)} problems."))
        raise SystemExit(1)
