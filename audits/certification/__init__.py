"""Certification by an outside body: certification bodies and their auditors, external audits
(stage 1, stage 2, surveillance, recertification, special), the body's findings and our
responses, and the certificate with its three-year cycle. Part of the audits app (label
"audits"): audits.models imports the models so Django finds them there."""
