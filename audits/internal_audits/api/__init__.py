"""REST API of audit programmes, internal audits, checklist items and findings."""
