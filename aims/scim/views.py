"""django-scim2's views with AIMS lookups: ids are primary keys (a malformed one is a 404, not
a 500), removed groups are hidden, lists are counted and paged in the database (one query per
table, at most ``MAX_PAGE`` resources a page) and filters run through scim2-filter-parser's
parameterised SQL, then the same ordered queryset."""

import json

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import HttpResponse
from django_scim import constants, exceptions
from django_scim import views as scim_views
from scim2_filter_parser.parser import SCIMParserError

from .adapters import MAX_PAGE
from .models import ScimGroup

User = get_user_model()


def user_queryset():
    return User.objects.select_related("scim_identity").prefetch_related(
        Prefetch("scim_groups", queryset=ScimGroup.objects.filter(removed_at__isnull=True))
    )


def group_queryset():
    return ScimGroup.objects.filter(removed_at__isnull=True).prefetch_related("members")


class AimsListMixin:
    queryset_getter = None

    def base_queryset(self):
        return self.__class__.queryset_getter()

    def get_object(self):
        uuid = str(self.kwargs.get(self.lookup_url_kwarg) or "")
        if not uuid.isdigit():
            raise exceptions.NotFoundError(uuid)
        obj = self.base_queryset().filter(pk=int(uuid)).first()
        if obj is None:
            raise exceptions.NotFoundError(uuid)
        return obj

    def _page(self, request):
        start, count = super()._page(request)
        if count < 0:
            raise exceptions.BadRequestError(
                "Invalid count (must be >= 0)", scim_type="invalidValue"
            )
        return start, min(count, MAX_PAGE)

    def _search(self, request, query, start, count):
        try:
            raw = self.__class__.parser_getter().search(query, request)
            pks = [obj.pk for obj in raw]
        except (ValueError, SCIMParserError) as error:
            raise exceptions.BadRequestError(
                f"Invalid filter: {error}", scim_type="invalidFilter"
            ) from error
        return self._build_response(request, self.base_queryset().filter(pk__in=pks), start, count)

    def get_many(self, request):
        query = request.GET.get("filter")
        if query:
            return self._search(request, query, *self._page(request))
        return self._build_response(request, self.base_queryset(), *self._page(request))

    def _build_response(self, request, qs, start, count):
        qs = qs.order_by("pk")
        total = qs.count()
        page = list(qs[start - 1 : start - 1 + count]) if count else []
        resources = [self.scim_adapter(o, request=request).to_dict() for o in page]
        doc = {
            "schemas": [constants.SchemaURI.LIST_RESPONSE],
            "totalResults": total,
            "itemsPerPage": len(resources),
            "startIndex": start,
            "Resources": resources,
        }
        return HttpResponse(json.dumps(doc), content_type=constants.SCIM_CONTENT_TYPE)


class UsersView(AimsListMixin, scim_views.UsersView):
    queryset_getter = staticmethod(user_queryset)


class GroupsView(AimsListMixin, scim_views.GroupsView):
    queryset_getter = staticmethod(group_queryset)


class UserSearchView(AimsListMixin, scim_views.UserSearchView):
    queryset_getter = staticmethod(user_queryset)


class GroupSearchView(AimsListMixin, scim_views.GroupSearchView):
    queryset_getter = staticmethod(group_queryset)
