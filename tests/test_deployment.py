"""The production shape: Dockerfile, docker-compose.yml and the production settings.

No Docker engine runs here, so the container files are checked by reading them, and what
they run (settings, collectstatic, the entrypoint, gunicorn, the health check) is run in
subprocesses with the production environment. Those subprocesses use throwaway files
under tmp_path, never the developer's database under var/.
"""

import http.client
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from fnmatch import fnmatch
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
import pytest
import yaml
from django.urls import reverse

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"
HEALTHCHECK = REPO / "docker" / "healthcheck.py"
SETTINGS_FILE = REPO / "aims" / "settings.py"

SERVICES = {"postgres", "redis", "web", "worker", "beat"}
APP_SERVICES = ("web", "worker", "beat")
DB_SERVICES = ("web", "worker", "beat")  # beat reads its schedules from the database
MEDIA_SERVICES = ("web", "worker")  # beat only sends messages: no files
BOOTSTRAP_CSS = "vendor/bootstrap/bootstrap.min.css"
WEASYPRINT_APT_PACKAGES = {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b"}
SUBPROCESS_TIMEOUT = 180


# Values for the ${VAR} references of docker-compose.yml, as a .env file would give them.
def _signing_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


SIGNING_KEY = _signing_key()
COMPOSE_TEST_VARIABLES = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "POSTGRES_PASSWORD": "test-password",
    "AUDIT_TRAIL_SIGNING_KEY": SIGNING_KEY,
}


# --- docker-compose.yml -------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Substitute ${NAME}, ${NAME:-default} and ${NAME:?error} as docker compose does."""

    def substitute(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"] or "", match["arg"] or ""
        if variables.get(name):
            return variables[name]
        if op.endswith("?"):
            raise KeyError(f"{name} is required: {arg}")
        return arg if op.endswith("-") else ""

    return _VARIABLE.sub(substitute, value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def service_env(service: dict, variables=COMPOSE_TEST_VARIABLES) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: interpolate(str(value), variables) for key, value in environment.items()}


def test_compose_defines_the_five_services(services):
    assert set(services) == SERVICES


def test_compose_images_and_builds(services):
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    images = set()
    for name in APP_SERVICES:
        service = services[name]
        build = service["build"]
        context = build if isinstance(build, str) else build["context"]
        assert (REPO / context / "Dockerfile").resolve() == DOCKERFILE, name
        images.add(service["image"])
    assert len(images) == 1, "web, worker and beat must run the same image"


def test_web_runs_gunicorn_on_the_wsgi_application(services):
    command = services["web"]["command"]
    assert isinstance(command, list), "exec form, so that gunicorn gets the signals"
    assert command[:2] == ["gunicorn", "aims.wsgi:application"]
    assert command[command.index("--bind") + 1] == "0.0.0.0:8000"
    assert any(port.endswith(":8000") for port in services["web"]["ports"])


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_worker_and_beat_run_celery_on_the_aims_app(services, name):
    command = services[name]["command"]
    if isinstance(command, str):
        command = shlex.split(command)
    assert command[:4] == ["celery", "-A", "aims", name]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_in_production_mode(services, name):
    env = service_env(services[name])
    assert env["AIMS_ENV"] == "production"
    assert env.get("DEBUG", "false").lower() in {"0", "false", "no", "off"}
    assert env["ALLOWED_HOSTS"]


def test_secrets_are_required_not_defaulted(services):
    raw = services["web"]["environment"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", raw["SECRET_KEY"])
    assert "POSTGRES_PASSWORD:?" in raw["DATABASE_URL"]
    with pytest.raises(KeyError, match="SECRET_KEY"):
        service_env(services["web"], variables={"POSTGRES_PASSWORD": "x"})


@pytest.mark.parametrize("name", DB_SERVICES)
def test_app_services_reach_postgres_by_service_name(services, name):
    postgres_env = service_env(services["postgres"])
    database = dj_database_url.parse(service_env(services[name])["DATABASE_URL"])
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"]) == ("postgres", 5432)
    assert database["NAME"] == postgres_env["POSTGRES_DB"]
    assert database["USER"] == postgres_env["POSTGRES_USER"]
    assert database["PASSWORD"] == postgres_env["POSTGRES_PASSWORD"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_reach_redis_by_service_name(services, name):
    broker = urlparse(service_env(services[name])["CELERY_BROKER_URL"])
    assert broker.scheme == "redis"
    assert (broker.hostname, broker.port or 6379) == ("redis", 6379)


def test_every_app_variable_is_read_by_the_code(services):
    """A misspelt variable name would be silently ignored, falling back to a default."""
    settings, entrypoint = SETTINGS_FILE.read_text(), ENTRYPOINT.read_text()
    read_by_libraries = {"WEB_CONCURRENCY"}  # gunicorn
    for name in APP_SERVICES:
        for key in service_env(services[name]):
            assert (
                f'"{key}"' in settings or f"${{{key}" in entrypoint or key in read_by_libraries
            ), (name, key)


def test_healthchecks(services):
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])
    web_check = services["web"]["healthcheck"]["test"]
    assert web_check[0] == "CMD"
    assert web_check[1:] == ["python", "/app/docker/healthcheck.py"]
    assert HEALTHCHECK.is_file()
    # The only page an anonymous user gets a 200 from.
    assert f'PATH = "{reverse("login")}"' in HEALTHCHECK.read_text()


def test_dependencies_wait_for_healthy_services(services):
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert isinstance(depends_on, dict), f"{name}: use the long form with a condition"
        assert "redis" in depends_on
        if name in DB_SERVICES:
            assert "postgres" in depends_on
        for target, options in depends_on.items():
            assert options["condition"] == "service_healthy", (name, target)
            assert "healthcheck" in services[target], (name, target)


def _named_volumes(service: dict) -> dict[str, str]:
    mounts = {}
    for volume in service.get("volumes") or []:
        source, target = volume.split(":")[:2]
        if not source.startswith((".", "/", "~")):
            mounts[source] = target
    return mounts


def test_named_volumes_are_declared_and_used(compose, services):
    declared = set(compose["volumes"])
    used = set()
    for service in services.values():
        used |= set(_named_volumes(service))
    assert used == declared
    assert _named_volumes(services["postgres"]) == {"postgres-data": "/var/lib/postgresql/data"}
    assert set(_named_volumes(services["redis"])) == {"redis-data"}


def test_media_volume_is_shared_by_web_and_worker_at_media_root(services):
    for name in MEDIA_SERVICES:
        media_root = service_env(services[name])["MEDIA_ROOT"]
        assert _named_volumes(services[name]).get("media") == media_root, name


# --- Dockerfile and .dockerignore ---------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    instructions, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        current += stripped[:-1] + " " if stripped.endswith("\\") else stripped
        if not stripped.endswith("\\"):
            keyword, _, arguments = current.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
            current = ""
    return instructions


def dockerfile(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile_instructions()
            if instruction == keyword]  # fmt: skip


def test_dockerfile_base_image():
    assert dockerfile("FROM")[0].startswith("python:3.11-slim")


def test_dockerfile_installs_the_weasyprint_libraries_and_fonts():
    installs = " ".join(run for run in dockerfile("RUN") if "apt-get install" in run).split()
    assert set(installs) >= WEASYPRINT_APT_PACKAGES
    assert any(package.startswith("fonts-") for package in installs)
    assert "--no-install-recommends" in installs


def test_dockerfile_installs_the_project_dependencies():
    copies = " ".join(dockerfile("COPY"))
    assert "pyproject.toml" in copies
    assert any(re.search(r"\bpip install\b", run) for run in dockerfile("RUN"))


def test_dockerfile_collects_static_files_in_production_mode():
    runs = [run for run in dockerfile("RUN") if "collectstatic" in run]
    assert len(runs) == 1
    assert "--noinput" in runs[0]
    assert "SECRET_KEY=" in runs[0] and "ALLOWED_HOSTS=" in runs[0]
    environment = " ".join(dockerfile("ENV"))
    assert "AIMS_ENV=production" in environment or "AIMS_ENV=production" in runs[0]
    # Throwaway build arguments, not baked into the image's environment.
    arguments = " ".join(dockerfile("ARG"))
    assert "SECRET_KEY" in arguments and "SECRET_KEY" not in environment


def test_dockerfile_runs_as_an_unprivileged_user():
    instructions = [instruction for instruction, _ in dockerfile_instructions()]
    users = dockerfile("USER")
    assert users, "no USER: the container would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert instructions.index("USER") > max(
        i
        for i, (instruction, arguments) in enumerate(dockerfile_instructions())
        if instruction == "RUN" and "collectstatic" in arguments
    )


def test_dockerfile_exposes_8000():
    assert "8000" in " ".join(dockerfile("EXPOSE")).split()


def test_dockerfile_entrypoint_and_cmd_match_compose(services):
    (entrypoint,) = dockerfile("ENTRYPOINT")
    (cmd,) = dockerfile("CMD")
    assert json.loads(entrypoint) == ["/app/docker/entrypoint.sh"]
    assert json.loads(cmd) == services["web"]["command"]
    assert dockerfile("WORKDIR") == ["/app"]


def test_entrypoint_script_is_valid_and_hands_over_to_the_command():
    assert os.access(ENTRYPOINT, os.X_OK)
    assert ENTRYPOINT.read_text().startswith("#!/bin/sh\n")
    assert ENTRYPOINT.read_text().rstrip().endswith('exec "$@"')
    subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=True, timeout=30)


def _dockerignored(path: str, patterns: list[str]) -> bool:
    """Whether a pattern matches the path or a folder above it ("**/" at any depth)."""
    parts = path.split("/")
    for pattern in patterns:
        starts = range(len(parts)) if pattern.startswith("**/") else range(1)
        candidates = ["/".join(parts[i:j]) for i in starts for j in range(i + 1, len(parts) + 1)]
        if any(fnmatch(candidate, pattern.removeprefix("**/")) for candidate in candidates):
            return True
    return False


def test_dockerignore_keeps_local_state_and_secrets_out_but_not_the_app():
    patterns = [
        line.strip() for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]  # fmt: skip
    assert not any(pattern.startswith("!") for pattern in patterns)  # kept simple
    for path in [".git", ".venv", "var/aims.sqlite3", ".env", "aims/__pycache__"]:
        assert _dockerignored(path, patterns), path
    needed = [
        "pyproject.toml", "manage.py", "aims/settings.py", "aims/wsgi.py",
        "templates", "static/vendor/bootstrap/bootstrap.min.css",
        "docker/entrypoint.sh", "docker/migrate.py", "docker/healthcheck.py",
    ]  # fmt: skip
    for path in needed:
        assert (REPO / path).exists(), path
        assert not _dockerignored(path, patterns), path


# --- the production settings and processes, run for real ---------------------------------


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """A production environment on throwaway files: never the developer's var/."""
    env = {key: value for key, value in os.environ.items() if key in {"HOME", "LANG", "TMPDIR"}}
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        PYTHONDONTWRITEBYTECODE="1",
        DJANGO_SETTINGS_MODULE="aims.settings",
        AIMS_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_TRAIL_SIGNING_KEY=SIGNING_KEY,
        ALLOWED_HOSTS="aims.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'aims.sqlite3'}",
        AIMS_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "staticfiles"),
        # Lockouts and throttles counted where every worker sees them (not connected to here).
        AIMS_CACHE_URL="redis://127.0.0.1:6379/1",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=REPO, env=env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *args], env)


def test_deploy_check_passes_with_the_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert not (tmp_path / "aims.sqlite3").exists()


def test_deploy_check_requires_the_audit_trail_signing_key(tmp_path):
    env = production_env(tmp_path, AUDIT_TRAIL_SIGNING_KEY=None)
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "audits.E001" in result.stdout + result.stderr
    missing = production_env(
        tmp_path, AUDIT_TRAIL_SIGNING_KEY=None, AUDIT_TRAIL_SIGNING_KEY_FILE="/nonexistent.pem"
    )
    result = manage("check", "--deploy", env=missing)
    assert "does not exist" in result.stdout + result.stderr
    assert not Path("/nonexistent.pem").exists()


@pytest.mark.parametrize(
    "cache_url,finding,fails",
    [(None, "aims.W101", False), ("locmem://", "aims.E101", True)],
    ids=["folder-cache-warns", "per-process-cache-refused"],
)
def test_deploy_check_requires_a_cache_every_worker_shares(tmp_path, cache_url, finding, fails):
    """Lockouts and throttles counted per worker would give an attacker one allowance each."""
    result = manage("check", "--deploy", env=production_env(tmp_path, AIMS_CACHE_URL=cache_url))
    assert finding in result.stdout + result.stderr
    assert (result.returncode != 0) is fails, result.stdout + result.stderr


def test_compose_shares_a_redis_cache_apart_from_the_broker(services):
    for name in APP_SERVICES:
        env = service_env(services[name])
        cache = urlparse(env["AIMS_CACHE_URL"])
        assert cache.scheme == "redis" and cache.hostname == "redis", name
        assert cache.path != urlparse(env["CELERY_BROKER_URL"]).path, name


def test_compose_environment_only_relaxes_the_ssl_redirect(tmp_path, services):
    """The compose defaults serve plain HTTP locally (SECURE_SSL_REDIRECT=false): that is
    the one security warning they may cause."""
    env = production_env(tmp_path)
    compose_env = service_env(services["web"])
    compose_env.pop("DATABASE_URL")  # postgres is not reachable here
    compose_env.pop("MEDIA_ROOT")
    env.update(compose_env)
    result = manage("check", "--deploy", "--tag", "security", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(re.findall(r"\(([\w.]+\.[WE]\d+)\)", result.stdout + result.stderr)) == {
        "security.W008"
    }


@pytest.mark.parametrize(
    "command",
    [
        ["manage.py", "check"],
        ["-c", "import django; django.setup()"],
    ],
    ids=["manage-check", "django-setup"],
)
@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(tmp_path, command, missing):
    env = production_env(tmp_path, **{missing: None})
    result = run([sys.executable, *command], env)
    assert result.returncode != 0
    assert re.search(
        rf"django\.core\.exceptions\.ImproperlyConfigured: .*\b{missing}\b", result.stderr
    ), result.stderr


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    tmp_path = tmp_path_factory.mktemp("collectstatic")
    env = production_env(tmp_path)
    result = manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return Path(env["STATIC_ROOT"])


def test_collectstatic_builds_the_manifest(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    hashed = manifest["paths"][BOOTSTRAP_CSS]
    assert hashed != BOOTSTRAP_CSS
    assert (collected_static / hashed).is_file()
    assert (collected_static / f"{hashed}.gz").is_file()  # compressed for WhiteNoise
    assert "admin/css/base.css" in manifest["paths"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "GET", path, headers={"Host": "aims.example.org", "X-Forwarded-Proto": "https"}
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_entrypoint_migrates_then_serves_the_web_command(tmp_path, services, collected_static):
    """The web container without the container: entrypoint, migrations, the compose
    gunicorn command, WhiteNoise on the manifest, and the compose health check."""
    port = _free_port()
    command = list(services["web"]["command"])
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    env = production_env(
        tmp_path, STATIC_ROOT=str(collected_static), WEB_CONCURRENCY="1",
        AIMS_HEALTHCHECK_PORT=str(port),
    )  # fmt: skip
    log = (tmp_path / "web.log").open("w+")
    server = subprocess.Popen(
        [str(ENTRYPOINT), *command], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + SUBPROCESS_TIMEOUT
        while True:
            check = run([sys.executable, str(HEALTHCHECK)], env)
            if check.returncode == 0:
                break
            log.seek(0)
            assert server.poll() is None, f"web exited:\n{log.read()}"
            assert time.monotonic() < deadline, f"never healthy:\n{check.stderr}\n{log.read()}"
            time.sleep(0.5)

        assert (tmp_path / "aims.sqlite3").exists(), "the entrypoint did not migrate"
        manifest = json.loads((collected_static / "staticfiles.json").read_text())
        static = _get(port, f"/static/{manifest['paths'][BOOTSTRAP_CSS]}")
        assert static.status == 200
        assert "immutable" in static.headers["Cache-Control"]
        dashboard = _get(port, "/")
        assert dashboard.status == 302
        assert dashboard.headers["Location"].startswith(reverse("login"))
        assert _get(port, "/").headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_entrypoint_does_not_migrate_for_worker_or_beat(tmp_path):
    env = production_env(tmp_path)
    result = run([str(ENTRYPOINT), sys.executable, "-c", "print('handed over')"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "handed over"
    assert not (tmp_path / "aims.sqlite3").exists()
