"""Internal audits (ISO/IEC 42001 9.2): audit programmes, audits with their checklist, and
the findings they raise.

- :mod:`.services` writes of programmes, audits, checklists and the audit workflow (planned
  -> in progress -> reporting -> closed), with independence and closing rules;
  :mod:`.findings` writes of findings and the corrective actions opened from them;
- :mod:`.selectors` the permission-restricted reads;
- :mod:`.forms`, :mod:`.views`, :mod:`.urls` the pages under /internal-audits/ (namespace
  "internal_audits", which also holds the management-review pages of :mod:`audits.reviews`);
  the page bases shared with reviews are in :mod:`audits.view_bases`;
- :mod:`.api` the REST API; :mod:`.admin` the admin registrations; :mod:`.wiring` menu,
  dashboard panel, evidence targets and CAPA source (called from audits.apps);
  :mod:`.demo` the demo records.
"""
