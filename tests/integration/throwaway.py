"""Throwaway services for the fault tests: a Redis and a PostgreSQL cluster of the test's
own, on free ports, which the test stops and restarts at will (never the shared services on
6379 and 5432), and Celery workers started and killed as real processes.

Where a server binary is missing the tests skip, saying which; under AIMS_REQUIRE_SERVICES=1
(CI) they fail instead."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def require(binary: str) -> str:
    found = shutil.which(binary) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{binary}"))), None
    )
    if found:
        return found
    message = f"{binary} is not installed: the fault test needs a throwaway server of its own"
    if os.environ.get("AIMS_REQUIRE_SERVICES"):
        pytest.fail(f"AIMS_REQUIRE_SERVICES is set but {message}")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, up: bool = True, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not go {'up' if up else 'down'}")


class Redis:
    """A redis-server of the test's own, nothing kept on disk; stop() and start() again."""

    def __init__(self, port: int):
        self.binary = require("redis-server")
        self.port = port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "Redis":
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None
        wait_for_port(self.port, up=False)


def _as_postgres() -> dict:
    """PostgreSQL refuses to run as root: run its programs as the postgres user then."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam("postgres")

    def demote() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return {"preexec_fn": demote}


class Postgres:
    """A PostgreSQL cluster in a temporary folder, trust authentication on 127.0.0.1."""

    def __init__(self, port: int):
        self.initdb, self.pg_ctl = require("initdb"), require("pg_ctl")
        require("postgres")
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="aims-fault-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        subprocess.run(
            [self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
            check=True, capture_output=True, **_as_postgres(),
        )  # fmt: skip

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options,
             "-w", "-t", "60", *args],
            check=True, capture_output=True, **_as_postgres(),
        )  # fmt: skip

    def start(self) -> "Postgres":
        self._ctl("start")
        return self

    def restart(self) -> None:
        """A fast restart: every session is ended, open transactions rolled back."""
        self._ctl("restart", "-m", "fast")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def start_worker(env: dict, name: str, log: Path) -> subprocess.Popen:
    """A real Celery worker process (solo pool: killing it kills the build it runs)."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "aims", "worker", "--pool=solo",
         "--concurrency=1", "-l", "info", "-n", f"{name}-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL: no clean shutdown, nothing acknowledged, nothing handed back."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def run_scenario(path: Path, env: dict, timeout: int = 1500) -> None:
    """Run a scenario module (tests/integration/faults/) in its own pytest process, so its
    settings (broker, database, lease) are read from ``env`` as a deployment's are."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(path), "-q", "-x", "-p", "no:cacheprovider",
         "-o", "addopts=-ra"],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    output = result.stdout[-8000:] + result.stderr[-4000:]
    assert result.returncode == 0, output
    assert " passed" in result.stdout and " skipped" not in result.stdout, output
