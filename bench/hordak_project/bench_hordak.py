"""django-hordak's side of the benchmark, run in hordak's own virtualenv against its own database.

    HORDAK_DATABASE_URL=postgres://postgres@127.0.0.1:5444/hordak_bench \
        /tmp/hordak-venv/bin/python bench/hordak_project/bench_hordak.py --entries N --members M --out OUT.json

Same books as ours (bench/dataset.py): one hordak leaf account per (chart code, fund) under a
root account per chart code (hordak has no fund dimension). The K historical entries are
bulk-loaded with COPY (hordak's own leg triggers are skipped for the load, as our FK triggers are);
then the same posting stream goes through hordak's API (Transaction + two Legs in one
transaction, its deferred balance triggers on) and the same balance queries run through
`Account.get_simple_balance(as_of=...)`.
"""

import argparse
import datetime
import json
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hordak_bench_site.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from djmoney.money import Money  # noqa: E402
from hordak.models import Account, Leg, Transaction  # noqa: E402

import dataset  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
TYPE = {"asset": "AS", "liability": "LI", "income": "IN", "expense": "EX", "equity": "EQ"}


def log(message):
    print(f"[hordak {time.strftime('%H:%M:%SZ', time.gmtime())}] {message}", flush=True)


def fund_code(key) -> str:
    source, project = key
    return {"member_contribution": "MC", "unrestricted": "UN", "other": "OT"}.get(source, "GV") + (
        f"{project:02d}" if project is not None else ""
    )


def chart() -> dict:
    """(code, fund key) -> leaf Account."""
    leaves = {}
    for code, kind in dataset.ACCOUNT_KINDS.items():
        root = Account.objects.create(name=f"acct {code}", code=code.replace(".", ""), type=TYPE[kind], currencies=["CNY"])
        for key in dataset.fund_keys():
            leaves[(code, key)] = Account.objects.create(
                name=f"{code} {fund_code(key)}", code=fund_code(key), parent=root, type=TYPE[kind], currencies=["CNY"]
            )
    return leaves


def bulk_load(leaves, count, members, seed) -> dict:
    t0 = time.perf_counter()
    n = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        raw = cursor.cursor
        rows = []
        with raw.copy("COPY hordak_leg (id, uuid, description, account_id, transaction_id, credit, debit, currency) FROM STDIN") as legs:
            leg_id = 0
            for item in dataset.plan(count, members, seed=seed):
                n += 1
                amount = Decimal(item.cents).scaleb(-2)
                when = datetime.datetime.combine(item.date, datetime.time(10, 0), SHANGHAI)
                rows.append((n, uuid.uuid4(), when, item.date, item.description))
                leg_id += 1
                legs.write_row((leg_id, uuid.uuid4(), "", leaves[(item.debit_code, item.fund_key)].pk, n, None, amount, "CNY"))
                leg_id += 1
                legs.write_row((leg_id, uuid.uuid4(), "", leaves[(item.credit_code, item.fund_key)].pk, n, amount, None, "CNY"))
        with raw.copy("COPY hordak_transaction (id, uuid, timestamp, date, description) FROM STDIN") as txs:
            for row in rows:
                txs.write_row(row)
        for table in ("hordak_transaction", "hordak_leg"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("SET LOCAL session_replication_role = origin")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - t0
    return {"entries": n, "seconds": seconds, "rate": n / seconds}


def post(leaves, count, warmup, members) -> dict:
    items = list(dataset.plan(count + warmup, members, seed=4242, start=datetime.date(2026, 1, 1), years=1))
    latencies = []
    t_start = None
    for index, item in enumerate(items):
        if index == warmup:
            t_start = time.perf_counter()
        money = Money(Decimal(item.cents).scaleb(-2), "CNY")
        t0 = time.perf_counter()
        with transaction.atomic():
            tx = Transaction.objects.create(date=item.date, description=item.description)
            Leg.objects.create(transaction=tx, account=leaves[(item.debit_code, item.fund_key)], debit=money)
            Leg.objects.create(transaction=tx, account=leaves[(item.credit_code, item.fund_key)], credit=money)
        if index >= warmup:
            latencies.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - t_start
    return {"entries": count, "seconds": total, "rate": count / total, "latency_ms": dataset.summary(latencies)}


def balances(leaves, n) -> dict:
    queries = dataset.sample_queries(n)
    for code, key, as_of in queries[:5]:
        leaves[(code, key)].get_simple_balance(as_of=as_of)
    times, values = [], []
    for code, key, as_of in queries:
        t0 = time.perf_counter()
        value = leaves[(code, key)].get_simple_balance(as_of=as_of)
        times.append((time.perf_counter() - t0) * 1000)
        money = value.monies()
        values.append(str(abs(money[0].amount)) if money else "0")
    return {"balance_ms": dataset.summary(times), "balance_values": values}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--posting", type=int, default=3000)
    parser.add_argument("--balance-queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20101)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    import hordak

    result = {"params": vars(args), "hordak_version": getattr(hordak, "__version__", None) or _dist_version(),
              "django_version": django.get_version()}
    leaves = chart()
    log(f"bulk load of {args.entries} entries")
    result["load"] = bulk_load(leaves, args.entries, args.members, args.seed)
    log(f"  {result['load']['seconds']:.1f}s")
    log(f"posting {args.posting} transactions through the hordak API")
    result["posting"] = post(leaves, args.posting, 20, args.members)
    log(f"  {result['posting']['rate']:.0f}/s, median {result['posting']['latency_ms']['median']:.2f} ms")
    result["reads"] = balances(leaves, args.balance_queries)
    log(f"  balance median {result['reads']['balance_ms']['median']:.2f} ms")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str))


def _dist_version():
    from importlib.metadata import version

    return version("django-hordak")


if __name__ == "__main__":
    main()
