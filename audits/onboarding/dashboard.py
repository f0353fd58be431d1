"""The dashboard's first-run panel: for governance officers only, while the first run is
needed or unfinished; absent once it is done (and for demo data, whose organisation has
records but never started a first run)."""

from django.http import HttpRequest

from . import selectors, services


def first_run_panel(request: HttpRequest) -> dict | None:
    if not services.can_run_first_run(request.user):
        return None
    record = services.first_run_current()
    if record is None and not selectors.first_run_needed():
        return None  # an organisation with records that never used the first run
    steps = selectors.first_run_progress(record)
    if all(s.status == selectors.DONE for s in steps):
        return None
    return {
        "needed": record is None,
        "steps": steps,
        "done": sum(s.status == selectors.DONE for s in steps),
        "next_step": selectors.next_step(steps),
    }
