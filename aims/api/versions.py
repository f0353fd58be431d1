"""No lost updates in the API (aims.concurrency): ``ETag`` on a read of one record,
``If-Match`` (or ``record_version`` in the body) on its PUT, PATCH and DELETE.

One mixin for every view that answers one record: the viewsets (through ``AIMSViewSetMixin``,
whose ``get_object`` names the record) and the singleton settings answered without a lookup
by id (the scope, the organisation profile), which name it with :meth:`version_checked_record`.
A write that carries a version runs in one transaction that locks the record's row and
compares the version before the handler's service writes: a record changed since answers 412
``stale_version`` with what changed; a value that is no version is a 400 naming ``If-Match``
(or ``record_version``). A write that carries neither is not checked (clients written before
versions).
"""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from aims.concurrency import (
    VERSION_FIELD,
    BadVersion,
    check_version,
    current_version,
    etag,
    is_versioned,
    parse_version,
)

#: Viewset actions whose request may carry the version it was loaded at.
VERSIONED_ACTIONS = ("update", "partial_update", "destroy")
#: Viewset actions whose answer carries the record's version as ``ETag``.
ETAG_ACTIONS = ("retrieve", "update", "partial_update")
VERSIONED_METHODS = ("PUT", "PATCH", "DELETE")
ETAG_METHODS = ("GET", "HEAD", "PUT", "PATCH")
IF_MATCH = "If-Match"


def without_version(data):
    """The body less its ``record_version`` (uploaded files are passed on, not copied)."""
    if isinstance(data, QueryDict):
        rest = QueryDict(mutable=True)
        for key, values in data.lists():
            if key != VERSION_FIELD:
                rest.setlist(key, values)
        return rest
    return {key: value for key, value in data.items() if key != VERSION_FIELD}


def versioned_get_object(get_object):
    """Wrap a viewset's ``get_object`` so the record it returns is the one whose version the
    request is checked against, and whose ETag the response carries."""
    if getattr(get_object, "versioned", False):
        return get_object

    @functools.wraps(get_object)
    def wrapper(self):
        record = get_object(self)
        self.version_checked_record(record)
        return record

    wrapper.versioned = True
    return wrapper


class VersionedRecordMixin:
    """ETag / If-Match for a view that answers one record (see the module docstring).

    The first record named in a request (:meth:`version_checked_record`) is *the* record: a
    write is checked against it, and a read or a successful write answers its version as
    ``ETag``. ``version_model`` names the record's model for the OpenAPI schema when the
    view has no queryset to say it (aims.api.schema); ``versioned = False`` opts a view out
    (a read that composes several records, not one record to edit)."""

    version_model = None
    versioned = True

    def checks_version(self) -> bool:
        """Whether this request is a write that may carry a version."""
        return self.request.method in VERSIONED_METHODS

    def answers_version(self) -> bool:
        """Whether this request's answer carries the record's version as ``ETag``."""
        return self.request.method in ETAG_METHODS

    def dispatch(self, request, *args, **kwargs):
        if request.method not in VERSIONED_METHODS:
            return super().dispatch(request, *args, **kwargs)
        # The lock the version check takes is held until the handler's write has committed.
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def expected_version(self) -> int | None:
        """The version a write says it was loaded at: ``If-Match``, else ``record_version``
        in the body; None when it gives neither. A value that is no version is a 400."""
        header = self.request.headers.get(IF_MATCH)
        data = self.request.data
        body = data.get(VERSION_FIELD) if hasattr(data, "get") else None
        name, value = (IF_MATCH, header) if header is not None else (VERSION_FIELD, body)
        try:
            return parse_version(value)
        except BadVersion:
            raise self.not_a_version(name) from None

    @staticmethod
    def not_a_version(name: str) -> ValidationError:
        return ValidationError(
            {name: ["Not a version of this record: send the ETag of its latest GET."]}
        )

    def version_checked_record(self, record) -> None:
        """Name the request's record: a write is checked against it (412 when it moved on),
        and the answer carries its version."""
        named = getattr(self, "_versioned_record", None) is not None
        if not self.versioned or named or not is_versioned(record):
            return
        self._versioned_record = record
        if self.checks_version():
            try:
                check_version(record, self.expected_version())
            except DjangoValidationError:  # newer than the record: made up, not stale
                header = self.request.headers.get(IF_MATCH) is not None
                raise self.not_a_version(IF_MATCH if header else VERSION_FIELD) from None

    def versioned_answer(self, record) -> None:
        """Name the record a write created (no version to check yet): the answer carries its
        first version, so the client's next write can say it."""
        named = getattr(self, "_versioned_record", None) is not None
        if self.versioned and not named and is_versioned(record):
            self._versioned_record = record

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_versioned_record", None)
        if record is not None and self.answers_version() and 200 <= response.status_code < 300:
            response["ETag"] = etag(current_version(record))
        return response


class ViewSetVersionMixin(VersionedRecordMixin):
    """The viewset form: the record is the one ``get_object`` returns (wrapped when each
    class is made, so no viewset can skip it); actions, not methods, say what is versioned."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_object" in cls.__dict__:
            cls.get_object = versioned_get_object(cls.__dict__["get_object"])

    def checks_version(self) -> bool:
        return getattr(self, "action", None) in VERSIONED_ACTIONS

    def answers_version(self) -> bool:
        return getattr(self, "action", None) in ETAG_ACTIONS

    def body_without_version(self, data):
        """The body a serializer validates: the version is the precondition, not a field."""
        if self.checks_version() and hasattr(data, "keys") and VERSION_FIELD in data:
            return without_version(data)
        return data


class SingletonVersionMixin(VersionedRecordMixin):
    """A setting kept as one record, read and written without an id: the GET answers its
    version as ``ETag``; a PUT/PATCH with ``If-Match`` is checked against it (412 when it
    changed since). The write that creates it has nothing to check yet."""

    def versioned_current(self, record):
        """The current record, named as the request's record (checked on a write)."""
        if record is not None:
            self.version_checked_record(record)
        elif self.checks_version():
            self.expected_version()  # garbage is a 400 here too
        return record

    def write_body(self, request):
        data = request.data
        return without_version(data) if hasattr(data, "keys") else data


def tracked_model(view):
    """The history-tracked model a view's records are of, or None (then nothing is versioned:
    a record without history has no version). For the OpenAPI schema, without a request."""
    from drf_spectacular.plumbing import get_view_model

    serializer = getattr(view, "read_serializer_class", None)
    model = (
        getattr(view, "version_model", None)
        or get_view_model(view, emit_warnings=False)
        # A queryset restricted by the acting user cannot be had without a request (the
        # schema made by ``manage.py spectacular``): the records the view answers say it.
        or getattr(getattr(serializer, "Meta", None), "model", None)
    )
    history = getattr(model, "history", None) if model is not None else None
    return model if getattr(history, "model", None) is not None else None


def versioned_operation(view, method: str) -> tuple[bool, bool]:
    """Whether an operation (a view and an HTTP method) may carry ``If-Match`` and whether its
    answer carries ``ETag``: the rules the request follows, for the schema."""
    if not isinstance(view, VersionedRecordMixin) or not view.versioned:
        return False, False
    if tracked_model(view) is None:  # no history, no version
        return False, False
    if isinstance(view, ViewSetVersionMixin):
        action = getattr(view, "action", None)
        return action in VERSIONED_ACTIONS, action in ETAG_ACTIONS
    return method in VERSIONED_METHODS, method in ETAG_METHODS
