"""Fingerprints of history rows that survive the round trip through the database.

A row is hashed when it is written (from the values in memory) and again when it is verified
(from the values read back). The two must agree whatever the database did on the way: a
decimal entered as ``20`` comes back as ``20.00``, a naive or non-UTC datetime comes back in
UTC, JSON comes back with its keys reordered, a file field comes back as its name. So every
value is first brought to the form the database keeps, per field type, then hashed.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from django.db.models import Field, Model
from django.utils import timezone

Normaliser = Callable[[Field, Any], Any]


def _integer(field: Field, value: Any) -> int:
    return int(value)


def _decimal(field: Field, value: Any) -> str:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    places = field.decimal_places or 0
    return format(number.quantize(Decimal(1).scaleb(-places)), "f")


def _float(field: Field, value: Any) -> str:
    return repr(float(value))


def _boolean(field: Field, value: Any) -> bool:
    return bool(value)


def _text(field: Field, value: Any) -> str:
    return str(value)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _datetime(field: Field, value: Any) -> int:
    """Microseconds since the epoch: one number whatever the time zone it was given in."""
    if type(value) is not datetime:
        value = field.to_python(value)
    if value.tzinfo is None:
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return (value - EPOCH) // MICROSECOND


def _date(field: Field, value: Any) -> str:
    day = field.to_python(value)
    return day.isoformat() if isinstance(day, date) else str(day)


def _time(field: Field, value: Any) -> str:
    moment: time = field.to_python(value)
    return moment.strftime("%H:%M:%S.%f")


def _duration(field: Field, value: Any) -> int:
    span: timedelta = field.to_python(value)
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds


def _uuid(field: Field, value: Any) -> str:
    return str(field.to_python(value))


def _binary(field: Field, value: Any) -> str:
    return bytes(value).hex()


def _file(field: Field, value: Any) -> str:
    # A file is kept as its name; its content is fingerprinted by the record's own sha256
    # field (evidence), which is hashed with the row.
    return str(getattr(value, "name", value) or "")


def _json_numbers(value: Any) -> Any:
    """PostgreSQL's jsonb writes 1e16 as 10000000000000000 and may drop a trailing .0: an
    integral float is kept as the integer it equals."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _json_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_numbers(item) for item in value]
    return value


def _json(field: Field, value: Any) -> str:
    plain = json.loads(json.dumps(value, cls=field.encoder))
    return json.dumps(_json_numbers(plain), sort_keys=True, separators=(",", ":"))


def _foreign_key(field: Field, value: Any) -> Any:
    return normalise(field.target_field, value)


NORMALISERS: dict[str, Normaliser] = {
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
        ),
        _integer,
    ),
    "DecimalField": _decimal,
    "FloatField": _float,
    "BooleanField": _boolean,
    "NullBooleanField": _boolean,
    **dict.fromkeys(
        (
            "CharField",
            "TextField",
            "SlugField",
            "EmailField",
            "URLField",
            "GenericIPAddressField",
            "IPAddressField",
            "FilePathField",
        ),
        _text,
    ),
    "DateTimeField": _datetime,
    "DateField": _date,
    "TimeField": _time,
    "DurationField": _duration,
    "UUIDField": _uuid,
    "BinaryField": _binary,
    "FileField": _file,
    "ImageField": _file,
    "JSONField": _json,
    "ForeignKey": _foreign_key,
    "OneToOneField": _foreign_key,
}


def normalise(field: Field, value: Any) -> Any:
    """The value as the database keeps it, in a form JSON can carry."""
    if value is None:
        return None
    kind = field.get_internal_type()
    try:
        normaliser = NORMALISERS[kind]
    except KeyError:
        raise TypeError(
            f"The audit trail does not know how to fingerprint a {kind} "
            f"({field.model._meta.label}.{field.name}); add it to audits.trail.canonical."
        ) from None
    return normaliser(field, value)


def hashed_fields(model: type[Model]) -> list[Field]:
    return list(model._meta.concrete_fields)


def unsupported_fields(models: Iterable[type[Model]]) -> list[str]:
    """Fields whose type has no normaliser (a test keeps this empty)."""
    missing = []
    for model in models:
        for field in hashed_fields(model):
            kind = field.get_internal_type()
            if kind in ("ForeignKey", "OneToOneField"):
                kind = field.target_field.get_internal_type()
            if kind not in NORMALISERS:
                missing.append(f"{model._meta.label}.{field.name} ({kind})")
    return missing


class _Step(NamedTuple):
    attname: str
    field: Field
    normaliser: Normaliser
    default: Any  # the normalised static default, or _NO_DEFAULT


_NO_DEFAULT = object()


def _static_default(field: Field, normaliser: Normaliser) -> Any:
    if not field.has_default() or callable(field.default):
        return _NO_DEFAULT
    return None if field.default is None else normaliser(field, field.default)


@cache
def _plan(model: type[Model]) -> tuple[_Step, ...]:
    """Each hashed field with its normaliser, in name order, worked out once per model
    (verification calls this a million times)."""
    steps = []
    for field in hashed_fields(model):
        target = field
        while target.get_internal_type() in ("ForeignKey", "OneToOneField"):
            target = target.target_field
        kind = target.get_internal_type()
        if kind not in NORMALISERS:
            raise TypeError(
                f"The audit trail does not know how to fingerprint a {kind} "
                f"({model._meta.label}.{field.name}); add it to audits.trail.canonical."
            )
        normaliser = NORMALISERS[kind]
        steps.append(_Step(field.attname, target, normaliser, _static_default(field, normaliser)))
    return tuple(sorted(steps, key=lambda step: step.attname))


def digest_values(model: type[Model], values: dict[str, Any]) -> str:
    """SHA-256 of a row given as {attname: value}, values in memory or read back.

    Empty values (None, "") and values equal to the field's static default are left out, so a
    column added later, nullable or with a default, leaves the fingerprints of older rows as
    they were; any change of a value still changes the fingerprint."""
    pairs = []
    get = values.get
    for attname, field, normaliser, default in _plan(model):
        value = get(attname)
        if value is None or value == "":
            continue
        if normaliser is not _text or type(value) is not str:
            value = normaliser(field, value)
        if value == default:
            continue
        pairs.append((attname, value))
    canonical = json.dumps(pairs, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def row_digest(row: Model) -> str:
    values = {field.attname: getattr(row, field.attname) for field in hashed_fields(type(row))}
    return digest_values(type(row), values)


def moment(value: datetime) -> str:
    """One spelling of a point in time in hashes: UTC, microseconds."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
