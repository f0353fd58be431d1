"""History battery for the evidence library. Evidence itself has its entry in
test_battery.py (created through evidence_create and /api/v1/evidence/); the library adds no
history-tracked model of its own (versions are Evidence rows), so nothing is declared here."""

from django.db.models import Model

from .battery_framework import Entry

BATTERY: dict[type[Model], Entry] = {}
