"""The page of one record: loaded through the app's selector, a 404 when out of reach.

See the package docstring (``aims.view_helpers``) for how the bases fit together.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


class RecordMixin(LoginRequiredMixin):
    """Loads the record named by the URL's ``pk`` through ``load`` (the app's selector ``get``,
    which only finds what the user may see) and keeps it under ``record_attr``
    (``self.record``, or ``self.system``, ``self.capa``...). A record the user may not see answers
    404, as one that does not exist: nothing leaks that it is there. An anonymous visitor is
    sent to the login page before any lookup.

    Checks that need the record (a role permission, a right to change it) go in ``check``,
    which runs after the load, so a hidden record is a 404 before it can be a 403.
    """

    record_attr = "record"

    def load(self, user, pk):
        """The selector call, e.g. ``selectors.system_get(user=user, pk=pk)``."""
        raise NotImplementedError

    def check(self, request) -> None:
        """Raise PermissionDenied when the user may see the record but not use this page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            record = self.load(request.user, kwargs["pk"])
        except ObjectDoesNotExist:
            raise Http404 from None
        setattr(self, self.record_attr, record)
        self.check(request)
        return super().dispatch(request, *args, **kwargs)
