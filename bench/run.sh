#!/usr/bin/env bash
# The benchmark, on its own PostgreSQL cluster (started here, stopped on exit).
#
#   bash bench/run.sh            full size: 1 alliance × 200 members × 1,000,000 entries -> bench/results.md
#   bash bench/run.sh --quick    smoke size (CI): 2,000 entries, 100 seats, every invariant -> bench/out/results-quick.md
#
# Environment: BENCH_PGDIR (/tmp/bench-pg), BENCH_PGPORT (5444); django-hordak runs on its own cluster,
# HORDAK_PGDIR (${BENCH_PGDIR}-hordak), HORDAK_PGPORT (BENCH_PGPORT + 1); HORDAK_VENV (/tmp/hordak-venv),
# BENCH_SKIP_HORDAK=1 to leave django-hordak out, BENCH_ENTRIES / BENCH_POSTING / BENCH_POSTING_BATCH /
# BENCH_BATCH_SIZE / BENCH_SEATS / BENCH_MOTIONS to override sizes.
# Exits non-zero when a step fails or an invariant (hash chain, balance table) does not hold.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODE=full
for arg in "$@"; do
  case "$arg" in
    --quick) MODE=quick ;;
    *) echo "usage: bash bench/run.sh [--quick]" >&2; exit 2 ;;
  esac
done

export BENCH_PGDIR=${BENCH_PGDIR:-/tmp/bench-pg}
export BENCH_PGPORT=${BENCH_PGPORT:-5444}
HORDAK_PGDIR=${HORDAK_PGDIR:-${BENCH_PGDIR}-hordak}
HORDAK_PGPORT=${HORDAK_PGPORT:-$((BENCH_PGPORT + 1))}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
OUT=${BENCH_OUT:-$ROOT/bench/out}
mkdir -p "$OUT"
rm -f "$OUT"/ours.json "$OUT"/hordak.json "$OUT"/hordak-error.txt

if [ "$MODE" = quick ]; then
  ENTRIES=${BENCH_ENTRIES:-2000}; POSTING=${BENCH_POSTING:-40}; POSTING_BATCH=${BENCH_POSTING_BATCH:-1000}; BATCH=${BENCH_BATCH_SIZE:-500}; BALANCE_Q=30; REPEATS=5; SEATS=${BENCH_SEATS:-100}; MOTIONS=${BENCH_MOTIONS:-1}
  RESULTS=$OUT/results-quick.md
  HORDAK_BALANCE_Q=$BALANCE_Q
  HORDAK_POSTING=$POSTING
else
  ENTRIES=${BENCH_ENTRIES:-1000000}; POSTING=${BENCH_POSTING:-300}; POSTING_BATCH=${BENCH_POSTING_BATCH:-10000}; BATCH=${BENCH_BATCH_SIZE:-1000}; BALANCE_Q=500; REPEATS=15; SEATS=${BENCH_SEATS:-1000}; MOTIONS=${BENCH_MOTIONS:-3}
  RESULTS=${BENCH_RESULTS:-$ROOT/bench/results.md}
  HORDAK_POSTING=1000
  HORDAK_BALANCE_Q=100  # hordak scans every leg of the account up to the date: ~2 s per query at 1M entries
fi

# Our code runs in the project's virtualenv (README's `make install`).
PY=${BENCH_PY:-$ROOT/.venv/bin/python}
if [ -z "${BENCH_PY:-}" ] && { [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import django, finance" 2>/dev/null; }; then
  make install
fi

# django-hordak in its own virtualenv; a failure to install is reported, not fatal.
HORDAK_VENV=${HORDAK_VENV:-/tmp/hordak-venv}
HORDAK=1
if [ "${BENCH_SKIP_HORDAK:-0}" = 1 ]; then
  HORDAK=0; echo "BENCH_SKIP_HORDAK=1" >"$OUT/hordak-error.txt"
elif ! "$HORDAK_VENV/bin/python" -c "import hordak" 2>/dev/null; then
  echo "== installing django-hordak into $HORDAK_VENV"
  if ! { python3 -m venv "$HORDAK_VENV" && "$HORDAK_VENV/bin/pip" install -q "django-hordak==2.0.0" "Django>=4.2,<5.3" "psycopg[binary]>=3.1,<4"; } >"$OUT/hordak-install.log" 2>&1; then
    HORDAK=0
    { echo "pip install django-hordak failed:"; grep -v "WARNING: Location" "$OUT/hordak-install.log" | tail -n 5; } >"$OUT/hordak-error.txt"
  fi
fi

cleanup() {
  bash "$ROOT/bench/pg.sh" stop || true
  BENCH_PGDIR=$HORDAK_PGDIR BENCH_PGPORT=$HORDAK_PGPORT bash "$ROOT/bench/pg.sh" stop || true
}
trap cleanup EXIT
echo "== PostgreSQL cluster in $BENCH_PGDIR, port $BENCH_PGPORT"
bash bench/pg.sh start
"$PGBIN/createdb" -h 127.0.0.1 -p "$BENCH_PGPORT" -U postgres lianmeng_bench
if [ "$HORDAK" = 1 ]; then
  echo "== django-hordak's own PostgreSQL cluster in $HORDAK_PGDIR, port $HORDAK_PGPORT"
  BENCH_PGDIR=$HORDAK_PGDIR BENCH_PGPORT=$HORDAK_PGPORT bash bench/pg.sh start
  "$PGBIN/createdb" -h 127.0.0.1 -p "$HORDAK_PGPORT" -U postgres hordak_bench
fi

export DATABASE_URL=postgres://postgres@127.0.0.1:$BENCH_PGPORT/lianmeng_bench
export HORDAK_DATABASE_URL=postgres://postgres@127.0.0.1:$HORDAK_PGPORT/hordak_bench
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
# The synthetic ledger posts its streams in 2026 and 2027 whatever today is; widen the date horizon
# (alliances/dates.py) so the benchmark measures posting, not the calendar.
export LIANMENG_MAX_FUTURE_DAYS=${LIANMENG_MAX_FUTURE_DAYS:-3650}
export DEBUG=0 SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789}

echo "== migrate"
"$PY" manage.py migrate --no-input -v0 &
MIGRATE_PID=$!
if [ "$HORDAK" = 1 ]; then
  (cd bench/hordak_project && "$HORDAK_VENV/bin/python" manage.py migrate --no-input -v0) || {
    HORDAK=0; echo "django-hordak migrations failed (see the output above)" >"$OUT/hordak-error.txt"; }
fi
wait "$MIGRATE_PID"

HORDAK_PID=
run_hordak() {
  "$HORDAK_VENV/bin/python" bench/hordak_project/bench_hordak.py --entries "$ENTRIES" --members 200 \
    --posting "$HORDAK_POSTING" --balance-queries "$HORDAK_BALANCE_Q" --out "$OUT/hordak.json" \
    || { echo "django-hordak benchmark failed" >"$OUT/hordak-error.txt"; rm -f "$OUT/hordak.json"; }
}
if [ "$HORDAK" = 1 ] && [ "$MODE" = quick ]; then
  # Smoke test: hordak runs beside ours to save time (quick timings are not for comparison).
  echo "== django-hordak ($ENTRIES entries, in parallel)"
  run_hordak &
  HORDAK_PID=$!
fi

echo "== ours ($ENTRIES entries)"
"$PY" bench/lianmeng_bench.py --entries "$ENTRIES" --members 200 --posting "$POSTING" \
  --posting-batch "$POSTING_BATCH" --batch-size "$BATCH" \
  --balance-queries "$BALANCE_Q" --report-repeats "$REPEATS" --seats "$SEATS" --motion-repeats "$MOTIONS" \
  --out "$OUT/ours.json"

if [ -n "$HORDAK_PID" ]; then
  wait "$HORDAK_PID"
elif [ "$HORDAK" = 1 ]; then
  echo "== django-hordak ($ENTRIES entries)"
  run_hordak
fi

echo "== results"
python3 bench/report.py --mode "$MODE" --ours "$OUT/ours.json" --hordak "$OUT/hordak.json" \
  --hordak-error "$OUT/hordak-error.txt" --append bench/findings.md --write "$RESULTS"
echo "written to ${RESULTS#$ROOT/}"
