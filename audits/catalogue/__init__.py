"""The control catalogue: the ISO/IEC 42001 clause requirements (4-10) and Annex A controls,
with crosswalks to the EU AI Act and the NIST AI RMF. The facts live in :mod:`audits.data`.

- :mod:`.services` loads the catalogue into the database (idempotent; after every migrate
  and through ``manage.py load_catalogue``) and creates a SoA statement per requirement;
- :mod:`.selectors` reads it for those who may view it;
- :mod:`.api` serves it read-only under /api/v1/catalogue/.

There are no catalogue pages of their own: the SoA pages (:mod:`audits.soa`) show it.
"""
