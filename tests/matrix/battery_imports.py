"""History battery entry for import jobs: uploaded (and so previewed) by an officer, through
the service and the API."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model

from aims.imports import services
from aims.imports.models import ImportJob

from .battery_framework import Entry, api, by_id

CSV = b"External id,Name\r\nBATTERY-1,Battery import\r\n"


def csv_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("battery.csv", CSV, "text/csv")


BATTERY: dict[type[Model], Entry] = {
    ImportJob: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: services.import_upload(
            actor=w.officer, kind="systems", uploaded=csv_file()
        ),
        api_create=lambda w: (
            "post",
            api("importjob-list"),
            {"kind": "systems", "file": csv_file()},
            "multipart",
        ),
        api_bad=lambda w: ("post", api("importjob-list"), {"kind": "systems"}, "json"),
        api_result=by_id(ImportJob),
    ),
}
