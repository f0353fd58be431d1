"""Notifications: the in-app messages every app sends, emailed after commit.

- :mod:`.services` ``notify``, ``users_in_role``, marking read (the email itself is the
  ``aims.tasks.email_notifications`` task, under its name);
- :mod:`.views` the list page (aims:notification_list, mounted by aims.web_urls);
- :mod:`.api` the REST API at /api/v1/notifications/ (registered by aims.api.urls).

The model stays in aims.models.
"""
