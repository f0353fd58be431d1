"""The app's reminder sources, found here by aims.reminders.sweep.run_sweep: the actions decided
at management reviews (see :mod:`audits.reviews.reminders`), assigned readiness gaps
(:mod:`audits.soa.reminders`), open findings with an owner and a due date
(:mod:`audits.internal_audits.reminders`), the tasks of the 90-day plan
(:mod:`audits.plan.reminders`), the certification cycle: upcoming external audits and
certificate expiry (:mod:`audits.certification.reminders`), and the certification body's
findings (:mod:`audits.certification.finding_reminders`)."""

from .certification.finding_reminders import SOURCES as EXTERNAL_FINDING_SOURCES
from .certification.reminders import SOURCES as CERTIFICATION_SOURCES
from .internal_audits.reminders import SOURCES as FINDING_SOURCES
from .plan.reminders import SOURCES as PLAN_SOURCES
from .reviews.reminders import SOURCES as REVIEW_SOURCES
from .soa.reminders import SOURCES as GAP_SOURCES

SOURCES = [
    *REVIEW_SOURCES,
    *GAP_SOURCES,
    *FINDING_SOURCES,
    *PLAN_SOURCES,
    *CERTIFICATION_SOURCES,
    *EXTERNAL_FINDING_SOURCES,
]

__all__ = ["SOURCES"]
