"""Health check of the web container: the login page must answer 200 to an anonymous GET.

Every other page requires login. The request carries a Host from ALLOWED_HOSTS (Django
rejects any other) and X-Forwarded-Proto: https, as the TLS proxy in front would send, so
that SECURE_SSL_REDIRECT does not answer 301. Exit status 0 means healthy.
"""

import http.client
import os
import sys

PATH = "/accounts/login/"


def host_header() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = int(os.environ.get("AIMS_HEALTHCHECK_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(
            "GET", PATH, headers={"Host": host_header(), "X-Forwarded-Proto": "https"}
        )
        status = connection.getresponse().status
    except OSError as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"healthcheck: GET {PATH} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
