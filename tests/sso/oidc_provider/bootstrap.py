"""Prepare the test provider's database: ``python -m tests.sso.oidc_provider.bootstrap
<redirect_uri>`` (DJANGO_SETTINGS_MODULE=tests.sso.oidc_provider.settings)."""

import sys

import django

PASSWORD = "idp-pass-123!"  # noqa: S105
CLIENT_ID = "aims-test-client"
CLIENT_SECRET = "aims-test-secret"  # noqa: S105
# username, email, first, last name, groups
PEOPLE = [
    ("alice", "alice@example.org", "Alice", "Martin", ["aims-officers", "everyone"]),
    ("carol", "carol@example.org", "Carol", "Nguyen", ["aims-committee"]),
    ("bob", "bob@example.org", "Bob", "Stone", ["everyone"]),
]


def main(redirect_uri: str) -> None:
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for username, email, first, last, groups in PEOPLE:
        user = User.objects.create_user(username, email, PASSWORD, first_name=first, last_name=last)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    Application.objects.create(
        name="AIMS",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main(sys.argv[1])
