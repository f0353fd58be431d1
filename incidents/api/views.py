"""REST API of incidents and monitoring. Thin: reads through incidents.selectors (an object
outside the user's reach is a 404), writes through incidents.services and aims.capa.services."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from aims.api.views import AIMSViewSetMixin, write_schema
from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.permissions import has_global_perm
from incidents import selectors, services, time_target_services
from incidents.models import Alert, Incident, IncidentTimeTarget, Metric, Observation

from .serializers import (
    AlertReadSerializer,
    AwarenessCorrectionSerializer,
    CorrectiveActionCreateSerializer,
    CorrectiveActionReadSerializer,
    IncidentCreateSerializer,
    IncidentEventSerializer,
    IncidentReadSerializer,
    IncidentTimeTargetReadSerializer,
    IncidentTimeTargetUpdateSerializer,
    IncidentTransitionSerializer,
    IncidentUpdateSerializer,
    IngestResultSerializer,
    MetricReadSerializer,
    MetricUpdateSerializer,
    MetricWriteSerializer,
    NoteSerializer,
    ObservationBulkSerializer,
    ObservationInSerializer,
    ObservationReadSerializer,
    ReportSubmittedSerializer,
    SeriousSerializer,
    SeveritySerializer,
)

# --- Incidents ------------------------------------------------------------------------------


class IncidentFilter(filters.FilterSet):
    system = filters.NumberFilter(field_name="systems")
    open = filters.BooleanFilter(method="filter_open", label="Not closed")

    class Meta:
        model = Incident
        fields = ["status", "severity", "category", "system"]

    def filter_open(self, queryset, name, value):
        return queryset.exclude(status="closed") if value else queryset.filter(status="closed")


@extend_schema_view(
    create=extend_schema(request=IncidentCreateSerializer, responses={201: IncidentReadSerializer}),
    partial_update=extend_schema(
        request=IncidentUpdateSerializer, responses={200: IncidentReadSerializer}
    ),
)
class IncidentViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Incidents on AI systems. Reported by POST, moved through their workflow by
    POST /incidents/{id}/transition/; never deleted."""

    read_serializer_class = IncidentReadSerializer
    write_serializer_class = IncidentCreateSerializer
    write_permissions = (
        "incidents.add_incident",
        "incidents.change_incident",
        "incidents.report_serious_incident",
    )
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = IncidentFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Incident]:
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return selectors.incident_list(user=self.request.user).prefetch_related("systems")

    def get_object(self) -> Incident:
        try:
            return selectors.incident_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except Incident.DoesNotExist:
            raise NotFound() from None

    def create(self, request):
        data = self.validated_input()
        incident = services.incident_report(
            actor=request.user, other_systems=data.pop("systems", []), **data
        )
        return self.read_response(self.get_object_for(incident), status.HTTP_201_CREATED)

    def get_object_for(self, incident: Incident) -> Incident:
        return selectors.incident_get(user=self.request.user, pk=incident.pk)

    def partial_update(self, request, pk=None):
        incident = self.get_object()
        data = self.validated_input(IncidentUpdateSerializer, instance=incident, partial=True)
        incident = services.incident_update(actor=request.user, incident=incident, data=data)
        return self.read_response(self.get_object_for(incident))

    @extend_schema(request=IncidentTransitionSerializer, responses=IncidentReadSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        incident = self.get_object()
        data = self.validated_input(IncidentTransitionSerializer)
        incident = services.incident_transition(actor=request.user, incident=incident, **data)
        return self.read_response(self.get_object_for(incident))

    @extend_schema(request=SeveritySerializer, responses=IncidentReadSerializer)
    @action(detail=True, methods=["post"])
    def severity(self, request, pk=None):
        incident = self.get_object()
        data = self.validated_input(SeveritySerializer)
        incident = services.incident_set_severity(actor=request.user, incident=incident, **data)
        return self.read_response(self.get_object_for(incident))

    @extend_schema(request=AwarenessCorrectionSerializer, responses=IncidentReadSerializer)
    @action(detail=True, methods=["post"])
    def awareness(self, request, pk=None):
        """Correct the awareness time (governance officers, with a reason). The time first
        recorded stays in ``aware_at_original``; the reporting clock follows the correction.
        A serious incident's awareness changes only here (PATCH refuses: awareness_locked)."""
        incident = self.get_object()
        refusal = services.awareness_correction_refusal(request.user, incident)
        if refusal is not None:
            raise refusal
        data = self.validated_input(AwarenessCorrectionSerializer)
        incident = services.incident_correct_awareness(
            actor=request.user, incident=incident, **data
        )
        return self.read_response(self.get_object_for(incident))

    @extend_schema(request=SeriousSerializer, responses=IncidentReadSerializer)
    @action(detail=True, methods=["post"])
    def serious(self, request, pk=None):
        """Mark serious (EU AI Act Art. 73): computes the reporting deadline."""
        incident = self.get_object()
        data = self.validated_input(SeriousSerializer)
        incident = services.incident_mark_serious(actor=request.user, incident=incident, **data)
        return self.read_response(self.get_object_for(incident))

    @extend_schema(request=ReportSubmittedSerializer, responses=IncidentReadSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """Record a serious-incident report: the initial one (may be incomplete) or the
        complete one. Refused before awareness (report_before_awareness) and, for the complete
        one, before the initial one (complete_before_initial)."""
        incident = self.get_object()
        data = self.validated_input(ReportSubmittedSerializer)
        incident = services.incident_record_report(actor=request.user, incident=incident, **data)
        return self.read_response(self.get_object_for(incident))

    @extend_schema(request=NoteSerializer, responses={201: IncidentEventSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        incident = self.get_object()
        data = self.validated_input(NoteSerializer)
        event = services.incident_add_note(actor=request.user, incident=incident, **data)
        return self.read_response(
            event, status.HTTP_201_CREATED, serializer_class=IncidentEventSerializer
        )

    @extend_schema(responses=IncidentEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The timeline: who did what, when (append-only)."""
        incident = self.get_object()
        events = selectors.incident_events(incident=incident)
        return Response(IncidentEventSerializer(events, many=True).data)

    @extend_schema(
        methods=["GET"], responses=CorrectiveActionReadSerializer(many=True), request=None
    )
    @extend_schema(
        methods=["POST"],
        request=CorrectiveActionCreateSerializer,
        responses={201: CorrectiveActionReadSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="corrective-actions")
    def corrective_actions(self, request, pk=None):
        """The incident's corrective actions (CAPA); POST opens one."""
        incident = self.get_object()
        if request.method == "GET":
            capas = capa_selectors.capas_of(source=incident).select_related("source_type")
            return Response(CorrectiveActionReadSerializer(capas, many=True).data)
        data = self.validated_input(CorrectiveActionCreateSerializer)
        capa = capa_services.capa_create(actor=request.user, source=incident, **data)
        return self.read_response(
            capa, status.HTTP_201_CREATED, serializer_class=CorrectiveActionReadSerializer
        )


# --- Monitoring -----------------------------------------------------------------------------


class MetricFilter(filters.FilterSet):
    system = filters.NumberFilter()

    class Meta:
        model = Metric
        fields = ["system", "direction"]


@extend_schema_view(
    create=extend_schema(request=MetricWriteSerializer, responses={201: MetricReadSerializer}),
    partial_update=extend_schema(
        request=MetricUpdateSerializer, responses={200: MetricReadSerializer}
    ),
)
class MetricViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Monitoring metrics of AI systems, with their warning and breach thresholds."""

    read_serializer_class = MetricReadSerializer
    write_serializer_class = MetricWriteSerializer
    write_permissions = ("incidents.add_metric", "incidents.change_metric")
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = MetricFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Metric]:
        if getattr(self, "swagger_fake_view", False):
            return Metric.objects.none()
        return selectors.metric_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        metric = Metric(system=data.pop("system"))
        metric = services.metric_save(actor=request.user, metric=metric, data=data)
        return self.read_response(metric, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        metric = self.get_object()
        data = self.validated_input(MetricUpdateSerializer, instance=metric, partial=True)
        metric = services.metric_save(actor=request.user, metric=metric, data=data)
        return self.read_response(metric)


class ObservationFilter(filters.FilterSet):
    metric = filters.NumberFilter()

    class Meta:
        model = Observation
        fields = ["metric"]


def _resolve_metrics(user, items: list[dict], prefix: str = "") -> list:
    """Replace metric ids by the user's metrics, one query for the whole batch; unknown ids
    are field errors and nothing is stored."""
    ids = {item["metric"] for item in items}
    metrics = {m.pk: m for m in selectors.metric_list(user=user).filter(pk__in=ids)}
    errors = {}
    for index, item in enumerate(items):
        if item["metric"] not in metrics:
            errors[index] = {"metric": [f"No metric with id {item['metric']}."]}
    if errors:
        if prefix:
            raise ValidationError({prefix: {str(i): e for i, e in errors.items()}})
        raise ValidationError(errors[0])
    return [(metrics[i["metric"]], i["observed_at"], i["value"]) for i in items]


def _ingest_response(result, code=status.HTTP_200_OK) -> Response:
    body = {
        "received": result.received,
        "created": result.created,
        "duplicates": result.duplicates,
        "alerts_opened": [a.pk for a in result.alerts_opened],
        "incidents_opened": [i.pk for i in result.incidents_opened],
    }
    return Response(IngestResultSerializer(body).data, status=code)


@extend_schema_view(
    create=extend_schema(request=ObservationInSerializer, responses={201: IngestResultSerializer})
)
class ObservationViewSet(AIMSViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Measurements pushed by integrations: one (POST) or many (POST bulk/), idempotent on
    metric + timestamp; a breach opens an alert and, if the metric's rule says so, one
    incident per open breach."""

    read_serializer_class = ObservationReadSerializer
    write_serializer_class = ObservationInSerializer
    write_permissions = ("incidents.add_observation",)
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ObservationFilter

    def get_queryset(self) -> QuerySet[Observation]:
        if getattr(self, "swagger_fake_view", False):
            return Observation.objects.none()
        return selectors.observation_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        items = _resolve_metrics(request.user, [data])
        result = services.observations_ingest(actor=request.user, observations=items)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return _ingest_response(result, code)

    @extend_schema(request=ObservationBulkSerializer, responses=IngestResultSerializer)
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        data = self.validated_input(ObservationBulkSerializer)
        items = _resolve_metrics(request.user, data["observations"], prefix="observations")
        result = services.observations_ingest(actor=request.user, observations=items)
        return _ingest_response(result)


class AlertFilter(filters.FilterSet):
    system = filters.NumberFilter(field_name="metric__system")
    open = filters.BooleanFilter(field_name="resolved_at", lookup_expr="isnull", label="Open")

    class Meta:
        model = Alert
        fields = ["metric", "kind", "system", "open"]


class AlertViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Monitoring alerts (breach, warning, staleness), opened and resolved by the services."""

    read_serializer_class = AlertReadSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return selectors.alert_list(user=self.request.user)


# --- Time targets ---------------------------------------------------------------------------


@extend_schema_view(
    **write_schema(
        IncidentTimeTargetUpdateSerializer, IncidentTimeTargetReadSerializer, ("partial_update",)
    )
)
class IncidentTimeTargetViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Hours per severity, counted from report, to acknowledge, contain and resolve an
    incident. Read by every role; changed (PATCH) by governance officers, with effect on the
    due times and overdue flags of open incidents at once. One record per severity: none is
    created or deleted."""

    read_serializer_class = IncidentTimeTargetReadSerializer
    write_serializer_class = IncidentTimeTargetUpdateSerializer
    write_permissions = (time_target_services.CHANGE_PERMISSION,)
    filter_backends = []
    pagination_class = None  # one row per severity
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[IncidentTimeTarget]:
        queryset = IncidentTimeTarget.objects.select_related("updated_by")
        if has_global_perm(self.request.user, "incidents.view_incidenttimetarget"):
            return queryset
        return queryset.none()

    def partial_update(self, request, pk=None):
        target = self.get_object()
        data = self.validated_input(partial=True)
        note = data.pop("note", "")
        target = time_target_services.time_target_update(
            actor=request.user, target=target, data=data, note=note
        )
        return self.read_response(self.get_object())
