# syntax=docker/dockerfile:1
#
# AIMS production image. One image runs every process of docker-compose.yml:
#   web     gunicorn aims.wsgi:application (the default CMD; static files via WhiteNoise)
#   worker  celery -A aims worker
#   beat    celery -A aims beat
# docker/entrypoint.sh applies database migrations before gunicorn starts.
#
# Pinned to Debian bookworm so the apt package names below stay valid.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    AIMS_ENV=production \
    AIMS_VAR_DIR=/var/lib/aims \
    MEDIA_ROOT=/var/lib/aims/media \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint (PDF reports, rendered in web and in the Celery worker) loads Pango and
# HarfBuzz through CFFI at run time, and draws nothing without fonts installed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-dejavu-core \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so that a source change does not reinstall them. pyproject.toml has
# [tool.setuptools] packages = []: `pip install .` installs the dependencies only, and the
# application runs from its source directory, /app.
COPY pyproject.toml /tmp/aims-build/
RUN pip install /tmp/aims-build && rm -rf /tmp/aims-build

WORKDIR /app
COPY . .

# collectstatic needs the production settings to import (manifest storage), and they refuse
# to import without SECRET_KEY and ALLOWED_HOSTS. These two values exist only for this build
# step: they are not set in the image's environment, and the real ones come at run time.
ARG BUILD_SECRET_KEY=collectstatic-only-throwaway-key-not-used-at-run-time-0123456789abcdef
ARG BUILD_ALLOWED_HOSTS=localhost
RUN SECRET_KEY="$BUILD_SECRET_KEY" ALLOWED_HOSTS="$BUILD_ALLOWED_HOSTS" \
        python manage.py collectstatic --noinput \
    && chmod 0755 docker/entrypoint.sh

# Unprivileged user. /var/lib/aims is AIMS_VAR_DIR (Celery beat's schedule file) and holds
# MEDIA_ROOT; a fresh named volume mounted on /var/lib/aims/media takes this ownership.
RUN groupadd --system --gid 10001 aims \
    && useradd --system --uid 10001 --gid aims --home-dir /var/lib/aims \
        --shell /usr/sbin/nologin aims \
    && mkdir -p /var/lib/aims/media \
    && chown -R aims:aims /var/lib/aims
USER 10001:10001

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "aims.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
