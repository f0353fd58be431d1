"""People named on history pages."""

from django.contrib.auth import get_user_model


def with_people(entries: list[dict]) -> list[dict]:
    """Copies of ``aims.history_diff`` entries whose ``history_user`` is the User (one query
    for all of them), so pages name people with the ``person`` filter. The entries themselves
    keep the username, which is what the API serves."""
    ids = {entry.get("history_user_id") for entry in entries} - {None}
    users = get_user_model()._default_manager.in_bulk(ids) if ids else {}
    return [
        {**entry, "history_user": users.get(entry.get("history_user_id"), entry["history_user"])}
        for entry in entries
    ]
