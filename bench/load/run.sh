#!/usr/bin/env bash
# HTTP load test (issue #22): the production configuration (gunicorn, PostgreSQL, the task worker) on
# loopback, four Locust scenarios one after another, headless and bounded in time; then every
# accepted vote is checked against the tally and every chain is verified. Writes the "HTTP load"
# section of bench/results.md (or bench/out/results-load-quick.md with --quick).
#
#   bash bench/load/run.sh            20 alliances × 50 councillors, 50 staff, 200 representatives, 1,000 alliances
#   bash bench/load/run.sh --quick    a smoke run: small numbers, 20 s per scenario
#
# Environment: LOAD_PGDIR (/tmp/load-pg), LOAD_PGPORT (5454), LOAD_PORT (8100), LOAD_WORKERS (gunicorn, 5),
# LOAD_SECONDS (per scenario).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
MODE=full
[ "${1:-}" = --quick ] && MODE=quick
PY=${BENCH_PY:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || make install
OUT=$ROOT/bench/out/load; rm -rf "$OUT"; mkdir -p "$OUT"
PORT=${LOAD_PORT:-8100}
WORKERS=${LOAD_WORKERS:-5}
if [ "$MODE" = quick ]; then
  VOTE_ALLIANCES=2; SEATS=10; BUREAU_ALLIANCES=5; STAFF=4; REPS=6; ENTRIES=200; SECONDS_EACH=${LOAD_SECONDS:-20}
  RESULTS=$ROOT/bench/out/results-load-quick.md
else
  VOTE_ALLIANCES=20; SEATS=50; BUREAU_ALLIANCES=1000; STAFF=50; REPS=200; ENTRIES=2000; SECONDS_EACH=${LOAD_SECONDS:-90}
  RESULTS=$ROOT/bench/results.md
fi
COUNCILLORS=$((VOTE_ALLIANCES * SEATS))

export BENCH_PGDIR=${LOAD_PGDIR:-/tmp/load-pg} BENCH_PGPORT=${LOAD_PGPORT:-5454}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$ROOT/bench/pg.sh" stop || true
}
trap cleanup EXIT
bash bench/pg.sh start
"$PGBIN/createdb" -h 127.0.0.1 -p "$BENCH_PGPORT" -U postgres lianmeng_load

export DATABASE_URL=postgres://postgres@127.0.0.1:$BENCH_PGPORT/lianmeng_load
export DJANGO_SETTINGS_MODULE=config.production SECRET_KEY=load-test-only-secret-key-0123456789-abcdefghijklmnop
export ALLOWED_HOSTS=127.0.0.1,localhost NUM_PROXIES=0 CSRF_TRUSTED_ORIGINS=https://127.0.0.1:$PORT
export LIANMENG_KEY_DIR=$OUT/keys EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export LIANMENG_MAX_FUTURE_DAYS=3650
export LOGIN_FAILURE_RATE=100000/min

echo "== keys (a checkpoint key; PDF certificates from the development CA, configured as real ones)"
DJANGO_SETTINGS_MODULE=config.settings "$PY" manage.py init_keys >/dev/null
DJANGO_SETTINGS_MODULE=config.settings "$PY" -c "import django; django.setup(); from alliances import signing
signing._dev_signer('市科技局', 'bureau'); signing._dev_signer('负载测试联盟', 'alliances')"
PDF=$LIANMENG_KEY_DIR/pdf
export LIANMENG_SIGNING_CERTS="{\"@bureau\": {\"key\": \"$PDF/bureau.key.pem\", \"cert\": \"$PDF/bureau.cert.pem\", \"chain\": [\"$PDF/ca.cert.pem\"]}, \"*\": {\"key\": \"$PDF/alliances.key.pem\", \"cert\": \"$PDF/alliances.cert.pem\", \"chain\": [\"$PDF/ca.cert.pem\"]}}"
echo "== migrate, static files, seed"
"$PY" manage.py migrate --no-input -v0
"$PY" manage.py collectstatic --no-input -v0
"$PY" bench/load/seed.py --vote-alliances "$VOTE_ALLIANCES" --seats "$SEATS" --bureau-alliances "$BUREAU_ALLIANCES" \
  --staff "$STAFF" --reps "$REPS" --entries "$ENTRIES" --out "$OUT/people.json" | tail -n 1

echo "== gunicorn ($WORKERS workers) and the task worker"
"$ROOT/.venv/bin/gunicorn" config.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" --access-logfile /dev/null \
  --error-logfile "$OUT/gunicorn.log" >"$OUT/gunicorn.out" 2>&1 & PIDS+=($!)
"$PY" manage.py db_worker --no-reload --verbosity 0 >"$OUT/worker.log" 2>&1 & PIDS+=($!)
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" -H "X-Forwarded-Proto: https" && break; sleep 0.2; done

scenario() {  # name, users, spawn rate, classes...
  local name=$1 users=$2 rate=$3; shift 3
  echo "== $name: $users users for ${SECONDS_EACH}s"
  LOAD_PEOPLE=$OUT/people.json LOAD_VOTES_OUT=$OUT/$name-votes.json "$ROOT/.venv/bin/locust" -f bench/load/locustfile.py \
    --headless --host "http://127.0.0.1:$PORT" -u "$users" -r "$rate" -t "${SECONDS_EACH}s" --stop-timeout 10 \
    --csv "$OUT/$name" --only-summary --loglevel WARNING "$@" >"$OUT/$name.log" 2>&1 || true
  uptime >"$OUT/$name.load"
}
scenario vote-storm "$COUNCILLORS" "$((COUNCILLORS / 30 + 1))" Councillor
scenario secretariat-day "$((STAFF + VOTE_ALLIANCES))" 10 Staff Approver
scenario statement-day "$REPS" 20 Representative
scenario bureau-morning 10 5 BureauOfficer

echo "== after the run: votes and chains"
DJANGO_SETTINGS_MODULE=config.production "$PY" bench/load/verify.py "$OUT/people.json" "$OUT/vote-storm-votes.json" | tee "$OUT/verify.json"
python3 bench/load/report.py --out "$OUT" --write "$RESULTS" --workers "$WORKERS" --mode "$MODE" \
  --councillors "$COUNCILLORS" --alliances "$BUREAU_ALLIANCES" --staff "$STAFF" --reps "$REPS" --seconds "$SECONDS_EACH"
echo "written to ${RESULTS#$ROOT/}"
