#!/bin/sh
# Entrypoint of rsrc-demo/redis (built by scripts/images), in the style of the official image:
# as root it makes the data dir the redis user's and drops root with setpriv (util-linux), then
# execs redis-server, so the server is PID 1 and gets the stop signal.
#
# Environment:
#   REDIS_PASSWORD    when set and not empty: --requirepass
#   REDIS_APPENDONLY  "yes": --appendonly yes (the append-only file, in /data like the snapshots)
#
# The server binds 0.0.0.0 with protected mode off, as the official image does (it patches the
# default out): connections come through Docker's published port, from an address that is not
# loopback, and protected mode would refuse them all. Set REDIS_PASSWORD when the port is
# reachable by others.
set -eu

# `docker run IMAGE --maxmemory 100mb` and `docker run IMAGE my.conf` mean redis-server.
case "${1:-}" in
    -* | *.conf) set -- redis-server "$@" ;;
esac

if [ "${1:-}" = redis-server ]; then
    if [ "$(id -u)" = 0 ]; then
        # Only what is not the redis user's yet: a large volume is not walked twice.
        find . \! -user redis -exec chown redis:redis '{}' + 2>/dev/null || true
        exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
    fi
    shift
    if [ -n "${REDIS_APPENDONLY:-}" ]; then
        set -- --appendonly "$REDIS_APPENDONLY" "$@"
    fi
    if [ -n "${REDIS_PASSWORD:-}" ]; then
        set -- --requirepass "$REDIS_PASSWORD" "$@"
    fi
    umask 0077
    exec redis-server --bind 0.0.0.0 --protected-mode no "$@"
fi

exec "$@"
