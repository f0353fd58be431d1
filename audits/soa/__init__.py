"""The Statement of Applicability (ISO/IEC 42001 6.1.3): one statement per catalogue item
saying whether it applies, why, how far it is implemented, who owns it and what proves it;
approved versions (snapshots) and their comparison; readiness and gaps.

- :mod:`.services` every write (statement edits, version approval) and its rules;
  :mod:`.selectors` the permission-restricted reads;
- :mod:`.readiness` how ready each control is (owner, evidence, implementation) and
  :mod:`.gaps` the gaps across the AIMS that an auditor would raise;
- :mod:`.forms`, :mod:`.views`, :mod:`.urls` the pages under /controls/ (namespace "soa");
- :mod:`.api` the REST API (statements, versions, readiness);
- :mod:`.dashboard` the readiness panel, :mod:`.wiring` the menu, panel and evidence
  registrations (called from audits.apps), :mod:`.demo` the demo records.
"""
