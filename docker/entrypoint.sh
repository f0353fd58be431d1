#!/bin/sh
# Entrypoint of the AIMS image, for web, worker and beat alike.
#
# Before gunicorn starts, the database migrations are applied (docker/migrate.py holds a
# PostgreSQL advisory lock meanwhile, so several web replicas starting together migrate
# once). Worker and beat do not migrate. AIMS_MIGRATE_ON_START=1 or 0 overrides that.
set -eu

case "${1:-}" in
    gunicorn) migrate_default=1 ;;
    *) migrate_default=0 ;;
esac

case "${AIMS_MIGRATE_ON_START:-$migrate_default}" in
    1 | true | True | TRUE | yes | on)
        echo "entrypoint: applying database migrations" >&2
        python "$(dirname "$0")/migrate.py"
        ;;
esac

exec "$@"
