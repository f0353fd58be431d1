"""The app's reminder sources, found here by aims.reminders.sweep.run_sweep: the actions decided
at management reviews (see :mod:`audits.reviews.reminders`), assigned readiness gaps
(:mod:`audits.soa.reminders`) and open findings with an owner and a due date
(:mod:`audits.internal_audits.reminders`), and the certification cycle: upcoming external
audits and certificate expiry (:mod:`audits.certification.reminders`)."""

from .certification.reminders import SOURCES as CERTIFICATION_SOURCES
from .internal_audits.reminders import SOURCES as FINDING_SOURCES
from .reviews.reminders import SOURCES as REVIEW_SOURCES
from .soa.reminders import SOURCES as GAP_SOURCES

SOURCES = [*REVIEW_SOURCES, *GAP_SOURCES, *FINDING_SOURCES, *CERTIFICATION_SOURCES]

__all__ = ["SOURCES"]
