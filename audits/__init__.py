"""The audits app: assurance of the AIMS. One sub-package per domain, each laid out like an
app (services, selectors, forms, views, urls, api/):

- :mod:`.catalogue` the ISO/IEC 42001 clauses and Annex A controls with their crosswalks;
- :mod:`.soa` the Statement of Applicability, its approved versions, readiness and gaps
  (pages under /controls/, namespace "soa");
- :mod:`.internal_audits` audit programmes, internal audits, checklists and findings
  (pages under /internal-audits/, namespace "internal_audits");
- :mod:`.reviews` management reviews and their actions (same namespace as internal audits);
- :mod:`.packs` evidence packs: the PDF and the signed ZIP an auditor downloads;
- :mod:`.trail` the verifiable audit trail (hash chain, signed checkpoints).

The models of every domain stay in :mod:`.models` (one app label, unchanged tables);
``errors``, ``roles``, ``tasks``, ``reminders``, ``demo`` and ``urls`` at this level are the
app's entry points that Django, Celery and the project look up by name, and they delegate to
the domains. ``audit_trail`` is kept for the migrations that import it.
"""
