"""Global search: one box in the navigation finds any record the user may see, by its
reference (AIS-0003, RSK-0002, ...) or by the words of its title or name.

- :mod:`.registry` the searchable record types. Each app declares its own entry (its
  ``search.py``) and registers it from its ``AppConfig.ready`` (or its wiring module), so
  aims, the lowest layer, never imports a higher app.
- :mod:`.selectors` the search itself: one query per record type, each over the type's own
  visibility selector (never a raw queryset), PostgreSQL full-text search when the database
  is PostgreSQL, word-by-word ``icontains`` otherwise (SQLite).
- :mod:`.fulltext` the document each register is searched by and its GIN index (each app's
  migrations add the index of its registers with :class:`.fulltext.AddSearchIndex`).
- :mod:`.views` the page ``/search/?q=``, :mod:`.api` ``/api/v1/search/?q=``.
- :mod:`.own_types` the entries of aims' own registers (corrective actions, evidence,
  policies, objectives), registered by :mod:`.wiring`.
"""
