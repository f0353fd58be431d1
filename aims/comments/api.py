"""REST API of comments: /api/v1/comments/?target=<type>:<reference-or-id> (registered by
aims/api/urls.py as "comments"). List and add on a record; read, edit (author) and delete
(author or officer) one comment. The same selectors and services as the browser."""

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.views import AIMSViewSetMixin

from . import selectors, services
from .models import Comment
from .registry import commentable_for, commentable_keys

TARGET_HELP = "The record: <type>:<reference-or-id>, e.g. risk:RSK-0002 or system:AIS-0003."


class CommentReadSerializer(AimsModelSerializer):
    author_username = serializers.CharField(source="author.username", read_only=True)
    mentions = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    target = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id", "target", "author", "author_username", "body", "mentions",
            "created_at", "edited_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_target(self, obj) -> str:
        record = obj.target
        entry = commentable_for(type(record)) if record is not None else None
        if entry is None:
            return ""
        return f"{entry.key}:{getattr(record, 'reference', record.pk)}"


class CommentCreateSerializer(AimsSerializer):
    target = serializers.CharField(help_text=TARGET_HELP, required=False)
    body = serializers.CharField(max_length=5000)


class CommentEditSerializer(AimsSerializer):
    body = serializers.CharField(max_length=5000)


def _target(user, text: str):
    try:
        key, identifier = selectors.parse_target(text)
        return selectors.resolve_target(user=user, key=key, identifier=identifier)
    except selectors.TargetError as exc:
        raise ValidationError(
            {"target": [f"{exc} Types: {', '.join(commentable_keys())}."]}
        ) from exc
    except ObjectDoesNotExist as exc:
        raise NotFound("No such record.") from exc


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("target", str, required=True, description=TARGET_HELP)]
    ),
    create=extend_schema(request=CommentCreateSerializer, responses={201: CommentReadSerializer}),
    partial_update=extend_schema(request=CommentEditSerializer, responses=CommentReadSerializer),
)
class CommentViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    read_serializer_class = CommentReadSerializer
    write_serializer_class = CommentCreateSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    pagination_class = None

    queryset = Comment.objects.none()  # the model, for the schema; reads use the selectors

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drawing the OpenAPI schema
            return Comment.objects.none()
        if self.action == "list":
            record = _target(self.request.user, self.request.query_params.get("target", ""))
            return selectors.comments_on(user=self.request.user, record=record)
        return selectors.visible_comments(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = self.validated_input(CommentCreateSerializer)
        text = data.get("target") or request.query_params.get("target", "")
        record = _target(request.user, text)
        comment = services.comment_create(actor=request.user, record=record, body=data["body"])
        return self.read_response(comment, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        data = self.validated_input(CommentEditSerializer)
        comment = services.comment_edit(actor=request.user, comment=comment, body=data["body"])
        return self.read_response(comment)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.comment_delete(actor=request.user, comment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
