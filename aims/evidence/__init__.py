"""Evidence: files and links (hashed, versioned) attached to any registered record, and the
evidence library that lists them.

- :mod:`.registry` which record types take evidence (apps register theirs in ready());
- :mod:`.services` the writes (attach, replace with a new version) and who may attach;
  :mod:`.selectors` the one evidence engine (``visible_evidence``, ``evidence_on``: a piece
  is as visible as its target) and the library's reads;
- :mod:`.forms`, :mod:`.views`, :mod:`.urls` the library pages under /evidence/ (namespace
  "evidence"), plus the download and attach pages that aims.web_urls mounts in the "aims"
  namespace;
- :mod:`.api` the REST API: /evidence/ and /evidence-library/ (serializers, views, urls).

The model stays in aims.models.
"""
