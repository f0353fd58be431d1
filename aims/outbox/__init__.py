"""Background work that survives a broker outage: a task is recorded in the same transaction
as the change that asks for it (a transactional outbox), sent once that transaction commits,
and sent again by a sweep when the broker was down. Evidence packs use it; any later task
that must not be lost (a webhook delivery) uses the same ``publish_on_commit``."""
