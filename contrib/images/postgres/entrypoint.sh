#!/bin/sh
# Entrypoint of rsrc-demo/postgres (built by scripts/images), in the style of the official image:
# as root it makes PGDATA the postgres user's and drops root with setpriv (util-linux); on an
# empty PGDATA it runs initdb, creates POSTGRES_DB and lets other hosts in with a password; then
# it execs postgres, so the server is PID 1 and gets the stop signal (SIGINT: a fast shutdown).
#
# Environment (read only when PGDATA is empty, at the first start of a fresh volume):
#   POSTGRES_PASSWORD          the superuser's password (required, unless
#                              POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER              the superuser (default postgres)
#   POSTGRES_DB                a database made for it (default: POSTGRES_USER)
#   POSTGRES_INITDB_ARGS       more initdb arguments
#   POSTGRES_HOST_AUTH_METHOD  pg_hba method for other hosts (default scram-sha-256)
# Scripts in /docker-entrypoint-initdb.d (*.sql, *.sh) run once after initdb.
set -eu

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

# `docker run IMAGE -c shared_buffers=256MB` means postgres.
case "${1:-}" in
    -*) set -- postgres "$@" ;;
esac

if [ "${1:-}" = postgres ] && [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' + 2>/dev/null || true
    chmod 700 "$PGDATA"
    chown postgres:postgres /var/run/postgresql
    chmod 3777 /var/run/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
    POSTGRES_USER="${POSTGRES_USER:-postgres}"
    POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
    auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
        echo "error: the database is uninitialized and POSTGRES_PASSWORD is not set" >&2
        echo "       (set it, or POSTGRES_HOST_AUTH_METHOD=trust to let anyone in)" >&2
        exit 1
    fi
    pwfile="$(mktemp)"
    printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
    # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of arguments, as in the official image
    initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host="$auth" ${POSTGRES_INITDB_ARGS:-}
    rm -f "$pwfile"
    printf '\n%s\n' "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    printf '\n%s\n' "host all all all $auth" >>"$PGDATA/pg_hba.conf"

    # A server on the socket only, for POSTGRES_DB and the init scripts.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
    psql_init() {
        psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --no-password "$@"
    }
    if [ "$POSTGRES_DB" != postgres ]; then
        printf '%s\n' 'CREATE DATABASE :"db";' | psql_init --dbname postgres --set db="$POSTGRES_DB"
    fi
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
            *.sql) echo "running $f"; psql_init --dbname "$POSTGRES_DB" -f "$f" ;;
            *.sh) echo "running $f"; sh "$f" ;;
            *) ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop
    echo "PostgreSQL init process complete; ready for start up."
fi

exec "$@"
