#!/usr/bin/env bash
# Starts the PostgreSQL and NATS (JetStream) servers the scale-out tests use, when they
# are not already answering on their standard loopback ports. Idempotent. On a fresh
# Debian machine (root, apt) it installs the packages (postgresql, nats-server) first,
# and in CI only it lets loopback logins in without a password (the tests' URL has
# none). Whatever still fails makes the tests fail in CI with a clear message.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v nats-server >/dev/null || missing+=(nats-server)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "services: installing ${missing[*]}" >&2
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
        || echo "services: could not install ${missing[*]}" >&2
fi

if ! up 5432; then
    if command -v pg_ctlcluster >/dev/null && command -v pg_lsclusters >/dev/null; then
        pg_lsclusters --no-header 2>/dev/null | while read -r ver name _; do
            pg_ctlcluster "$ver" "$name" start || true
        done
    elif command -v service >/dev/null; then
        service postgresql start || true
    fi
    for _ in $(seq 1 30); do up 5432 && break; sleep 1; done
    up 5432 || echo "services: PostgreSQL is not answering on 127.0.0.1:5432" >&2
fi
# CI only: a fresh install asks loopback clients for passwords; the tests have none.
if up 5432 && [ -n "${CI:-}" ] && command -v psql >/dev/null \
    && ! psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1" >/dev/null 2>&1; then
    for hba in /etc/postgresql/*/*/pg_hba.conf; do
        [ -f "$hba" ] || continue
        sed -i '1i local all all trust\nhost all all 127.0.0.1/32 trust' "$hba"
    done
    pg_lsclusters --no-header 2>/dev/null | while read -r ver name _; do pg_ctlcluster "$ver" "$name" reload || true; done
    sleep 1
fi
# The tests use the database `test`; create it when missing.
if up 5432 && command -v psql >/dev/null; then
    for user in root postgres; do
        if psql -h 127.0.0.1 -U "$user" -d postgres -Atc "SELECT 1" >/dev/null 2>&1; then
            psql -h 127.0.0.1 -U "$user" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
                || psql -h 127.0.0.1 -U "$user" -d postgres -c "CREATE DATABASE test" >/dev/null
            break
        fi
    done
fi

if ! up 4222; then
    if command -v nats-server >/dev/null; then
        mkdir -p /tmp/bonafide-nats
        nohup nats-server -a 127.0.0.1 -p 4222 -js -sd /tmp/bonafide-nats >/tmp/bonafide-nats.log 2>&1 &
        for _ in $(seq 1 30); do up 4222 && break; sleep 1; done
    fi
    up 4222 || echo "services: NATS is not answering on 127.0.0.1:4222" >&2
fi
exit 0
