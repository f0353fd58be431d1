"""The test OpenID Connect provider (tests/sso/oidc_provider), started once per session in
its own process, with an RSA key made here, registered for the live server's callback."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.sso.oidc_provider import bootstrap

ROOT = Path(__file__).resolve().parents[3]
PROVIDER_ID = "test-idp"


@dataclass(frozen=True)
class OIDCProvider:
    url: str
    client_id: str = bootstrap.CLIENT_ID
    client_secret: str = bootstrap.CLIENT_SECRET
    password: str = bootstrap.PASSWORD

    @property
    def server_url(self) -> str:
        return f"{self.url}/o"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oidc_provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.sso.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp / "provider.sqlite3"),
        "OIDC_RSA_PRIVATE_KEY": pem,
        "OAUTHLIB_INSECURE_TRANSPORT": "1",  # plain http on the loopback, tests only
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    callback = f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/"
    subprocess.run(
        [sys.executable, "-m", "tests.sso.oidc_provider.bootstrap", callback],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    port = _free_port()
    log = open(tmp / "provider.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/o/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            output = (tmp / "provider.log").read_text()
            pytest.fail(f"the test OpenID provider did not start:\n{output}")
        time.sleep(0.3)
    try:
        yield OIDCProvider(url=url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
