"""Multi-factor authentication on top of django-allauth's ``allauth.mfa``: who must have a
second factor (``AIMS_MFA_REQUIRED_ROLES``), the enrolment gate for them, and the officers'
view of who has one, with a recorded reset."""
