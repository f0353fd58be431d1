"""REST API of reminders: the rules officers tune, and a sweep on request.
Thin: aims.reminders.services holds the rules."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.permissions import WritePermission
from aims.api.views import AUTHENTICATION_CLASSES, AIMSViewSetMixin, write_schema
from aims.models import ReminderRule
from aims.permissions import has_global_perm
from aims.reminders import services as reminder_services
from aims.reminders.api.serializers import (
    ReminderRuleReadSerializer,
    ReminderRuleWriteSerializer,
    ScheduleReadSerializer,
    ScheduleWriteSerializer,
    SweepSerializer,
)


@extend_schema_view(
    **write_schema(ReminderRuleWriteSerializer, ReminderRuleReadSerializer, ("partial_update",))
)
class ReminderRuleViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """How far ahead each kind of reminder is sent, and whether it is on. Read by the roles
    that read the management system; changed by governance officers."""

    read_serializer_class = ReminderRuleReadSerializer
    write_serializer_class = ReminderRuleWriteSerializer
    write_permissions = ("aims.change_reminderrule",)
    filter_backends = []
    pagination_class = None  # one row per kind of reminder

    def get_queryset(self) -> QuerySet[ReminderRule]:
        if has_global_perm(self.request.user, "aims.view_reminderrule"):
            return ReminderRule.objects.all()
        return ReminderRule.objects.none()

    def partial_update(self, request, pk=None):
        rule = self.get_object()
        data = self.validated_input(partial=True)
        rule = reminder_services.reminder_rule_update(
            actor=request.user,
            rule=rule,
            lead_days=data.get("lead_days", rule.lead_days),
            enabled=data.get("enabled", rule.enabled),
        )
        return self.read_response(rule)


@extend_schema_view(
    **write_schema(ScheduleWriteSerializer, ScheduleReadSerializer, ("partial_update",))
)
class ScheduleViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """When the scheduled tasks run, in words and as a choice (every N minutes or hours,
    daily or weekly at a time). Read and changed by governance officers."""

    read_serializer_class = ScheduleReadSerializer
    write_serializer_class = ScheduleWriteSerializer
    write_permissions = ("django_celery_beat.change_periodictask",)
    filter_backends = []
    pagination_class = None  # a handful of tasks

    def get_queryset(self):
        from django_celery_beat.models import PeriodicTask

        if has_global_perm(self.request.user, "django_celery_beat.view_periodictask"):
            return PeriodicTask.objects.select_related("crontab", "interval").order_by("name")
        return PeriodicTask.objects.none()

    def partial_update(self, request, pk=None):
        task = self.get_object()
        data = self.validated_input(partial=True)
        task = reminder_services.schedule_update(
            actor=request.user,
            task=task,
            enabled=data.get("enabled", task.enabled),
            choice=data.get("choice"),
        )
        return self.read_response(task)


class SweepView(APIView):
    """Run the reminder sweep now (governance officers). With a task queue it is queued
    (202, no counts); without one it runs in the request (200, with its counts). Running it
    twice notifies nobody twice."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, WritePermission]
    write_permissions = ("aims.change_reminderrule",)

    @extend_schema(request=None, responses={200: SweepSerializer, 202: SweepSerializer})
    def post(self, request):
        summary = reminder_services.sweep_request(actor=request.user)
        if summary is None:
            empty = dict.fromkeys(("date", "total_created", "created", "due", "digests"))
            return Response(
                SweepSerializer({"queued": True, **empty}).data, status=status.HTTP_202_ACCEPTED
            )
        return Response(SweepSerializer({"queued": False, **summary}).data)
