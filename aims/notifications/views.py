"""The acting user's notifications in the browser (mounted by aims.web_urls in the "aims"
namespace: aims:notification_list)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.views.generic import ListView

from aims.models import record_number
from aims.notifications.services import notification_mark_read


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "aims/notification_list.html"
    paginate_by = 25
    context_object_name = "notifications"

    def get_queryset(self):
        notes = self.request.user.notifications.all()
        if self.unread_only:
            notes = notes.filter(read_at__isnull=True)
        return notes

    @property
    def unread_only(self) -> bool:
        return self.request.GET.get("unread") == "1"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unread_only=self.unread_only,
            querystring_without_page="unread=1&" if self.unread_only else "",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """Mark the posted ids read, or every unread notification when none is posted."""
        ids = request.POST.getlist("id")
        count = notification_mark_read(
            user=request.user,
            notification_ids=[n for n in map(record_number, ids) if n is not None] or None,
        )
        messages.success(request, f"{count} notification(s) marked as read.")
        return HttpResponseRedirect(request.get_full_path())
