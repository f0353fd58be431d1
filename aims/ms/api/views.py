"""REST API of the management system (scope, context, policies, objectives). Thin: reads
through aims.ms.selectors, writes through aims.ms.services, which hold every rule.

Reads need the model's view permission (a role grant) except where every user is concerned:
the policies waiting for their acknowledgement, acknowledging one, and the objectives they
own. Writes pass the coarse gate of WritePermission first, so read-only roles get a 403
before any input is parsed.
"""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.permissions import RoleReadPermission, WritePermission
from aims.api.serializers import HistoryEntrySerializer
from aims.api.versions import SingletonVersionMixin
from aims.api.views import AUTHENTICATION_CLASSES, AIMSViewSetMixin, write_schema
from aims.history_diff import history_entries
from aims.models import (
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    OrganisationProfile,
    PartyFeedback,
    Policy,
    PolicyVersion,
)
from aims.ms import selectors, services
from aims.ms.api.serializers import (
    AcknowledgeInputSerializer,
    AcknowledgementSerializer,
    AcknowledgementStatusSerializer,
    ContextIssueReadSerializer,
    ContextIssueWriteSerializer,
    DeleteReasonSerializer,
    InterestedPartyReadSerializer,
    InterestedPartyWriteSerializer,
    ObjectiveReadSerializer,
    ObjectiveUpdateReadSerializer,
    ObjectiveUpdateWriteSerializer,
    ObjectiveWriteSerializer,
    OrganisationProfileReadSerializer,
    OrganisationProfileWriteSerializer,
    PartyFeedbackReadSerializer,
    PartyFeedbackWriteSerializer,
    PolicyCreateSerializer,
    PolicyReadSerializer,
    PolicyUpdateSerializer,
    PolicyVersionReadSerializer,
    PolicyVersionWriteSerializer,
    ScopeReadSerializer,
    ScopeWriteSerializer,
)

CREATE_PATCH = ("create", "partial_update")
PATCH_ONLY = ["get", "post", "patch", "delete", "head", "options"]


class ReadPermission(RoleReadPermission):
    message = "You do not have access to these records."


class MSViewSetMixin(AIMSViewSetMixin):
    permission_classes = [IsAuthenticated, ReadPermission, WritePermission]
    read_permission = ""


# --- Organisation profile ---------------------------------------------------------------------


class OrganisationProfileView(SingletonVersionMixin, APIView):
    """The organisation's profile: one record. PUT creates it the first time and changes it
    afterwards (officers); every role reads it. Versioned (``ETag`` / ``If-Match``)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, ReadPermission, WritePermission]
    read_permission = "aims.view_organisationprofile"
    write_permissions = ("aims.add_organisationprofile", "aims.change_organisationprofile")
    version_model = OrganisationProfile

    @extend_schema(
        responses={200: OrganisationProfileReadSerializer, 404: OpenApiResponse(description="None")}
    )
    def get(self, request):
        profile = self.versioned_current(services.organisation_profile_current())
        if profile is None:
            raise NotFound("The organisation profile has not been recorded yet.")
        return Response(OrganisationProfileReadSerializer(profile).data)

    @extend_schema(
        request=OrganisationProfileWriteSerializer, responses=OrganisationProfileReadSerializer
    )
    def put(self, request):
        return self._write(request, partial=False)

    @extend_schema(
        request=OrganisationProfileWriteSerializer, responses=OrganisationProfileReadSerializer
    )
    def patch(self, request):
        return self._write(request, partial=True)

    def _write(self, request, partial: bool) -> Response:
        profile = self.versioned_current(services.organisation_profile_current())
        serializer = OrganisationProfileWriteSerializer(
            profile, data=self.write_body(request), partial=partial and bool(profile)
        )
        serializer.is_valid(raise_exception=True)
        profile = services.organisation_profile_save(
            actor=request.user, data=dict(serializer.validated_data)
        )
        self.versioned_answer(profile)
        return Response(OrganisationProfileReadSerializer(profile).data)


# --- Scope ----------------------------------------------------------------------------------


class ScopeView(SingletonVersionMixin, APIView):
    """The scope of the AI management system: one current record. PUT or PATCH creates it the
    first time and changes it afterwards (a change withdraws its approval). Versioned
    (``ETag`` / ``If-Match``)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, ReadPermission, WritePermission]
    read_permission = "aims.view_aimsscope"
    write_permissions = ("aims.add_aimsscope", "aims.change_aimsscope")
    version_model = AIMSScope

    def current(self):
        scope = self.versioned_current(services.scope_current())
        if scope is None:
            raise NotFound("The scope has not been defined yet.")
        return scope

    @extend_schema(responses={200: ScopeReadSerializer, 404: OpenApiResponse(description="None")})
    def get(self, request):
        return Response(ScopeReadSerializer(self.current()).data)

    def _write(self, request, partial: bool) -> Response:
        scope = self.versioned_current(services.scope_current())
        data = self.write_body(request)
        serializer = ScopeWriteSerializer(scope, data=data, partial=partial and bool(scope))
        serializer.is_valid(raise_exception=True)
        scope = services.scope_save(actor=request.user, data=dict(serializer.validated_data))
        self.versioned_answer(scope)
        return Response(ScopeReadSerializer(services.scope_current()).data)

    @extend_schema(request=ScopeWriteSerializer, responses=ScopeReadSerializer)
    def put(self, request):
        return self._write(request, partial=False)

    @extend_schema(request=ScopeWriteSerializer, responses=ScopeReadSerializer)
    def patch(self, request):
        return self._write(request, partial=True)


class ScopeApproveView(APIView):
    """Approve the current scope (not by whoever last changed it)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, WritePermission]
    write_permissions = ("aims.approve_policy",)

    @extend_schema(request=None, responses=ScopeReadSerializer)
    def post(self, request):
        scope = services.scope_approve(actor=request.user)
        return Response(ScopeReadSerializer(scope).data)


class ScopeHistoryView(APIView):
    """Who changed the scope, what and why, newest first."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, ReadPermission]
    read_permission = "aims.view_aimsscope"

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    def get(self, request):
        scope = services.scope_current()
        entries = history_entries([scope.history.all()]) if scope else []
        return Response(HistoryEntrySerializer(entries, many=True).data)


# --- Interested parties and context issues --------------------------------------------------


class SearchFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Search text")

    def search(self, queryset, name, value):
        return queryset.filter(**{f"{self.search_field}__icontains": value})


class PartyFilter(SearchFilter):
    search_field = "name"

    class Meta:
        model = InterestedParty
        fields = ["category", "is_internal", "relevant_to_aims", "owner"]


class FeedbackFilter(SearchFilter):
    search_field = "summary"

    class Meta:
        model = PartyFeedback
        fields = ["party", "owner"]


class IssueFilter(SearchFilter):
    search_field = "title"

    class Meta:
        model = ContextIssue
        fields = ["kind", "category", "is_active", "owner"]


class RegisterViewSet(
    MSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    filter_backends = [filters.DjangoFilterBackend]
    http_method_names = PATCH_ONLY
    model = None
    saver = None
    remover = None

    def get_queryset(self) -> QuerySet:
        return self.model.objects.restrict(self.request.user).select_related("owner")

    def create(self, request):
        data = self.validated_input()
        record = type(self).saver(actor=request.user, data=data)
        return self.read_response(record, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        record = self.get_object()
        data = self.validated_input(instance=record, partial=True)
        record = type(self).saver(actor=request.user, record=record, data=data)
        return self.read_response(record)

    @extend_schema(
        parameters=[],
        request=DeleteReasonSerializer,
        responses={204: OpenApiResponse(description="Removed; the removal stays in history.")},
    )
    def destroy(self, request, pk=None):
        record = self.get_object()
        reason = self.validated_input(DeleteReasonSerializer).get("reason", "")
        type(self).remover(actor=request.user, record=record, reason=reason)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _party_save(*, actor, data, record=None):
    return services.party_save(actor=actor, party=record, data=data)


def _party_delete(*, actor, record, reason):
    services.party_delete(actor=actor, party=record, reason=reason)


def _feedback_save(*, actor, data, record=None):
    return services.feedback_save(actor=actor, feedback=record, data=data)


def _feedback_delete(*, actor, record, reason):
    services.feedback_delete(actor=actor, feedback=record, reason=reason)


def _issue_save(*, actor, data, record=None):
    return services.issue_save(actor=actor, issue=record, data=data)


def _issue_delete(*, actor, record, reason):
    services.issue_delete(actor=actor, issue=record, reason=reason)


@extend_schema_view(
    **write_schema(InterestedPartyWriteSerializer, InterestedPartyReadSerializer, CREATE_PATCH)
)
class InterestedPartyViewSet(RegisterViewSet):
    """Interested parties and their requirements (clause 4.2). Kept by governance officers."""

    model = InterestedParty
    read_serializer_class = InterestedPartyReadSerializer
    write_serializer_class = InterestedPartyWriteSerializer
    read_permission = "aims.view_interestedparty"
    write_permissions = (
        "aims.add_interestedparty",
        "aims.change_interestedparty",
        "aims.delete_interestedparty",
    )
    filterset_class = PartyFilter
    saver = staticmethod(_party_save)
    remover = staticmethod(_party_delete)


@extend_schema_view(
    **write_schema(PartyFeedbackWriteSerializer, PartyFeedbackReadSerializer, CREATE_PATCH)
)
class PartyFeedbackViewSet(RegisterViewSet):
    """What interested parties told us; counted among the management review's inputs."""

    model = PartyFeedback
    read_serializer_class = PartyFeedbackReadSerializer
    write_serializer_class = PartyFeedbackWriteSerializer
    read_permission = "aims.view_partyfeedback"
    write_permissions = (
        "aims.add_partyfeedback",
        "aims.change_partyfeedback",
        "aims.delete_partyfeedback",
    )
    filterset_class = FeedbackFilter
    saver = staticmethod(_feedback_save)
    remover = staticmethod(_feedback_delete)

    def get_queryset(self) -> QuerySet:
        return PartyFeedback.objects.restrict(self.request.user).select_related("owner", "party")


@extend_schema_view(
    **write_schema(ContextIssueWriteSerializer, ContextIssueReadSerializer, CREATE_PATCH)
)
class ContextIssueViewSet(RegisterViewSet):
    """Internal and external issues (clause 4.1). Kept by governance officers."""

    model = ContextIssue
    read_serializer_class = ContextIssueReadSerializer
    write_serializer_class = ContextIssueWriteSerializer
    read_permission = "aims.view_contextissue"
    write_permissions = (
        "aims.add_contextissue",
        "aims.change_contextissue",
        "aims.delete_contextissue",
    )
    filterset_class = IssueFilter
    saver = staticmethod(_issue_save)
    remover = staticmethod(_issue_delete)


# --- Policies -------------------------------------------------------------------------------


class PolicyFilter(SearchFilter):
    search_field = "title"

    class Meta:
        model = Policy
        fields = ["owner", "requires_acknowledgement"]


@extend_schema_view(
    create=extend_schema(request=PolicyCreateSerializer, responses={201: PolicyReadSerializer}),
    partial_update=extend_schema(
        request=PolicyUpdateSerializer, responses={200: PolicyReadSerializer}
    ),
)
class PolicyViewSet(
    MSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Policies (clause 5.2). Their text lives in versions: POST versions/ drafts the next one,
    which is approved and published under /policy-versions/. Every user acknowledges the
    published version with POST acknowledge/ and finds what is waiting in to-acknowledge/."""

    read_serializer_class = PolicyReadSerializer
    write_serializer_class = PolicyCreateSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PolicyFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    EVERY_USER = ("acknowledge", "to_acknowledge")

    @property
    def read_permission(self) -> str:
        if self.action in self.EVERY_USER:
            return ""
        if self.action == "acknowledgements":
            return "aims.view_policyacknowledgement"
        return "aims.view_policy"

    @property
    def write_permissions(self) -> tuple[str, ...]:
        if self.action in self.EVERY_USER:
            return ()
        return ("aims.add_policy", "aims.change_policy", "aims.add_policyversion")

    def get_queryset(self) -> QuerySet[Policy]:
        if self.action in self.EVERY_USER:
            # Every user must read and acknowledge the published policies, whatever their role.
            return selectors.policy_list(user=None)
        return selectors.policy_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        policy = services.policy_create(actor=request.user, **data)
        return self.read_response(self.get_queryset().get(pk=policy.pk), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        policy = self.get_object()
        data = self.validated_input(PolicyUpdateSerializer, instance=policy, partial=True)
        services.policy_update(actor=request.user, policy=policy, data=data)
        return self.read_response(self.get_queryset().get(pk=policy.pk))

    @extend_schema(methods=["GET"], request=None, responses=PolicyVersionReadSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=PolicyVersionWriteSerializer,
        responses={201: PolicyVersionReadSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def versions(self, request, pk=None):
        """GET: the policy's versions, newest first. POST: draft the next version (refused
        with 409 while another version is a draft or awaits publication)."""
        policy = self.get_object()
        if request.method == "GET":
            versions = policy.versions.select_related("policy").order_by("-number")
            data = PolicyVersionReadSerializer(versions, many=True).data
            return Response(data)
        data = self.validated_input(PolicyVersionWriteSerializer)
        version = services.version_create(actor=request.user, policy=policy, **data)
        return self.read_response(
            version, status.HTTP_201_CREATED, serializer_class=PolicyVersionReadSerializer
        )

    @extend_schema(
        request=AcknowledgeInputSerializer,
        responses={
            201: AcknowledgementSerializer,
            200: OpenApiResponse(AcknowledgementSerializer, description="Already acknowledged."),
        },
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Acknowledge the published version, once: a repeat answers 200 with the first one."""
        policy = self.get_object()
        data = self.validated_input(AcknowledgeInputSerializer)
        ack, created = services.policy_acknowledge(
            actor=request.user, policy=policy, version_id=data.get("version")
        )
        body = AcknowledgementSerializer(ack, context={"created": created}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses=AcknowledgementStatusSerializer)
    @action(detail=True, methods=["get"])
    def acknowledgements(self, request, pk=None):
        """Who has, and which active users have not, acknowledged the published version."""
        policy = self.get_object()
        return Response(
            AcknowledgementStatusSerializer(selectors.acknowledgement_status(policy)).data
        )

    @extend_schema(responses=PolicyVersionReadSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="to-acknowledge")
    def to_acknowledge(self, request):
        """The published versions you have not acknowledged yet, with their text."""
        versions = selectors.pending_acknowledgements(request.user)
        return Response(PolicyVersionReadSerializer(versions, many=True).data)


class VersionFilter(filters.FilterSet):
    class Meta:
        model = PolicyVersion
        fields = ["policy", "status"]


@extend_schema_view(
    partial_update=extend_schema(
        request=PolicyVersionWriteSerializer, responses={200: PolicyVersionReadSerializer}
    )
)
class PolicyVersionViewSet(
    MSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Policy versions. A draft is edited by PATCH; POST approve/ (not by its authors) and
    publish/ move it on. Approved and published versions never change."""

    read_serializer_class = PolicyVersionReadSerializer
    write_serializer_class = PolicyVersionWriteSerializer
    read_permission = "aims.view_policyversion"
    write_permissions = ("aims.change_policyversion", "aims.approve_policy")
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = VersionFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[PolicyVersion]:
        return (
            PolicyVersion.objects.restrict(self.request.user)
            .select_related("policy")
            .order_by("policy_id", "-number")
        )

    def partial_update(self, request, pk=None):
        version = self.get_object()
        data = self.validated_input(instance=version, partial=True)
        version = services.version_update(actor=request.user, version=version, data=data)
        return self.read_response(version)

    @extend_schema(request=None, responses=PolicyVersionReadSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        version = services.version_approve(actor=request.user, version=self.get_object())
        return self.read_response(version)

    @extend_schema(request=None, responses=PolicyVersionReadSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        version = services.version_publish(actor=request.user, version=self.get_object())
        return self.read_response(version)


# --- Objectives -----------------------------------------------------------------------------


class ObjectiveFilter(SearchFilter):
    search_field = "title"
    overdue = filters.BooleanFilter(method="filter_overdue", label="Overdue")

    class Meta:
        model = Objective
        fields = ["status", "owner"]

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.overdue_objectives(queryset)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


@extend_schema_view(**write_schema(ObjectiveWriteSerializer, ObjectiveReadSerializer, CREATE_PATCH))
class ObjectiveViewSet(
    MSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """AI objectives (clause 6.2): everyone in a role reads them, the owner of one reads it;
    officers set and change them; the owner or an officer records progress under updates/."""

    read_serializer_class = ObjectiveReadSerializer
    write_serializer_class = ObjectiveWriteSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ObjectiveFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def write_permissions(self) -> tuple[str, ...]:
        return () if self.action == "updates" else ("aims.add_objective", "aims.change_objective")

    def get_queryset(self) -> QuerySet[Objective]:
        if getattr(self, "swagger_fake_view", False):
            return Objective.objects.none()
        return selectors.objective_list(user=self.request.user)

    def get_object(self) -> Objective:
        try:
            return selectors.objective_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except Objective.DoesNotExist:
            raise NotFound() from None

    def create(self, request):
        objective = services.objective_create(actor=request.user, data=self.validated_input())
        return self.read_response(objective, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        objective = self.get_object()
        data = self.validated_input(instance=objective, partial=True)
        objective = services.objective_update(actor=request.user, objective=objective, data=data)
        return self.read_response(objective)

    @extend_schema(
        methods=["GET"], request=None, responses=ObjectiveUpdateReadSerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        request=ObjectiveUpdateWriteSerializer,
        responses={201: ObjectiveUpdateReadSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def updates(self, request, pk=None):
        """GET: the progress readings, newest first. POST: record one (the objective's owner
        or an officer); the objective's current value follows the latest reading."""
        objective = self.get_object()
        if request.method == "GET":
            data = ObjectiveUpdateReadSerializer(
                selectors.objective_updates(objective), many=True
            ).data
            return Response(data)
        data = self.validated_input(ObjectiveUpdateWriteSerializer)
        update = services.objective_record_progress(actor=request.user, objective=objective, **data)
        return self.read_response(
            update, status.HTTP_201_CREATED, serializer_class=ObjectiveUpdateReadSerializer
        )
