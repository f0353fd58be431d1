"""Comments with @mentions on systems, risks, incidents, findings and corrective actions.

- :mod:`.models` ``Comment`` (generic link to the record, author, body, mentions; history).
- :mod:`.registry` the record types that take comments (``system``, ``risk``, ...): each app
  registers its own from its ``AppConfig.ready``, so aims imports no higher app.
- :mod:`.services` writes and their predicates: :func:`can_comment`, :func:`can_edit_comment`,
  :func:`can_delete_comment`; a mention of someone who cannot see the record is refused.
- :mod:`.selectors` the comments on one record the user may see; resolving ``type:REF``.
- :mod:`.views`, :mod:`.urls` the browser (thread included by ``{% comments_for record %}``),
  :mod:`.api` ``/api/v1/comments/?target=<type>:<reference-or-id>``.
"""
