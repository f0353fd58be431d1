"""Corrective actions (CAPA-, ISO/IEC 42001 10.2), linked to their source (an incident, a
finding, a review, a risk): raise, assign, complete, verify.

- :mod:`.services` every write and its rules (``verification_refusal``...); :mod:`.selectors`
  the restricted reads;
- :mod:`.views`, :mod:`.urls` the pages under /capa/ (namespace "capa");
- :mod:`.api` the REST API (its viewset is registered by aims.api.urls at
  /api/v1/corrective-actions/).

The menu entry is registered by aims.apps; the model stays in aims.models.
"""
