"""The vocabulary of the history battery: how an entry says to create its model through
the service and the API. Each app's entries live in ``battery_<app>.py`` beside this file (a
module defining ``BATTERY``, a dict model -> Entry); test_battery.py collects them all."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse

from .world import World

Request = tuple[str, str, dict, str]  # method, url, payload, format


def api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 battery", "application/pdf")


@dataclass(frozen=True)
class Entry:
    """How the battery creates one model, and as whom."""

    actor: str  # a role of World
    stage: str  # lifecycle stage of the world's system
    create: Callable[[World], Model]  # through the service, as the actor
    api_create: Callable[[World], Request]  # the API request that creates (or, for a
    # seeded model without a create endpoint, writes) a record
    api_bad: Callable[[World], Request]  # the same endpoint, with bad input
    api_result: Callable[[dict], Model]  # the record the API answered with


def by_id(model: type[Model]) -> Callable[[dict], Model]:
    return lambda body: model.objects.get(pk=body["id"])
