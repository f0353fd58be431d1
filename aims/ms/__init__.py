"""The management system (ISO/IEC 42001 clauses 4 to 6): the scope of the AIMS, interested
parties and their feedback, internal and external issues, the AI policy (versioned, approved,
published, acknowledged) and the AI objectives with their progress readings.

- :mod:`.services` every write and its rules; :mod:`.selectors` the permission-restricted
  reads;
- :mod:`.forms` and the pages under /management-system/ (namespace "ms"): :mod:`.views`
  (overview, scope, the registers of parties, feedback and issues, and the base view the
  others share), :mod:`.policy_views`, :mod:`.objective_views`; :mod:`.urls` names them;
- :mod:`.api` the REST API (serializers, views, urls);
- :mod:`.dashboard` the dashboard panel, :mod:`.admin` the read-only admin, :mod:`.wiring`
  the menu, panel, admin and evidence registrations (called from aims.apps), :mod:`.demo` the
  demo records.

The models stay in aims.models (one app label, unchanged tables).
"""
