"""Evidence packs: a PDF and a signed ZIP of the AIMS (whole, one AI system or one period)
that auditors and officers request and download.

- :mod:`.services` request, retry and build (the build runs in :mod:`.tasks`, a Celery task);
  :mod:`.selectors` who sees which packs;
- :mod:`.gather` reads everything a pack shows (one query per table), with
  :mod:`.management` for the management-system records and :mod:`.trail_excerpt` for the
  audit-trail excerpt;
- :mod:`.render` renders the PDF section by section and merges it; :mod:`.archive` builds
  the ZIP (evidence files, manifests, signature, verifier);
- :mod:`.forms`, :mod:`.views`, :mod:`.urls` the pages under /audits/packs/ (namespace
  "audits"); :mod:`.api` the REST API.
"""
