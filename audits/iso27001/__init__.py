"""Reuse of ISO/IEC 27001: the organisation's Annex A controls (status, owner, evidence) and
reviewed mappings to ISO/IEC 42001 items, through which that evidence counts for readiness.

- ``models.py``: SecurityControl and ControlMapping (app label "audits");
- ``data.py``: the 93 control identifiers, short titles in our own words, suggested mappings;
- ``loader.py``: loads them after every migrate (``manage.py load_iso27001``);
- ``services.py``: edits, proposals and the review/reject actions with their rules;
- ``selectors.py``: reads, and ``supporting_security_evidence``, the one predicate that
  audits.soa.readiness and the gap list use.
"""
