"""The first 90 days: a plan of tasks generated from the gap assessment, in 30/60/90-day
phases, with owners, due dates, reminders and a progress view.

- :mod:`.models` ``Plan`` (start date, who generated it) and ``PlanTask`` (TSK-), imported by
  audits.models;
- :mod:`.services` every write and its rules: ``generate_plan`` (the phasing rule in its
  module docstring), ``generate_refusal``, ``task_create``, ``task_transition`` (start, done,
  drop), ``task_reassign`` and the predicates the pages and the API ask;
- :mod:`.selectors` the restricted reads, and ``plan_progress`` (a ``PlanProgress``) for the
  dashboard, the first-run wizard and the API;
- :mod:`.views`, :mod:`.urls` the pages under /plan/ (namespace "plan"); :mod:`.api` the
  REST API (/api/v1/plan-tasks/, /api/v1/plan/generate/, /api/v1/plan/progress/);
- :mod:`.reminders` the "plan-task" reminder source (through audits.reminders);
  :mod:`.dashboard` the "90-day plan" panel; :mod:`.wiring` the menu entry and the panel
  (called from audits.apps).
"""
