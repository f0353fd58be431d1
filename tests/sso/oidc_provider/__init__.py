"""A tiny OpenID Connect provider (django-oauth-toolkit) that the SSO tests start in its own
process: its own settings, URLs, SQLite database and RSA signing key (from the environment).

Run by tests/aims/sso/conftest.py: ``bootstrap`` migrates and creates the people and the
client application, then ``runserver --noreload`` serves it."""
