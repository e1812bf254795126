#!/usr/bin/env bash
# Start or stop the benchmark's own PostgreSQL cluster (never the system one).
#   bash bench/pg.sh start   -> initdb (fresh) into $BENCH_PGDIR, start on $BENCH_PGPORT
#   bash bench/pg.sh stop
set -euo pipefail
BENCH_PGDIR=${BENCH_PGDIR:-/tmp/bench-pg}
BENCH_PGPORT=${BENCH_PGPORT:-5444}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "bench: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
  exit 2
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    if [ -f "$BENCH_PGDIR/data/postmaster.pid" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$BENCH_PGDIR/data" -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$BENCH_PGDIR"
    mkdir -p "$BENCH_PGDIR"
    [ "$(id -u)" = 0 ] && chown postgres "$BENCH_PGDIR"
    as_pg "$PGBIN/initdb" -D "$BENCH_PGDIR/data" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # Benchmark settings for a 2-core / 24 GiB machine; durability kept on (fsync, synchronous_commit).
    cat >>"$BENCH_PGDIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $BENCH_PGPORT
unix_socket_directories = '$BENCH_PGDIR'
shared_buffers = 1GB
effective_cache_size = 4GB
work_mem = 32MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
checkpoint_timeout = 15min
jit = off
CONF
    as_pg "$PGBIN/pg_ctl" -D "$BENCH_PGDIR/data" -l "$BENCH_PGDIR/log" -w start >/dev/null
    "$PGBIN/psql" -h 127.0.0.1 -p "$BENCH_PGPORT" -U postgres -qAt -c "SELECT version()"
    ;;
  stop)
    if [ -f "$BENCH_PGDIR/data/postmaster.pid" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$BENCH_PGDIR/data" -m fast stop >/dev/null
    fi
    ;;
  *)
    echo "usage: bash bench/pg.sh start|stop" >&2; exit 2 ;;
esac
