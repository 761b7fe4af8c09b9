#!/bin/sh
# Container start: wait for the database, migrate it, then serve.
set -eu
aurum db wait --timeout "${DB_WAIT_TIMEOUT:-60}"
aurum db upgrade
aurum catalogs load
exec aurum serve --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WORKERS:-2}" "$@"
