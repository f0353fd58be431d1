"""Management reviews (ISO/IEC 42001 9.3): the inputs top management considers, gathered from
live data, the outcome recorded at the meeting, and the actions decided.

- :mod:`.inputs` gathers the inputs (one query per register); :mod:`.trends` compares the
  headline figures with the previous review; :mod:`.display` turns a stored snapshot into
  the sections a page shows;
- :mod:`.services` every write of a review and its actions; :mod:`.selectors` the reads;
- :mod:`.forms`, :mod:`.views`, :mod:`.urls` the pages, in the "internal_audits" namespace
  (URL names ``internal_audits:review_*``);
- :mod:`.api` the REST API; :mod:`.reminders` the due dates of open actions (offered to the
  reminder sweep through audits.reminders).
"""
