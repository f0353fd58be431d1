"""The request of a delivery: its body (the AIMS envelope, or a Slack or Teams message), its
signature, and one HTTP POST with a short timeout that follows no redirect."""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.utils import timezone

from .events import label
from .targets import target_problem

TIMEOUT_SECONDS = 5
#: How much of a receiver's answer the log keeps.
BODY_KEPT = 2000
USER_AGENT = "AIMS-Webhooks/1"


def envelope(event_type: str, data: dict, event_id: UUID) -> dict:
    """The AIMS JSON body of an event (documented as WebhookEvent in the OpenAPI schema)."""
    return {
        "id": str(event_id),
        "type": str(event_type),
        "created_at": timezone.now().isoformat(),
        "data": data,
    }


def _subject(data: dict) -> dict:
    """The record an event is about (its first nested object), for a chat message."""
    return next((v for v in data.values() if isinstance(v, dict)), data)


def summary(payload: dict) -> tuple[str, str, str]:
    """Title, one line of text and the record's link of an event, for people to read."""
    data = payload.get("data", {})
    subject = _subject(data)
    name = subject.get("name") or subject.get("title") or subject.get("summary") or ""
    words = " ".join(str(p) for p in (subject.get("reference", ""), name) if p)
    details = [f"{k.replace('_', ' ')}: {v}" for k, v in data.items()
               if not isinstance(v, dict | list)]  # fmt: skip
    text = "; ".join([words, *details] if words else details) or payload.get("type", "")
    return label(payload.get("type", "")), text, str(subject.get("url", ""))


def slack_body(payload: dict) -> dict:
    """Slack incoming webhook: ``text`` (notifications, fallback) and a section block."""
    title, text, link = summary(payload)
    line = f"*{title}*\n{text}" + (f"\n<{link}|Open in AIMS>" if link else "")
    return {
        "text": f"{title}: {text}",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": line}}],
    }


def teams_body(payload: dict) -> dict:
    """Microsoft Teams incoming webhook (Workflows): a message with an Adaptive Card."""
    title, text, link = summary(payload)
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium"},
            {"type": "TextBlock", "text": text, "wrap": True},
        ],
    }
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in AIMS", "url": link}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def body_for(preset: str, payload: dict) -> bytes:
    shaped = {"slack": slack_body, "teams": teams_body}.get(preset, lambda p: p)(payload)
    return json.dumps(shaped, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of ``<timestamp>.<body>`` with the subscription's secret, in hex."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(subscription, delivery, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-AIMS-Event": delivery.event_type,
        "X-AIMS-Delivery": str(delivery.pk),
        "X-AIMS-Event-Id": str(delivery.event_id),
        "X-AIMS-Signature": f"t={timestamp},v1={signature(subscription.secret, timestamp, body)}",
    }


@dataclass
class Result:
    started_at: datetime
    duration_ms: int = 0
    status_code: int | None = None
    error: str = ""
    body: str = ""
    succeeded: bool = field(default=False)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is the receiver's answer, not a place to follow


_OPENER = urllib.request.build_opener(_NoRedirect)


def send(subscription, delivery) -> Result:
    """POST the delivery once; any answer but 2xx, a timeout or a refused connection is a
    failure with its reason."""
    result = Result(started_at=timezone.now())
    problem = target_problem(subscription.url)
    if problem:  # the name may resolve elsewhere since the subscription was saved
        result.error = problem
        return result
    body = body_for(subscription.preset, delivery.payload)
    # http(s) only: target_problem (above, and when the URL was saved) refuses other schemes.
    # Header names go out title-cased (urllib): X-Aims-Signature; HTTP names are
    # case-insensitive, so receivers read X-AIMS-Signature.
    request = urllib.request.Request(  # noqa: S310
        subscription.url, data=body, method="POST",
        headers=headers(subscription, delivery, body, int(time.time())),
    )  # fmt: skip
    start = time.monotonic()
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            result.status_code = response.status
            result.body = _read(response)
    except urllib.error.HTTPError as answer:
        result.status_code = answer.code
        result.body = _read(answer)
        result.error = f"The receiver answered {answer.code}."
    except (OSError, ValueError) as exc:  # refused, timed out, DNS, TLS, a malformed URL
        result.error = f"{type(exc).__name__}: {exc}"
    result.duration_ms = int((time.monotonic() - start) * 1000)
    result.succeeded = result.status_code is not None and 200 <= result.status_code < 300
    return result


def _read(response) -> str:
    try:
        return response.read(BODY_KEPT).decode("utf-8", errors="replace")
    except OSError:
        return ""
