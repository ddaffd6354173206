#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Creates a cluster in a temporary directory, listening on 127.0.0.1 only on a free port with
# trust authentication (local test use only), creates a database, exports
# DATABASE_URL=postgres://portal@127.0.0.1:PORT/portal, runs CMD, and always stops the server
# and removes the directory, whatever CMD returns. Exits with CMD's status.
#
# Needs PostgreSQL's server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin
# (Debian package "postgresql"; `make postgres-deps` installs it) or in $PG_BINDIR.
# As root, the server runs as the unprivileged system user "postgres" (created if missing).
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        echo "$PG_BINDIR"
        return
    fi
    local dir
    # Newest major version first.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
        return
    fi
    return 1
}

BINDIR=$(find_bindir) || {
    echo "with-postgres: no initdb/pg_ctl found under /usr/lib/postgresql/*/bin;" \
        "run 'make postgres-deps' (apt-get install postgresql) or set PG_BINDIR" >&2
    exit 1
}

ORIG_PWD=$PWD
PGUSER_NAME=portal
PGDB_NAME=portal
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/portal-pg.XXXXXX")
DATADIR="$WORKDIR/data"
LOGFILE="$WORKDIR/server.log"

# As root, PostgreSQL refuses to run: use the unprivileged "postgres" system user.
as_server_user=()
if [[ $(id -u) -eq 0 ]]; then
    if ! id -u postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    chown postgres: "$WORKDIR"
    if command -v runuser >/dev/null; then
        as_server_user=(runuser -u postgres --)
    else
        as_server_user=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    fi
fi

server_started=
cleanup() {
    local status=$?
    if [[ -n "$server_started" ]]; then
        (cd "$WORKDIR" && "${as_server_user[@]}" "$BINDIR/pg_ctl" -D "$DATADIR" -m fast -w stop >/dev/null 2>&1) ||
            echo "with-postgres: could not stop the server in $DATADIR" >&2
    fi
    rm -rf "$WORKDIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 - <<'EOF'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

cd "$WORKDIR"
"${as_server_user[@]}" "$BINDIR/initdb" -D "$DATADIR" -U "$PGUSER_NAME" --auth=trust \
    --encoding=UTF8 --no-locale --no-sync >"$WORKDIR/initdb.log" 2>&1 || {
    cat "$WORKDIR/initdb.log" >&2
    exit 1
}

# A free port can be taken between the probe and the bind: try a few.
for attempt in 1 2 3 4 5; do
    PORT=$(free_port)
    # Throwaway data: durability off for speed. Unix socket only in the private work dir.
    if "${as_server_user[@]}" "$BINDIR/pg_ctl" -D "$DATADIR" -l "$LOGFILE" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$WORKDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
        server_started=1
        break
    fi
    echo "with-postgres: start on port $PORT failed (attempt $attempt)" >&2
done
if [[ -z "$server_started" ]]; then
    cat "$LOGFILE" >&2 || true
    exit 1
fi

"$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U "$PGUSER_NAME" "$PGDB_NAME"

export DATABASE_URL="postgres://$PGUSER_NAME@127.0.0.1:$PORT/$PGDB_NAME"
echo "with-postgres: PostgreSQL $("$BINDIR/pg_ctl" --version | awk '{print $3}') at $DATABASE_URL" >&2

cd "$ORIG_PWD"
set +e
"$@"
status=$?
set -e
exit "$status"
