"""Competence (ISO/IEC 42001 7.2): the course catalogue, training records and their expiry,
responsibilities and who is assigned to them, refused when the required training is not in
date (unless an officer records an exception).

- :mod:`.services` every write and its rules (``check_training``, expiry); :mod:`.selectors`
  the permission-restricted reads;
- :mod:`.forms`, :mod:`.views`, :mod:`.urls` the pages under /training/ (namespace
  "competence");
- :mod:`.api` the REST API (views, urls);
- :mod:`.wiring` the menu, dashboard and evidence registrations (called from aims.apps),
  :mod:`.demo` the demo records.

The models stay in aims.models.
"""
