"""Outbound webhooks: officers subscribe a receiver's URL to events (a system created, a gate
decided, an incident marked serious...); each event is recorded as a signed delivery in the
transaction that caused it and sent by a Celery task through the outbox, retried with backoff.
"""
