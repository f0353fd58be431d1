"""A real MLflow tracking server for the model registry tests: ``mlflow server`` on
127.0.0.1 and a free port, with a SQLite store in a temporary folder, started once per test
session and stopped after. The tests write to its registry through MLflow's REST API, as a
data scientist's tooling would. Skipped (with the reason) where the mlflow package is not
installed: ``pip install '.[dev]'`` installs it."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

API = "/api/2.0/mlflow"
STARTUP_SECONDS = 240  # it migrates its SQLite store first; slow on a busy machine


def _executable() -> str | None:
    beside = Path(sys.executable).with_name("mlflow")
    return str(beside) if beside.exists() else shutil.which("mlflow")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Registry:
    """The running server, and the registry writes the tests need."""

    def __init__(self, url: str):
        self.url = url

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 -- the test's own server
            f"{self.url}{API}{path}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return json.loads(answer.read() or b"{}")

    def new_model(self, prefix: str = "model") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        self.call("POST", "/registered-models/create", {"name": name})
        return name

    def add_version(self, name: str) -> str:
        body = {"name": name, "source": f"s3://models/{name}/{uuid.uuid4().hex[:6]}"}
        return self.call("POST", "/model-versions/create", body)["model_version"]["version"]

    def set_alias(self, name: str, alias: str, version: str) -> None:
        self.call("POST", "/registered-models/alias",
                  {"name": name, "alias": alias, "version": version})  # fmt: skip

    def set_stage(self, name: str, version: str, stage: str) -> None:
        self.call("POST", "/model-versions/transition-stage",
                  {"name": name, "version": version, "stage": stage,
                   "archive_existing_versions": False})  # fmt: skip


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:  # noqa: S310
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session", name="mlflow_registry")
def mlflow_registry_fixture(tmp_path_factory):
    """Import this into a test module to use ``mlflow_registry``."""
    executable = _executable()
    if executable is None:
        pytest.skip("the mlflow package is not installed (pip install '.[dev]' installs it)")
    folder = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(folder / "server.log", "wb")  # noqa: SIM115 -- closed after the server stops
    process = subprocess.Popen(  # noqa: S603 -- a fixed command line
        [executable, "server", "--backend-store-uri", f"sqlite:///{folder}/mlflow.db",
         "--default-artifact-root", str(folder / "artifacts"),
         "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _ready(url):
            if process.poll() is not None:
                pytest.fail(f"mlflow server stopped: {(folder / 'server.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"mlflow server not ready after {STARTUP_SECONDS} s")
            time.sleep(0.5)
        yield Registry(url)
    finally:
        # The server's own workers are in its process group: stop them all.
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
