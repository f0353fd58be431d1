#!/usr/bin/env python
"""Load test (issue 21, item 3; TARGETS.md): gunicorn with 4 workers on PostgreSQL and Redis,
a real Celery worker, 32 concurrent users mixing roles for 60 s, against 127.0.0.1 only.

Prints JSON lines on stdout: one per request kind (``{"bench": "load_kind", ...}``), then
``{"bench": "load", "p50_ms", "p95_ms", "p99_ms", "errors", "rps", "baseline_rps", ...}``.
Everything else goes to stderr. See benchmarks/README.md ("Load").

Steps: create a scratch PostgreSQL database (``LOAD_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/aims_load``), migrate, load the demo organisation and a
few hundred more systems, create API tokens; start a Celery worker (Redis,
``LOAD_REDIS_URL``, default database 9) and gunicorn on a free port of 127.0.0.1; sign the
users in through the login form; warm up; measure the baseline (a bare authenticated DRF
endpoint, same concurrency); measure the mix; stop everything and drop the database, also
on failure or Ctrl-C.

The load generator is a small asyncio HTTP/1.1 client (the standard library only): each
virtual user is a closed loop (next request when the previous one is answered, no think
time), so the concurrency is bounded at ``--users`` and the figures are the server's at
saturation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/aims_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"
HOST = "127.0.0.1"  # never anything else: the generator refuses other hosts
DEMO_PASSWORD = "aims-demo-2026"  # noqa: S105 -- the demo organisation's, set in the env below

SETUP_TIMEOUT = 120.0  # sign-ins and discovery, before anything is measured
TARGETS = {"p99_ms": 500.0, "errors": 0, "rps_vs_baseline": 0.5}

# Shares of the mix by category (issue 21): reads, writes (API and forms), exports and packs.
CATEGORY_SHARES = {"read": 0.70, "write": 0.25, "export": 0.05}

# Who the 32 virtual users are: (role, how they authenticate, how many of 32).
USERS = [
    ("officer", "session", 7),
    ("owner", "session", 5),
    ("owner2", "session", 3),
    ("approver", "session", 4),
    ("auditor", "session", 4),
    ("officer", "token", 5),
    ("owner", "token", 4),
]
ROLE_OF = {
    "officer": "officer",
    "owner": "owner",
    "owner2": "owner",
    "approver": "approver",
    "auditor": "auditor",
}


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


# --- the mix --------------------------------------------------------------------------------
#
# Each kind: (category, relative weight inside its category, roles allowed, auth allowed).
# A user draws a category by CATEGORY_SHARES, then a kind among those it may run, so the
# shares hold per user whatever the role. Nothing in the mix is refused by the rules: owners
# only touch their own systems, auditors only read, export and request packs.

ALL = ("officer", "owner", "approver", "auditor")
WRITERS = ("officer", "owner")
COMMENTERS = ("officer", "owner", "approver")
PACKERS = ("officer", "auditor")
SESSION, TOKEN = ("session",), ("session", "token")

KINDS: dict[str, tuple[str, float, tuple[str, ...], tuple[str, ...]]] = {
    # reads: pages (sessions) and API lists and details (sessions and tokens)
    "page_dashboard": ("read", 2, ALL, SESSION),
    "page_systems": ("read", 2, ALL, SESSION),
    "page_system": ("read", 2, ALL, SESSION),
    "page_risks": ("read", 1, ALL, SESSION),
    "page_risk": ("read", 1, ALL, SESSION),
    "page_incidents": ("read", 1, ALL, SESSION),
    "page_readiness": ("read", 1, ALL, SESSION),
    "page_risk_form": ("read", 1, WRITERS, SESSION),
    "api_systems": ("read", 2, ALL, TOKEN),
    "api_system": ("read", 2, ALL, TOKEN),
    "api_risks": ("read", 1, ALL, TOKEN),
    "api_risk": ("read", 1, ALL, TOKEN),
    "api_incidents": ("read", 1, ALL, TOKEN),
    # writes through the API (JSON; sessions send the CSRF header) and through forms
    "api_risk_create": ("write", 2, WRITERS, TOKEN),
    "api_risk_edit": ("write", 2, WRITERS, TOKEN),
    "api_comment": ("write", 2, COMMENTERS, TOKEN),
    "api_incident": ("write", 1, WRITERS, TOKEN),
    "api_intake": ("write", 1, WRITERS, TOKEN),
    "form_risk_create": ("write", 2, WRITERS, SESSION),
    "form_comment": ("write", 2, COMMENTERS, SESSION),
    "form_incident_note": ("write", 1, WRITERS, SESSION),
    # exports and evidence packs (a user with a pack in flight follows it instead)
    "export_systems_csv": ("export", 2, ALL, SESSION),
    "export_risks_csv": ("export", 1, ALL, SESSION),
    "export_incidents_csv": ("export", 1, ALL, SESSION),
    "pack_request": ("export", 1, PACKERS, TOKEN),
}


def kinds_for(role: str, auth: str) -> dict[str, list[tuple[str, float]]]:
    """The kinds a user of ``role`` authenticated by ``auth`` runs, by category."""
    by_category: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for name, (category, weight, roles, auths) in KINDS.items():
        if role in roles and auth in auths:
            by_category[category].append((name, weight))
    return by_category


def category_weights(profiles: list[tuple[str, str]]) -> list[dict[str, float]]:
    """Each user's shares of the categories, so that the whole population keeps
    CATEGORY_SHARES although some users cannot run some categories (auditors never write):
    iterative proportional fitting of the users' shares to the population's targets."""
    weights = []
    for role, auth in profiles:
        available = kinds_for(role, auth)
        weights.append({c: share for c, share in CATEGORY_SHARES.items() if available.get(c)})
    for _ in range(50):
        for user in weights:  # each user: shares summing to 1
            total = sum(user.values())
            for category in user:
                user[category] /= total
        for category, target in CATEGORY_SHARES.items():  # each category: its target share
            got = sum(user.get(category, 0.0) for user in weights) / len(weights)
            for user in weights:
                if category in user and got:
                    user[category] *= target / got
    return weights


def build_plan(
    role: str, auth: str, count: int, rng: random.Random, shares: dict[str, float] | None = None
) -> list[str]:
    """``count`` request kinds for one user: a category drawn by ``shares`` (default: the
    population's, over the categories this user can run), then a kind by its weight."""
    by_category = kinds_for(role, auth)
    shares = shares or {c: s for c, s in CATEGORY_SHARES.items() if by_category.get(c)}
    categories = list(shares)
    plan = []
    for category in rng.choices(categories, weights=[shares[c] for c in categories], k=count):
        names, weights = zip(*by_category[category], strict=True)
        plan.append(rng.choices(names, weights=weights)[0])
    return plan


def build_plans(profiles: list[tuple[str, str]], count: int, seed: int) -> list[list[str]]:
    """One plan per user (role, auth); together they keep CATEGORY_SHARES."""
    rng = random.Random(seed)
    return [
        build_plan(role, auth, count, random.Random(rng.random()), shares)
        for (role, auth), shares in zip(profiles, category_weights(profiles), strict=True)
    ]


# --- a minimal asyncio HTTP/1.1 client ----------------------------------------------------------


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str]

    def json(self):
        return json.loads(self.body)


async def http(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout: float = 30.0,
) -> Response:
    """One request on a new connection (gunicorn's sync workers close after each answer)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{port}",
            "Connection: close",
            "User-Agent: aims-load/1",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        raise HttpError(f"incomplete answer ({len(raw)} bytes)")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    response_headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            cookie_name, _, cookie_value = value.split(";", 1)[0].partition("=")
            cookies[cookie_name.strip()] = cookie_value.strip().strip('"')
        response_headers[name] = value
    if response_headers.get("transfer-encoding", "").lower() == "chunked":
        rest = dechunk(rest)
    return Response(status, response_headers, rest, cookies)


def dechunk(data: bytes) -> bytes:
    out, position = bytearray(), 0
    while True:
        end = data.index(b"\r\n", position)
        size = int(data[position:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        position = end + 2 + size + 2


# --- virtual users ------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    category: str
    status: int
    ms: float
    error: str = ""


@dataclass
class User:
    index: int
    username: str
    role: str
    auth: str
    port: int
    token: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    systems: list[int] = field(default_factory=list)
    risks: list[tuple[int, str]] = field(default_factory=list)  # (id, reference)
    incidents: list[int] = field(default_factory=list)
    my_risks: list[int] = field(default_factory=list)  # created by this user: edited by it only
    pack: int | None = None
    seq: int = 0

    # -- transport

    def _headers(self, extra: dict[str, str] | None = None, write: bool = False) -> dict:
        headers = {"Accept": "*/*"}
        if self.auth == "token":
            headers["Authorization"] = f"Token {self.token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if write:
                headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
                headers["Referer"] = f"http://{HOST}:{self.port}/"
        headers.update(extra or {})
        return headers

    async def request(
        self, method: str, path: str, *, data=None, form=None, timeout: float = 30.0
    ) -> Response:
        body, extra = b"", {}
        if data is not None:
            body, extra = json.dumps(data).encode(), {"Content-Type": "application/json"}
        elif form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form, doseq=True).encode()
            extra = {"Content-Type": "application/x-www-form-urlencoded"}
        response = await http(
            self.port,
            method,
            path,
            headers=self._headers(extra, write=method != "GET"),
            body=body,
            timeout=timeout,
        )
        self.cookies.update(response.cookies)
        return response

    # -- setup (not timed)

    async def sign_in(self, password: str) -> None:
        if self.auth == "token":
            return
        page = await self.request("GET", "/accounts/login/", timeout=SETUP_TIMEOUT)
        if page.status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"{self.username}: login page answered {page.status}")
        answer = await self.request(
            "POST",
            "/accounts/login/",
            form={"username": self.username, "password": password},
            timeout=SETUP_TIMEOUT,
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{self.username}: sign-in answered {answer.status}")

    async def discover(self) -> None:
        """What this user may see, read once through the API (the app's own visibility)."""

        async def get(path: str):
            return (await self.request("GET", path, timeout=SETUP_TIMEOUT)).json()

        systems = (await get("/api/v1/systems/?page_size=100"))["results"]
        self.systems = [
            s["id"] for s in systems if s.get("lifecycle_stage") not in ("retired", "rejected")
        ]
        risks = (await get("/api/v1/risks/?page_size=100"))["results"]
        self.risks = [(r["id"], r["reference"]) for r in risks]
        incidents = await get("/api/v1/incidents/?page_size=100")
        self.incidents = [i["id"] for i in incidents["results"]]
        if not self.systems:
            raise RuntimeError(f"{self.username} sees no open system: the mix needs some")

    # -- the kinds: each returns (response, expected statuses)

    def _n(self) -> int:
        self.seq += 1
        return self.seq

    def _risk_payload(self, rng: random.Random) -> dict:
        return {
            "title": f"Load risk {self.index}-{self._n()}",
            "description": "Recorded by the load test.",
            "category": rng.choice(["fairness", "privacy", "safety", "accuracy"]),
            "risk_source": "machine_learning",
            # inherent at least 2 x 2, residual at most 1 x 2: a residual above the inherent
            # score is refused (400), and the mix sends nothing the rules refuse
            "inherent_likelihood": rng.randint(2, 5),
            "inherent_impact": rng.randint(2, 5),
            "treatment": "mitigate",
            "residual_likelihood": 1,
            "residual_impact": rng.randint(1, 2),
        }

    async def run_kind(self, kind: str, rng: random.Random) -> tuple[Response, tuple[int, ...]]:
        ok = (200,)
        system = rng.choice(self.systems)
        if kind == "page_dashboard":
            return await self.request("GET", "/"), ok
        if kind == "page_systems":
            return await self.request("GET", "/systems/"), ok
        if kind == "page_system":
            return await self.request("GET", f"/systems/{system}/"), ok
        if kind == "page_risks":
            return await self.request("GET", "/risk/"), ok
        if kind == "page_risk":
            if not self.risks:
                return await self.request("GET", "/risk/"), ok
            return await self.request("GET", f"/risk/risks/{rng.choice(self.risks)[0]}/"), ok
        if kind == "page_incidents":
            return await self.request("GET", "/incidents/"), ok
        if kind == "page_readiness":
            return await self.request("GET", "/controls/readiness/"), ok
        if kind == "page_risk_form":
            return await self.request("GET", f"/risk/systems/{system}/risks/add/"), ok
        if kind == "api_systems":
            return await self.request("GET", "/api/v1/systems/"), ok
        if kind == "api_system":
            return await self.request("GET", f"/api/v1/systems/{system}/"), ok
        if kind == "api_risks":
            return await self.request("GET", "/api/v1/risks/"), ok
        if kind == "api_risk":
            if not self.risks:
                return await self.request("GET", "/api/v1/risks/"), ok
            return await self.request("GET", f"/api/v1/risks/{rng.choice(self.risks)[0]}/"), ok
        if kind == "api_incidents":
            return await self.request("GET", "/api/v1/incidents/"), ok
        if kind == "api_risk_create" or (kind == "api_risk_edit" and not self.my_risks):
            response = await self.request(
                "POST", "/api/v1/risks/", data={"system": system, **self._risk_payload(rng)}
            )
            if response.status == 201:
                created = response.json()
                self.my_risks.append(created["id"])
                self.risks.append((created["id"], created["reference"]))
            return response, (201,)
        if kind == "api_risk_edit":
            risk = rng.choice(self.my_risks)
            patch = {
                "title": f"Load risk {self.index}-{self._n()} (edited)",
                "residual_impact": rng.randint(1, 2),
            }
            return await self.request("PATCH", f"/api/v1/risks/{risk}/", data=patch), ok
        if kind == "api_comment":
            target = f"risk:{rng.choice(self.risks)[1]}" if self.risks else f"system:{system}"
            body = {"target": target, "body": f"Load comment {self._n()}"}
            return await self.request("POST", "/api/v1/comments/", data=body), (201,)
        if kind == "api_incident":
            payload = {
                "system": system,
                "title": f"Load incident {self.index}-{self._n()}",
                "description": "Reported by the load test.",
                "detection_channel": "monitoring",
                "category": "inaccurate",
                "severity": "sev4",
            }
            response = await self.request("POST", "/api/v1/incidents/", data=payload)
            if response.status == 201:
                self.incidents.append(response.json()["id"])
            return response, (201,)
        if kind == "api_intake":
            payload = {**INTAKE, "name": f"Load intake {self.index}-{self._n()}"}
            return await self.request("POST", "/api/v1/systems/", data=payload), (201,)
        if kind == "form_risk_create":
            form = {k: v for k, v in self._risk_payload(rng).items()}
            return await self.request("POST", f"/risk/systems/{system}/risks/add/", form=form), (
                302,
            )
        if kind == "form_comment":
            if self.risks:
                path = f"/comments/risk/{rng.choice(self.risks)[0]}/"
            else:
                path = f"/comments/system/{system}/"
            return await self.request("POST", path, form={"body": f"Form comment {self._n()}"}), (
                302,
            )
        if kind == "form_incident_note":
            if not self.incidents:
                return await self.request("GET", "/incidents/"), ok
            path = f"/incidents/{rng.choice(self.incidents)}/note/"
            return await self.request("POST", path, form={"message": f"Note {self._n()}"}), (302,)
        if kind == "export_systems_csv":
            return await self.request("GET", "/systems/export.csv"), ok
        if kind == "export_risks_csv":
            return await self.request("GET", "/risk/export.csv"), ok
        if kind == "export_incidents_csv":
            return await self.request("GET", "/incidents/export.csv"), ok
        if kind == "pack_request":
            return await self.pack_step(system)
        raise ValueError(kind)

    async def pack_step(self, system: int) -> tuple[Response, tuple[int, ...]]:
        """Request a pack of one system; while it is being built, follow it; when it is
        ready, download its PDF (then the next call requests another)."""
        if self.pack is None:
            response = await self.request(
                "POST", "/api/v1/evidence-packs/", data={"scope": "system", "system": system}
            )
            if response.status == 201:
                self.pack = response.json()["id"]
            return response, (201,)
        response = await self.request("GET", f"/api/v1/evidence-packs/{self.pack}/")
        if response.status == 200:
            status = response.json()["status"]
            if status == "ready":
                pack, self.pack = self.pack, None
                return await self.request("GET", f"/api/v1/evidence-packs/{pack}/download-pdf/"), (
                    200,
                )
            if status == "failed":
                self.pack = None
                return response, (0,)  # a failed build counts as an error
        return response, (200,)


INTAKE = {
    "purpose": "Summarises support tickets for the service desk.",
    "expected_benefit": "Faster answers.",
    "business_unit": "operations",
    "deployment_type": "saas_embedded",
    "ai_technique": "predictive",
    "decision_impact": "decides_with_review",
    "human_oversight": "in_the_loop",
    "intended_users": "Service desk",
    "affected_groups": "Customers",
    "data_description": "Support tickets",
    "personal_data": "personal",
    "user_facing": False,
    "used_in_eu": True,
    "known_risks": "Wrong summaries.",
}


async def run_user(
    user: User, kinds: list[str], deadline: float, samples: list[Sample], rng: random.Random
) -> None:
    """Run ``kinds`` in order (cycling) until ``deadline``: a closed loop, no think time."""
    position = 0
    while time.monotonic() < deadline:
        kind = kinds[position % len(kinds)]
        position += 1
        started = time.perf_counter()
        try:
            response, expected = await user.run_kind(kind, rng)
            ms = (time.perf_counter() - started) * 1000
            error = "" if response.status in expected else f"HTTP {response.status}"
            if error and len([s for s in samples if s.error]) < 20:
                detail = response.body[:300].decode("utf-8", "replace").replace("\n", " ")
                log(f"  {kind} as {user.username}/{user.auth}: {error}: {detail}")
            samples.append(
                Sample(kind, KINDS.get(kind, ("baseline",))[0], response.status, ms, error)
            )
        except (TimeoutError, OSError, HttpError, ValueError, KeyError) as exc:
            ms = (time.perf_counter() - started) * 1000
            samples.append(
                Sample(
                    kind,
                    KINDS.get(kind, ("baseline",))[0],
                    0,
                    ms,
                    f"{type(exc).__name__}: {exc}"[:200],
                )
            )


async def run_baseline_user(user: User, path: str, deadline: float, samples: list[Sample]) -> None:
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            response = await user.request("GET", path)
            error = "" if response.status == 200 else f"HTTP {response.status}"
            samples.append(
                Sample(
                    "baseline",
                    "baseline",
                    response.status,
                    (time.perf_counter() - started) * 1000,
                    error,
                )
            )
        except (TimeoutError, OSError, HttpError) as exc:
            samples.append(
                Sample(
                    "baseline",
                    "baseline",
                    0,
                    (time.perf_counter() - started) * 1000,
                    str(exc)[:200],
                )
            )


# --- figures --------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def summarise(samples: list[Sample], seconds: float) -> dict:
    times = [s.ms for s in samples]
    return {
        "requests": len(samples),
        "rps": round(len(samples) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(max(times), 1) if times else 0.0,
        "errors": sum(1 for s in samples if s.error),
    }


def per_request_ms(cpu_seconds: float, requests: int) -> float:
    return round(cpu_seconds * 1000 / requests, 2) if requests else 0.0


def kind_lines(samples: list[Sample], seconds: float) -> list[dict]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    lines = []
    for kind, group in sorted(by_kind.items()):
        figures = summarise(group, seconds)
        statuses = Counter(str(s.status) for s in group)
        lines.append(
            {
                "bench": "load_kind",
                "kind": kind,
                "category": group[0].category,
                **figures,
                "statuses": dict(statuses),
            }
        )
    return lines


def result_line(mixed: list[Sample], seconds: float, baseline: dict, args, users: int) -> dict:
    figures = summarise(mixed, seconds)
    categories = Counter(s.category for s in mixed)
    total = sum(categories.values()) or 1
    ratio = figures["rps"] / baseline["rps"] if baseline["rps"] else 0.0
    met = {
        "p99": figures["p99_ms"] < TARGETS["p99_ms"],
        "errors": figures["errors"] == 0 and baseline["errors"] == 0,
        "throughput": ratio >= TARGETS["rps_vs_baseline"],
    }
    return {
        "bench": "load",
        "p50_ms": figures["p50_ms"],
        "p95_ms": figures["p95_ms"],
        "p99_ms": figures["p99_ms"],
        "errors": figures["errors"],
        "rps": figures["rps"],
        "baseline_rps": baseline["rps"],
        "rps_vs_baseline": round(ratio, 2),
        "requests": figures["requests"],
        "max_ms": figures["max_ms"],
        "seconds": round(seconds, 1),
        "users": users,
        "workers": args.workers,
        "share": {c: round(n / total, 3) for c, n in sorted(categories.items())},
        "baseline": {"path": args.baseline_path, **baseline},
        "targets": {
            "p99_ms": TARGETS["p99_ms"],
            "errors": 0,
            "rps_vs_baseline": TARGETS["rps_vs_baseline"],
        },
        "targets_met": met,
        "all_targets_met": all(met.values()),
        "load_1m": round(os.getloadavg()[0], 2),
    }


# --- the stack: database, worker, gunicorn ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, args) -> None:
        self.args = args
        self.url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB).strip()
        self.redis_url = os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS).strip()
        parsed = urlparse(self.url)
        self.db_name = unquote(parsed.path.lstrip("/"))
        if not parsed.scheme.startswith("postgres"):
            raise SystemExit("LOAD_DATABASE_URL must be a PostgreSQL URL (the load runs on it).")
        if not self.db_name or self.db_name in ("postgres", "template0", "template1"):
            raise SystemExit(f"LOAD_DATABASE_URL must name a scratch database: {self.url}")
        self.parsed = parsed
        self.tmp = Path(tempfile.mkdtemp(prefix="aims-load-"))
        self.port = free_port()
        self.created = False
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aims.settings",
            "DATABASE_URL": self.url,
            "AIMS_VAR_DIR": str(self.tmp),  # media, key file, mail: never the repo's var/
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "CELERY_BROKER_URL": self.redis_url,
            "CELERY_RESULT_BACKEND": self.redis_url,
            "AIMS_CACHE_URL": self.redis_url,  # lockouts and throttles: shared by the workers
            "AIMS_BASE_URL": f"http://{HOST}:{self.port}",
            "AIMS_DEMO_PASSWORD": DEMO_PASSWORD,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DB_CONN_MAX_AGE": "60",
            "LOG_LEVEL": os.environ.get("LOAD_LOG_LEVEL", "WARNING"),
            "PYTHONUNBUFFERED": "1",
        }

    # database

    def _admin(self):
        import psycopg

        p = self.parsed
        return psycopg.connect(
            host=p.hostname or "localhost",
            port=p.port or 5432,
            user=unquote(p.username) if p.username else None,
            password=unquote(p.password) if p.password else None,
            dbname="postgres",
            autocommit=True,
        )

    def create_database(self) -> None:
        from psycopg import sql

        with self._admin() as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.db_name]
            ).fetchone()
            if exists:
                if not self.db_name.startswith("aims_load"):
                    raise SystemExit(
                        f"Database {self.db_name!r} exists. The load test needs a fresh one "
                        "(names starting with aims_load are taken as leftovers and recreated)."
                    )
                log(f"dropping leftover database {self.db_name}")
                conn.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(self.db_name))
                )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.db_name)))
        self.created = True

    # A template (--template): the migrated, seeded database and its files kept between runs,
    # so that a run need not migrate again (a few minutes on a busy machine).

    @property
    def template_name(self) -> str:
        return f"{self.db_name}_template"

    @property
    def template_dir(self) -> Path:
        return Path(tempfile.gettempdir()) / f"{self.db_name}_template"

    def template_ready(self) -> bool:
        with self._admin() as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.template_name]
            ).fetchone()
        return bool(found) and self.template_dir.is_dir()

    def _copy_database(self, source: str, target: str) -> None:
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(target), sql.Identifier(source)
                )
            )

    def save_template(self) -> None:
        self._copy_database(self.db_name, self.template_name)
        shutil.rmtree(self.template_dir, ignore_errors=True)
        shutil.copytree(self.tmp, self.template_dir)
        log(f"  kept as template {self.template_name} (+ {self.template_dir})")

    def create_from_template(self) -> None:
        self.create_database()  # refuses a foreign database of that name
        self._copy_database(self.template_name, self.db_name)
        shutil.rmtree(self.tmp)
        shutil.copytree(self.template_dir, self.tmp)
        log(f"  from template {self.template_name}")

    def drop_template(self) -> None:
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.template_name)
                )
            )
        shutil.rmtree(self.template_dir, ignore_errors=True)

    def drop_database(self) -> None:
        if not self.created:
            return
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.db_name)
                )
            )
        self.created = False

    def flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    # processes

    def manage(self, *argv: str, capture: bool = False) -> str:
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
            [PYTHON, str(ROOT / "manage.py"), *argv],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE if capture else sys.stderr,
            stderr=sys.stderr,
            text=True,
            check=True,
        )
        log(f"  manage.py {argv[0]}: {time.perf_counter() - started:.1f} s")
        return result.stdout if capture else ""

    def seed(self, extra_systems: int) -> dict:
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603
            [PYTHON, str(Path(__file__).resolve()), "--seed", str(extra_systems)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=sys.stderr,
            text=True,
            check=True,
        )
        log(f"  seed: {time.perf_counter() - started:.1f} s")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def start(self, name: str, argv: list[str]) -> None:
        log_file = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 -- closed with the process
        self.processes[name] = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole
        )

    def start_worker(self) -> None:
        self.start(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "aims",
                "worker",
                "-l",
                "warning",
                "--concurrency",
                str(self.args.worker_concurrency),
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"load-{os.getpid()}@%h",
            ],
        )

    def start_gunicorn(self) -> None:
        self.start(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"),
                "aims.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.args.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
        )

    def wait_ready(self, seconds: float = 60.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}")
            try:
                response = asyncio.run(http(self.port, "GET", "/accounts/login/", timeout=5))
                if response.status == 200:
                    return
            except (TimeoutError, OSError, HttpError):
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within a minute")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for name, process in self.processes.items():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log(f"  {name} did not stop in 10 s: killed")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def server_cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by gunicorn's master and workers: a cost per
        request that other work on the machine inflates far less than wall time."""
        process = self.processes.get("gunicorn")
        if process is None:
            return 0.0
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == process.pid:  # process group: the master's (own session)
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.tmp / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def teardown(self) -> None:
        """Everything the run started, even after a failure: processes, Redis, database."""
        steps = [
            ("processes", self.stop),
            ("redis", self.flush_redis),
            ("database", self.drop_database),
        ]
        for label, step in steps:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 -- go on with the rest of the teardown
                log(f"  teardown of {label} failed: {exc}")
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- seeding (runs in a subprocess with Django set up) ----------------------------------------


def seed(extra_systems: int) -> None:
    """A few hundred systems beyond the demo (dealt to the demo owners, with history and the
    owners' object permissions, as run.py's seeder) and API tokens; prints the secrets."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import timedelta

    from _common import random_system  # benchmarks/ (this script's folder) is on the path
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from aims.accounts import scopes as scope_rules
    from aims.accounts.services import token_create
    from audits.trail.chain import seal_rows
    from inventory import models as m

    users = {u.username: u for u in get_user_model().objects.all()}
    owners = [users["owner"], users["owner2"]]
    rng = random.Random(21)
    stages = [
        "intake_submitted",
        "in_triage",
        "approved_for_development",
        "in_validation",
        "deployed",
    ]
    systems = []
    for index in range(extra_systems):
        owner = owners[index % 2]
        systems.append(
            random_system(
                rng,
                ["load"],
                name=f"Load system {index}",
                owner=owner,
                purpose="Keeps the load test's lists real: " + INTAKE["purpose"],
                expected_benefit="Realistic lists.",
                lifecycle_stage=rng.choice(stages),
                user_facing=False,
                used_in_eu=True,
                known_risks="Drift.",
                next_review_date=timezone.localdate() + timedelta(days=rng.randrange(30, 700)),
            )  # fmt: skip
        )
    perms = list(
        Permission.objects.filter(
            content_type__app_label="inventory", codename__in=["view_aisystem", "change_aisystem"]
        )
    )
    with transaction.atomic():
        created = bulk_create_with_history(
            systems,
            m.AISystem,
            batch_size=500,
            default_user=users["officer"],
            default_change_reason="Load test seed",
        )
        # bulk_create sends no signals: seal the history rows in this transaction, as the
        # signal would (PostgreSQL's guard refuses unsealed rows at commit).
        if created:
            seal_rows(
                list(
                    m.AISystem.history.filter(history_change_reason="Load test seed").order_by(
                        "history_id"
                    )
                )
            )
        m.AISystemUserObjectPermission.objects.bulk_create(
            [
                m.AISystemUserObjectPermission(user_id=s.owner_id, permission=p, content_object=s)
                for s in created
                for p in perms
            ]
        )
        tokens = {}
        everything = scope_rules.full_scopes()
        for username in ("officer", "owner"):
            _, secret = token_create(
                actor=users[username],
                user=users[username],
                name=f"Load test {os.getpid()}",
                scopes=everything,
                expires_at=timezone.now() + timedelta(days=1),
            )
            tokens[username] = secret
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(json.dumps({"tokens": tokens, "systems": m.AISystem.objects.count()}))


# --- main -----------------------------------------------------------------------------------


def make_users(stack: Stack, tokens: dict[str, str], count: int) -> list[User]:
    specs = [(name, auth) for name, auth, n in USERS for _ in range(n)]
    while len(specs) < count:  # more users than the table: deal the table again
        specs += specs
    users = []
    for index, (username, auth) in enumerate(specs[:count]):
        user = User(index, username, ROLE_OF[username], auth, stack.port)
        if auth == "token":
            user.token = tokens[username]
        users.append(user)
    return users


async def drive(users: list[User], args, stack: Stack) -> dict:
    log(f"signing in {sum(u.auth == 'session' for u in users)} sessions")
    gate = asyncio.Semaphore(args.workers)  # sign-ins hash passwords: a few at a time

    async def prepare(user: User) -> None:
        async with gate:
            await user.sign_in(DEMO_PASSWORD)
            await user.discover()

    await asyncio.gather(*(prepare(u) for u in users))
    plans = build_plans([(u.role, u.auth) for u in users], 5000, args.seed)

    log(f"warm-up: {args.warmup:.0f} s of the mix")
    deadline = time.monotonic() + args.warmup
    warm: list[Sample] = []
    await asyncio.gather(
        *(
            run_user(u, plans[i][::-1], deadline, warm, random.Random(i))
            for i, u in enumerate(users)
        )
    )
    log(f"  {len(warm)} requests, {sum(1 for s in warm if s.error)} errors")

    log(f"baseline: GET {args.baseline_path} with {len(users)} token users, {args.baseline:.0f} s")
    token_users = [
        User(
            u.index,
            "officer",
            "officer",
            "token",
            u.port,
            token=args.tokens["officer" if i % 2 == 0 else "owner"],
        )
        for i, u in enumerate(users)
    ]
    baseline: list[Sample] = []
    cpu = stack.server_cpu_seconds()
    started = time.monotonic()
    deadline = started + args.baseline
    await asyncio.gather(
        *(run_baseline_user(u, args.baseline_path, deadline, baseline) for u in token_users)
    )
    baseline_seconds = time.monotonic() - started
    baseline_cpu = stack.server_cpu_seconds() - cpu

    log(f"mix: {len(users)} users, {args.duration:.0f} s")
    mixed: list[Sample] = []
    cpu = stack.server_cpu_seconds()
    started = time.monotonic()
    deadline = started + args.duration
    await asyncio.gather(
        *(
            run_user(u, plans[i], deadline, mixed, random.Random(1000 + i))
            for i, u in enumerate(users)
        )
    )
    return {
        "mixed": mixed,
        "seconds": time.monotonic() - started,
        "cpu": stack.server_cpu_seconds() - cpu,
        "baseline": baseline,
        "baseline_seconds": baseline_seconds,
        "baseline_cpu": baseline_cpu,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of mixed load")
    parser.add_argument("--users", type=int, default=32, help="concurrent virtual users")
    parser.add_argument("--baseline", type=float, default=15.0, help="seconds of baseline")
    parser.add_argument(
        "--baseline-path",
        default="/api/v1/notifications/unread-count/",
        help="the bare authenticated DRF endpoint (token auth, one COUNT)",
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of unmeasured mix")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-concurrency", type=int, default=1, help="Celery processes")
    parser.add_argument("--extra-systems", type=int, default=300)
    parser.add_argument(
        "--template",
        action="store_true",
        help="keep the migrated, seeded database as <name>_template (and its files) and start "
        "later runs from it (for repeated runs; not dropped at the end)",
    )
    parser.add_argument("--drop-template", action="store_true", help="drop it and exit")
    parser.add_argument("--seed", dest="seed_only", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--random-seed", dest="seed", type=int, default=21)
    args = parser.parse_args(argv)
    if args.seed_only is not None:
        seed(args.seed_only)
        return 0

    stack = Stack(args)
    if args.drop_template:
        stack.drop_template()
        shutil.rmtree(stack.tmp, ignore_errors=True)
        return 0

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    started = time.perf_counter()
    try:
        log(f"database {stack.db_name}, Redis {stack.redis_url}, port {stack.port}")
        stack.flush_redis()
        if args.template and stack.template_ready():
            stack.create_from_template()
            seeded = stack.seed(0)  # this run's tokens
        else:
            stack.create_database()
            stack.manage("migrate", "--noinput", "-v", "0")
            stack.manage("load_demo", "--url", f"http://{HOST}:{stack.port}/")
            seeded = stack.seed(args.extra_systems)
            if args.template:
                stack.save_template()
        args.tokens = seeded["tokens"]
        log(f"  {seeded['systems']} systems")
        stack.start_worker()
        stack.start_gunicorn()
        stack.wait_ready()
        users = make_users(stack, args.tokens, args.users)
        run = asyncio.run(drive(users, args, stack))
        mixed, seconds = run["mixed"], run["seconds"]
        for line in kind_lines(mixed, seconds):
            emit(line)
        baseline = summarise(run["baseline"], run["baseline_seconds"])
        baseline["server_cpu_ms"] = per_request_ms(run["baseline_cpu"], baseline["requests"])
        result = result_line(mixed, seconds, baseline, args, len(users))
        result["server_cpu_ms"] = per_request_ms(run["cpu"], result["requests"])
        if result["server_cpu_ms"]:  # the throughput ratio the CPU costs predict
            result["cpu_ratio"] = round(baseline["server_cpu_ms"] / result["server_cpu_ms"], 2)
        result["total_seconds"] = round(time.perf_counter() - started, 1)
        emit(result)
        errors = [s for s in mixed if s.error]  # the details, on stderr
        if errors:
            log("errors by kind:", dict(Counter(f"{s.kind} {s.error[:60]}" for s in errors)))
            log("gunicorn log (tail):\n" + stack.log_tail("gunicorn"))
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Exception:
        log("gunicorn log (tail):\n" + stack.log_tail("gunicorn"))
        log("worker log (tail):\n" + stack.log_tail("worker"))
        raise
    finally:
        log("teardown")
        stack.teardown()


if __name__ == "__main__":
    sys.exit(main())
