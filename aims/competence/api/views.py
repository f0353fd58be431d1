"""REST API of competence and roles: /api/v1/courses/, /training-records/, /responsibilities/
and /responsibility-assignments/. Thin: aims.competence.selectors and competence_services.

An assignment refused for missing training answers 409 ``training_missing`` with the course
titles in ``extra.missing``; an officer may send ``exception_reason`` to record an exception.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from aims.api.permissions import RoleReadPermission, WritePermission
from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.view_helpers import object_or_404
from aims.api.views import AIMSViewSetMixin, write_schema
from aims.competence import selectors, services
from aims.models import Course, Responsibility, ResponsibilityAssignment, TrainingRecord

User = get_user_model()


class CompetenceViewSetMixin(AIMSViewSetMixin):
    permission_classes = [IsAuthenticated, RoleReadPermission, WritePermission]
    read_permission = ""
    filter_backends = []  # query parameters are validated and passed to the selector

    def get_object(self):
        return object_or_404(self.get_queryset(), self.kwargs["pk"])


def person_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), **kwargs
    )


# --- Courses --------------------------------------------------------------------------------


class CourseReadSerializer(AimsModelSerializer):
    completions = serializers.IntegerField(read_only=True, help_text="Completions on record.")
    people_in_date = serializers.IntegerField(
        read_only=True, help_text="People with an in-date completion today."
    )

    class Meta:
        model = Course
        fields = [
            "id",
            *services.COURSE_FIELDS,
            "completions",
            "people_in_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CourseWriteSerializer(AimsModelSerializer):
    class Meta:
        model = Course
        fields = list(services.COURSE_FIELDS)


@extend_schema_view(**write_schema(CourseWriteSerializer, CourseReadSerializer))
class CourseViewSet(
    CompetenceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The course catalogue with completion counts. Kept by governance officers; a course is
    retired (``is_active: false``), never deleted."""

    read_serializer_class = CourseReadSerializer
    write_serializer_class = CourseWriteSerializer
    read_permission = "aims.view_course"
    write_permissions = ("aims.add_course", "aims.change_course")

    def get_queryset(self) -> QuerySet[Course]:
        return selectors.course_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        course = services.course_save(actor=request.user, course=Course(), data=data)
        return self.read_response(self.get_queryset().get(pk=course.pk), status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        course = self.get_object()
        data = self.validated_input(instance=course, partial=partial)
        services.course_save(actor=request.user, course=Course.objects.get(pk=course.pk), data=data)
        return self.read_response(self.get_object())

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


# --- Training records -----------------------------------------------------------------------


class TrainingRecordReadSerializer(AimsModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    recorded_by_username = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "user",
            "username",
            "course",
            "course_title",
            "completed_on",
            "expires_on",
            "notes",
            "recorded_by",
            "recorded_by_username",
            "created_at",
        ]
        read_only_fields = fields


class TrainingRecordWriteSerializer(AimsSerializer):
    user = person_field()
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    completed_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TrainingRecordFilterSerializer(AimsSerializer):
    person = serializers.IntegerField(required=False, min_value=1, help_text="User id")
    course = serializers.IntegerField(required=False, min_value=1, help_text="Course id")
    status = serializers.ChoiceField(choices=selectors.TRAINING_STATUSES, required=False)
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=366,
        help_text="Horizon of status=expiring, in days (default 30).",
    )
    q = serializers.CharField(required=False, help_text="Course title or person")


@extend_schema_view(
    list=extend_schema(parameters=[TrainingRecordFilterSerializer]),
    create=extend_schema(
        request=TrainingRecordWriteSerializer, responses={201: TrainingRecordReadSerializer}
    ),
)
class TrainingRecordViewSet(
    CompetenceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Completed courses: everyone's for officers, approvers and auditors; one's own for
    everyone else. ``expires_on`` follows from the course's validity."""

    read_serializer_class = TrainingRecordReadSerializer
    write_serializer_class = TrainingRecordWriteSerializer
    write_permissions = ("aims.add_trainingrecord",)

    def get_queryset(self) -> QuerySet[TrainingRecord]:
        if getattr(self, "swagger_fake_view", False):
            return TrainingRecord.objects.none()
        return selectors.training_record_list(user=self.request.user)

    def list(self, request):
        params = TrainingRecordFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        records = selectors.training_record_list(user=request.user, filters=params.validated_data)
        page = self.paginate_queryset(records)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        data = self.validated_input()
        record = services.training_record_create(actor=request.user, **data)
        return self.read_response(record, status.HTTP_201_CREATED)


# --- Responsibilities -----------------------------------------------------------------------


class ResponsibilityReadSerializer(AimsModelSerializer):
    holders = serializers.IntegerField(read_only=True, help_text="People holding it today.")

    class Meta:
        model = Responsibility
        fields = [
            "id",
            *services.RESPONSIBILITY_FIELDS,
            "required_courses",
            "holders",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ResponsibilityWriteSerializer(AimsModelSerializer):
    required_courses = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(),
        many=True,
        required=False,
        help_text="Courses a holder needs an in-date completion of.",
    )

    class Meta:
        model = Responsibility
        fields = [*services.RESPONSIBILITY_FIELDS, "required_courses"]


@extend_schema_view(**write_schema(ResponsibilityWriteSerializer, ResponsibilityReadSerializer))
class ResponsibilityViewSet(
    CompetenceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Roles of the AIMS (5.3) with their responsibilities, authorities and required training.
    Keys "approver" and "human-oversight" are used by the application."""

    read_serializer_class = ResponsibilityReadSerializer
    write_serializer_class = ResponsibilityWriteSerializer
    read_permission = "aims.view_responsibility"
    write_permissions = ("aims.add_responsibility", "aims.change_responsibility")

    def get_queryset(self) -> QuerySet[Responsibility]:
        return selectors.responsibility_list(user=self.request.user)

    def _save(self, instance: Responsibility, partial: bool):
        data = self.validated_input(instance=instance if instance.pk else None, partial=partial)
        courses = data.pop("required_courses", None)
        return services.responsibility_save(
            actor=self.request.user,
            responsibility=instance,
            data=data,
            required_courses=courses,
        )

    def create(self, request):
        responsibility = self._save(Responsibility(), partial=False)
        return self.read_response(
            self.get_queryset().get(pk=responsibility.pk), status.HTTP_201_CREATED
        )

    def update(self, request, pk=None, partial=False):
        current = self.get_object()
        self._save(Responsibility.objects.get(pk=current.pk), partial=partial)
        return self.read_response(self.get_object())

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


# --- Assignments ----------------------------------------------------------------------------


class AssignmentReadSerializer(AimsModelSerializer):
    responsibility_key = serializers.CharField(source="responsibility.key", read_only=True)
    responsibility_title = serializers.CharField(source="responsibility.title", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    exception_granted_by_username = serializers.CharField(
        source="exception_granted_by.username", read_only=True, default=None
    )

    class Meta:
        model = ResponsibilityAssignment
        fields = [
            "id",
            "responsibility",
            "responsibility_key",
            "responsibility_title",
            "user",
            "username",
            "scope_note",
            "starts_on",
            "ends_on",
            "training_exception",
            "exception_granted_by",
            "exception_granted_by_username",
            "exception_expires_on",
            "assigned_by",
            "created_at",
        ]
        read_only_fields = fields


class AssignmentWriteSerializer(AimsSerializer):
    responsibility = serializers.PrimaryKeyRelatedField(queryset=Responsibility.objects.all())
    user = person_field()
    scope_note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    starts_on = serializers.DateField(required=False, allow_null=True)
    exception_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Officers only, when required training is missing: why the assignment "
        "stands anyway.",
    )
    exception_expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Required with exception_reason: the last day the exception counts.",
    )


class AssignmentExceptionSerializer(AimsSerializer):
    reason = serializers.CharField(max_length=2000)
    expires_on = serializers.DateField(help_text="The last day the exception counts.")


class AssignmentEndSerializer(AimsSerializer):
    ends_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AssignmentFilterSerializer(AimsSerializer):
    responsibility = serializers.IntegerField(required=False, min_value=1)
    person = serializers.IntegerField(required=False, min_value=1, help_text="User id")
    current = serializers.BooleanField(
        required=False, default=True, help_text="Only assignments that have not ended."
    )
    with_exception = serializers.BooleanField(required=False, default=False)


@extend_schema_view(
    list=extend_schema(parameters=[AssignmentFilterSerializer]),
    create=extend_schema(
        request=AssignmentWriteSerializer, responses={201: AssignmentReadSerializer}
    ),
)
class ResponsibilityAssignmentViewSet(
    CompetenceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Who holds which responsibility: everyone's for officers, approvers and auditors; one's
    own for everyone else. Ended by POST end/, never deleted."""

    read_serializer_class = AssignmentReadSerializer
    write_serializer_class = AssignmentWriteSerializer
    write_permissions = (
        "aims.add_responsibilityassignment",
        "aims.change_responsibilityassignment",
    )

    def get_queryset(self) -> QuerySet[ResponsibilityAssignment]:
        if getattr(self, "swagger_fake_view", False):
            return ResponsibilityAssignment.objects.none()
        return selectors.assignment_list(user=self.request.user, filters={"current": False})

    def get_object(self) -> ResponsibilityAssignment:
        try:
            return selectors.assignment_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except ResponsibilityAssignment.DoesNotExist:
            raise NotFound() from None

    def list(self, request):
        params = AssignmentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        assignments = selectors.assignment_list(user=request.user, filters=params.validated_data)
        page = self.paginate_queryset(assignments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        data = self.validated_input()
        assignment = services.responsibility_assign(
            actor=request.user,
            responsibility=data["responsibility"],
            user=data["user"],
            starts_on=data.get("starts_on"),
            scope_note=data.get("scope_note", ""),
            exception_reason=data.get("exception_reason", ""),
            exception_expires_on=data.get("exception_expires_on"),
        )
        return self.read_response(assignment, status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentExceptionSerializer, responses=AssignmentReadSerializer)
    @action(detail=True, methods=["post"])
    def exception(self, request, pk=None):
        """Record or renew an officer's training exception on the assignment, until a date."""
        assignment = self.get_object()
        data = self.validated_input(AssignmentExceptionSerializer)
        assignment = services.assignment_record_exception(
            actor=request.user, assignment=assignment, **data
        )
        return self.read_response(assignment)

    @extend_schema(request=AssignmentEndSerializer, responses=AssignmentReadSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the assignment (today unless ``ends_on`` says otherwise); it stays on record."""
        assignment = self.get_object()
        data = self.validated_input(AssignmentEndSerializer)
        assignment = services.assignment_end(actor=request.user, assignment=assignment, **data)
        return self.read_response(assignment)
