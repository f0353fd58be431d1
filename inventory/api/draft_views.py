"""The guided intake's drafts through the API (/api/v1/intake-drafts/): the same steps,
validation and services as the browser. A draft is its author's: another user's is a 404
(officers may read it); submitting goes through the intake service like any intake."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.views import AIMSViewSetMixin
from inventory import selectors, services
from inventory.forms import STEP_FORMS
from inventory.models import IntakeDraft

from .serializers import AISystemDetailSerializer


class IntakeDraftSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = IntakeDraft
        fields = ["id", "reference", "name", "step", "answers", "created_at", "updated_at"]
        read_only_fields = fields


class IntakeDraftStepSerializer(AimsSerializer):
    """One step's answers, validated as the browser's step form validates them (the same
    labels, choices, conditional questions and supplier register)."""

    step = serializers.IntegerField(min_value=1, max_value=max(STEP_FORMS))
    answers = serializers.DictField(help_text="The answers of this step, by question.")

    def validate(self, attrs):
        form = STEP_FORMS[attrs["step"]](attrs["answers"], user=self.context["request"].user)
        unknown = sorted(set(attrs["answers"]) - set(form.fields))
        if unknown:  # never silently ignored: a question of another step, or none at all
            raise serializers.ValidationError(
                {
                    "answers": {
                        name: [f"Unknown field for step {attrs['step']}."] for name in unknown
                    }
                }
            )
        if not form.is_valid():
            raise serializers.ValidationError(
                {"answers": {name: list(errors) for name, errors in form.errors.items()}}
            )
        attrs["answers"] = form.answers()
        return attrs


class IntakeDraftViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """Your intake drafts: start one with a step's answers, add the next steps, submit it."""

    read_serializer_class = IntakeDraftSerializer
    write_serializer_class = IntakeDraftStepSerializer
    write_permissions = ("inventory.add_aisystem",)
    filter_backends = []

    def get_queryset(self):
        return selectors.draft_list(user=self.request.user)

    def get_object(self) -> IntakeDraft:
        try:
            return selectors.draft_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except IntakeDraft.DoesNotExist:
            raise NotFound() from None

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(IntakeDraftSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.read_response(self.get_object())

    @extend_schema(request=IntakeDraftStepSerializer, responses={201: IntakeDraftSerializer})
    def create(self, request):
        data = self.validated_input()
        draft = services.draft_save(
            actor=request.user, answers=data["answers"], step=data["step"] + 1
        )
        return self.read_response(draft, status.HTTP_201_CREATED)

    @extend_schema(request=IntakeDraftStepSerializer, responses=IntakeDraftSerializer)
    def partial_update(self, request, pk=None):
        draft = self.get_object()
        data = self.validated_input()
        draft = services.draft_save(
            actor=request.user, draft=draft, answers=data["answers"], step=data["step"] + 1
        )
        return self.read_response(draft)

    def destroy(self, request, pk=None):
        services.draft_delete(actor=request.user, draft=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={201: AISystemDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the draft as a use-case intake (the intake service's rules apply)."""
        draft = self.get_object()
        system = services.draft_submit(actor=request.user, draft=draft)
        return self.read_response(
            system, status.HTTP_201_CREATED, serializer_class=AISystemDetailSerializer
        )
