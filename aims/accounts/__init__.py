"""Accounts: API tokens for people and integrations (hashed, scoped, expiring, revocable),
service accounts, the list of one's signed-in sessions and password reset by email.

Revocation follows the account: a password change or a deactivation, by any path, revokes the
user's tokens and ends their sessions (``aims.accounts.wiring``)."""
