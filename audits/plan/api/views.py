"""REST API of the 90-day plan. Thin: reads through audits.plan.selectors (a task the user
may not see is a 404), writes through audits.plan.services; refusals are 403 (not yours to
do), 409 (not in this state, nothing to plan) or 400 (bad input, with field errors)."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.view_helpers import object_or_404
from aims.api.views import AUTHENTICATION_CLASSES, AIMSViewSetMixin
from aims.errors import RuleForbidden

from ...errors import Code
from .. import selectors, services
from ..models import PlanTask
from .serializers import (
    PlanGeneratedSerializer,
    PlanGenerateSerializer,
    PlanProgressSerializer,
    PlanTaskCreateSerializer,
    PlanTaskNoteSerializer,
    PlanTaskReadSerializer,
    PlanTaskUpdateSerializer,
)


def progress_data(progress) -> dict:
    return PlanProgressSerializer(
        {
            "exists": progress.exists,
            "start_date": progress.start_date,
            "end_date": progress.end_date,
            "day": progress.day,
            "current_phase": progress.current_phase,
            "total": progress.total,
            "done": progress.done,
            "open": progress.open,
            "overdue": progress.overdue,
            "percent": progress.percent,
            "phases": progress.phases,
            "next_due": progress.next_due,
            "phase_rule": {str(k): v for k, v in services.PHASE_RULE.items()},
        }
    ).data


class PlanTaskFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Reference, words of the title or a code")
    overdue = filters.BooleanFilter(method="only_overdue", label="Overdue tasks only")

    class Meta:
        model = PlanTask
        fields = ["phase", "status", "owner", "item"]

    def search(self, queryset, name, value):
        return selectors.search_tasks(queryset, value)

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        from django.utils import timezone

        return queryset.filter(PlanTask.overdue_q(timezone.localdate()))


@extend_schema_view(
    create=extend_schema(request=PlanTaskCreateSerializer, responses={201: PlanTaskReadSerializer}),
    partial_update=extend_schema(
        request=PlanTaskUpdateSerializer, responses={200: PlanTaskReadSerializer}
    ),
)
class PlanTaskViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Tasks of the 90-day plan (TSK-). Officers and auditors see every task, anyone else
    their own. Officers add tasks (POST) and reassign them (PATCH owner, due_date); the
    owner or an officer moves a task on by POST start/ and done/ (with a note of what was
    done); officers drop one by POST drop/ (with the reason)."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    read_serializer_class = PlanTaskReadSerializer
    write_serializer_class = PlanTaskCreateSerializer
    # Owners work on their own tasks without a model permission: the services decide.
    write_permissions = ()
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PlanTaskFilter

    def selected(self) -> QuerySet:
        return selectors.task_list(user=self.request.user)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return PlanTask.objects.none()
        return self.selected()

    def get_object(self) -> PlanTask:
        return object_or_404(self.selected(), self.kwargs["pk"])

    def fresh(self, task: PlanTask) -> PlanTask:
        return self.selected().get(pk=task.pk)

    def create(self, request):
        if not services.can_run_plan(request.user):  # refused before the input is read
            raise RuleForbidden(
                "Only governance officers add tasks to the 90-day plan.",
                code=Code.PERMISSION_DENIED,
            )
        data = self.validated_input(PlanTaskCreateSerializer)
        task = services.task_create(actor=request.user, **data)
        return self.read_response(self.fresh(task), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        task = self.get_object()
        refusal = services.reassign_refusal(request.user, task)
        if refusal is not None:
            raise refusal
        data = self.validated_input(PlanTaskUpdateSerializer, partial=True)
        task = services.task_reassign(actor=request.user, task=task, **data)
        return self.read_response(self.fresh(task))

    def _move(self, request, name: str, serializer=None):
        task = self.get_object()
        refusal = services.transition_refusal(request.user, task, name)
        if refusal is not None:
            raise refusal
        data = self.validated_input(serializer) if serializer else {}
        task = services.task_transition(actor=request.user, task=task, action=name, **data)
        return self.read_response(self.fresh(task))

    @extend_schema(request=None, responses=PlanTaskReadSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start an open task (its owner or an officer)."""
        return self._move(request, "start")

    @extend_schema(request=PlanTaskNoteSerializer, responses=PlanTaskReadSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Mark a task done, saying what was done (its owner or an officer)."""
        return self._move(request, "done", PlanTaskNoteSerializer)

    @extend_schema(request=PlanTaskNoteSerializer, responses=PlanTaskReadSerializer)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        """Drop a task, saying why (officers)."""
        return self._move(request, "drop", PlanTaskNoteSerializer)


class PlanGenerateView(APIView):
    """Generate the 90-day plan from the gap assessment (officers). Again: adds tasks only for
    gaps without a task still to do. 409 ``no_assessment`` before any gap assessment is
    recorded, 409 ``nothing_to_plan`` when every gap has a task."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PlanGenerateSerializer, responses={201: PlanGeneratedSerializer})
    def post(self, request):
        if not services.can_run_plan(request.user):
            raise RuleForbidden(
                "Only governance officers generate the 90-day plan.", code=Code.PERMISSION_DENIED
            )
        serializer = PlanGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        generated = services.generate_plan(
            actor=request.user, start=serializer.validated_data.get("start")
        )
        tasks = selectors.task_list(user=request.user).filter(
            pk__in=[t.pk for t in generated.created]
        )
        data = {
            "message": generated.message,
            "created": len(generated.created),
            "created_by_phase": {str(k): v for k, v in generated.by_phase.items()},
            "tasks": PlanTaskReadSerializer(tasks, many=True).data,
            "progress": progress_data(selectors.plan_progress(user=request.user)),
        }
        return Response(data, status=status.HTTP_201_CREATED)


class PlanProgressView(APIView):
    """How far the plan is: per phase, tasks done of the total (dropped aside), overdue, the
    next task due, and the phasing rule. Officers and auditors: the whole plan; a task's
    owner: their own tasks; anyone else 403."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PlanProgressSerializer)
    def get(self, request):
        if not services.can_view_plan(request.user):
            raise RuleForbidden(
                "Your role does not give access to the 90-day plan.", code=Code.PERMISSION_DENIED
            )
        return Response(progress_data(selectors.plan_progress(user=request.user)))
