"""Role-matrix rows for imports from spreadsheets: the pages and API of import jobs.
Officers and owners upload (owners only their own systems, checked per row); auditors read
every import, nobody writes as an auditor; each person sees the imports they uploaded."""

from django.core.files.uploadedfile import SimpleUploadedFile

from aims.imports import services
from aims.imports.models import ImportJob

from .framework import API_LOGGED_IN, LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
UPLOAD                  = expect("login    403    ok    ok          ok      403      403")
READ_OFFICERS_JOB       = expect("login    404    404   404         ok      404      ok")
COMMIT_OFFICERS_JOB     = expect("login    404    404   404         ok      404      403")
API_UPLOAD_NO_FILE      = expect("401      403    400   400         400     403      403")
API_READ_OFFICERS_JOB   = expect("401      404    404   404         ok      404      ok")
API_COMMIT_OFFICERS_JOB = expect("401      403    404   404         ok      403      403")
# fmt: on

CSV = (
    "External id,Name,Business unit,Deployment type,AI technique,Decision impact,"
    "Human oversight,Purpose\r\n"
    "MATRIX-{n},Matrix import,Finance,Built in-house,Rules-based,Assists a human,"
    "Human in command (decides when and how to use it),Checks invoices.\r\n"
)


def csv_file(n: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile("matrix.csv", CSV.format(n=n).encode(), "text/csv")


def job(w: World) -> ImportJob:
    return w.once(
        "import_job",
        lambda: services.import_upload(actor=w.officer, kind="systems", uploaded=csv_file()),
    )


def job_pk(w: World) -> dict:
    return {"pk": job(w).pk}


def count(w: World) -> int:
    return ImportJob.objects.count()


def status(w: World) -> str:
    return ImportJob.objects.get(pk=job(w).pk).status


CASES = [
    Case("imports:import_list", "GET", LOGGED_IN),
    Case("imports:import_create", "GET", UPLOAD),
    Case("imports:import_create", "POST", UPLOAD, effect=count,
         data=lambda w: {"kind": "systems", "file": csv_file(2)}),
    Case("imports:import_detail", "GET", READ_OFFICERS_JOB, kwargs=job_pk),
    Case("imports:import_commit", "GET", COMMIT_OFFICERS_JOB, kwargs=job_pk),
    Case("imports:import_commit", "POST", COMMIT_OFFICERS_JOB, kwargs=job_pk,
         data=lambda w: {}, effect=status),
    Case("imports:import_template", "GET", LOGGED_IN,
         kwargs=lambda w: {"kind": "systems", "file_format": "xlsx"}),
    # --- API ---------------------------------------------------------------------------------
    Case("api:importjob-list", "GET", API_LOGGED_IN),
    Case("api:importjob-list", "POST", API_UPLOAD_NO_FILE, effect=count,
         data=lambda w: {"kind": "systems"}),
    Case("api:importjob-detail", "GET", API_READ_OFFICERS_JOB, kwargs=job_pk),
    Case("api:importjob-commit", "POST", API_COMMIT_OFFICERS_JOB, kwargs=job_pk, effect=status),
    Case("api:importjob-template", "GET", API_LOGGED_IN, data=lambda w: {"kind": "systems"}),
]  # fmt: skip
