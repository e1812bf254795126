"""Lianmeng's side of the benchmark: load the books, post through the services, time the reads.

Run by bench/run.sh with DATABASE_URL pointing at the benchmark cluster:

    python bench/lianmeng_bench.py --entries 1000000 --members 200 --alliances 1 --out bench/out/ours.json

Steps (each timed, results in one JSON file):
1. setup: alliances (alliances.services.alliance_create), staff, member units and projects (bulk),
   the chart and funds (finance.services.chart_install / fund_for), yearly commitments (bulk);
2. bulk load of K posted entries per alliance (dataset.plan): every entry hashed with
   finance.services.entry_hash in sequence order, rows written with COPY, the monthly balance
   table filled from the same lines; then the invariants are checked: `manage.py verify_ledger`
   (subprocess), the balance table against a GROUP BY of the lines, selectors.balance against
   selectors.balance_recomputed, the trial balance balanced; then a checkpoint key in a temporary
   key directory, checkpoints of the alliance's chains, and `checkpoints.verify_alliance` timed
   (every chain and every checkpoint: the issue #16 target is the time of verify_ledger);
3. posting throughput through the services, single stream, restricted-fund spends included:
   in batches (finance.services.entries_record_batch + entries_approve_batch, two people) and one
   entry at a time (entry_record + entry_approve); then the chain and the balance table re-checked;
4. read latency: selectors.balance (account + fund at a date), selectors.member_statement of the
   unit named on 10% of the entries, selectors.trial_balance, the statutory statements
   (finance.statements: balance sheet, activities for the year to date, cash flow for a month);
5. governance: 1,000 council seats and councillors (bulk), a motion opened through
   governance.services.motion_open (timed: the request's part, i.e. 1,000 notifications, 1,000 outbox
   rows and, after the commit, one delivery task per batch), 1,000 ballots (bulk), and
   governance.services.motion_close timed (its seal and its announcement to the 1,000 holders apart).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope  # noqa: E402
from djmoney.money import Money  # noqa: E402

import dataset  # noqa: E402
from alliances import checkpoints, keys, services as alliance_services  # noqa: E402
from membership.demo import demo_uscc  # noqa: E402
from alliances.models import Alliance, Checkpoint, Organ, OutboxMessage, Role, RoleGrant, Seat, User  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402
from finance import selectors, statements, services as finance_services  # noqa: E402
from finance.models import Account, Commitment, Fund, JournalEntry, Ledger, LedgerBalance, MemberBalance  # noqa: E402
from governance import services as governance_services  # noqa: E402
from governance.models import Ballot, EligibleSeat, Motion  # noqa: E402
from membership.models import MemberUnit  # noqa: E402
from projects.models import Project  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
KINDS = ["enterprise", "university", "institute", "other"]


class QueryCounter:
    """Counts the queries run inside the block (no DEBUG query log, no 9,000-query cap)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def log(message):
    print(f"[ours {time.strftime('%H:%M:%SZ', time.gmtime())}] {message}", flush=True)


# ---------------------------------------------------------------- setup


def setup_alliance(index: int, members: int, admin: User) -> dict:
    slug = f"bench-{index + 1}"
    sg_email = f"{slug}-sg@bench.local"
    alliance = alliance_services.alliance_create(
        actor=admin, name=f"基准测试联盟{index + 1}", slug=slug, code=f"B{index + 1}", secretary_general_email=sg_email,
    )
    sg = User.objects.get(email=sg_email)
    staff = User.objects.create_user(username=f"{slug}-staff", email=f"{slug}-staff@bench.local")
    alliance_services.role_grant(actor=admin, alliance=alliance, user=staff, role=Role.STAFF)
    with scope(alliance=alliance):
        units = MemberUnit.objects.bulk_create([
            MemberUnit(
                alliance=alliance, name=f"基准成员单位{n:04d}", kind=KINDS[n % 4],
                uscc=demo_uscc(KINDS[n % 4], 50_000 + index * 10_000 + n), status=MemberUnit.Status.ACTIVE,
                alliance_role="ordinary", joined_on=datetime.date(2015, 12, 1),
            )
            for n in range(members)
        ])
        projects = Project.objects.bulk_create([
            Project(alliance=alliance, code=f"BP-{p:03d}", title=f"基准项目{p}", status="in_progress",
                    lead_unit=units[p % len(units)])
            for p in range(dataset.PROJECTS)
        ])
    finance_services.chart_install(alliance)
    funds = {}
    for source, project in dataset.fund_keys():
        funds[(source, project)] = finance_services.fund_for(
            alliance=alliance, source=source, project=projects[project] if project is not None else None
        )
    with scope(alliance=alliance):
        commitments = Commitment.objects.bulk_create([
            Commitment(alliance=alliance, member_unit=unit, year=year, amount=Money(1_000_000, "CNY"),
                       committed_on=datetime.date(year, 1, 1))
            for unit in units for year in range(dataset.START.year, dataset.START.year + dataset.YEARS + 1)
        ])
        accounts = {a.code: a for a in Account.objects.all()}
    return {
        "alliance": alliance, "sg": sg, "staff": staff, "units": units, "projects": projects, "funds": funds,
        "accounts": accounts, "commitments": {(c.member_unit_id, c.year): c for c in commitments},
    }


# ---------------------------------------------------------------- bulk load


class _Money:
    __slots__ = ("amount", "currency")

    def __init__(self, amount, currency="CNY"):
        self.amount = amount
        self.currency = currency


class _Line:
    """What finance.services.entry_content reads of a line (same attribute names)."""

    __slots__ = ("position", "account", "fund", "fund_id", "debit", "credit", "member_unit_id", "project_id",
                 "commitment_id", "category", "memo")


class _NoAttachments:
    def all(self):
        return []


class _Entry:
    """What finance.services.entry_hash reads of an entry; bulk entries carry no voucher files."""

    __slots__ = ("alliance_id", "sequence", "date", "description", "recorded_by_id", "approved_by_id", "reverses_id")
    attachments = _NoAttachments()
    kind = "regular"


ZERO = Decimal("0.00")


def bulk_load(ctx: dict, count: int, members: int, seed: int, big_share: float = 0.2) -> dict:
    """Post `count` entries in one go. Same content, hashing and balance bookkeeping as
    entry_record + entry_approve, without per-row ORM round trips."""
    alliance = ctx["alliance"]
    accounts, funds = ctx["accounts"], ctx["funds"]
    units, projects, commitments = ctx["units"], ctx["projects"], ctx["commitments"]
    staff_id, sg_id = ctx["staff"].pk, ctx["sg"].pk
    t0 = time.perf_counter()
    with scope(alliance=alliance), transaction.atomic():
        ledger = Ledger.objects.select_for_update().get(alliance=alliance)
        sequence, previous = ledger.last_sequence, ledger.last_hash
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")  # skip FK triggers during COPY
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM finance_journalentry")
            entry_id = cursor.fetchone()[0]
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM finance_journalline")
            line_id = cursor.fetchone()[0]
            balances = defaultdict(lambda: [0, 0])  # (account_id, fund_id, currency, month) -> cents
            per_unit = defaultdict(lambda: [0, 0, 0])  # (unit_id, account_id, commitment_id, currency, month) -> cents, lines
            raw = cursor.cursor
            entry_cols = ("id, alliance_id, date, description, status, recorded_by_id, recorded_at, approved_by_id, "
                          "posted_at, sequence, previous_hash, hash, reverses_id, rejection_reason, kind")
            line_cols = ("id, alliance_id, entry_id, position, account_id, fund_id, debit, debit_currency, credit, "
                         "credit_currency, member_unit_id, project_id, category, commitment_id, memo, date, posted")
            entries_rows = []
            n = 0
            with raw.copy(f"COPY finance_journalline ({line_cols}) FROM STDIN") as copy_lines:
                for item in dataset.plan(count, members, seed=seed, big_share=big_share):
                    sequence += 1
                    entry_id += 1
                    fund = funds[item.fund_key]
                    unit_id = units[item.unit].pk if item.unit is not None else None
                    project_id = projects[item.project].pk if item.project is not None else None
                    commitment_id = None
                    if item.kind == "contribution" and unit_id is not None:
                        commitment = commitments.get((unit_id, item.date.year))
                        commitment_id = commitment.pk if commitment else None
                    amount = Decimal(item.cents).scaleb(-2)
                    e = _Entry()
                    e.alliance_id, e.sequence, e.date, e.description = alliance.pk, sequence, item.date, item.description
                    e.recorded_by_id, e.approved_by_id, e.reverses_id = staff_id, sg_id, None
                    lines = []
                    for position, (code, debit, credit) in enumerate(
                        ((item.debit_code, amount, ZERO), (item.credit_code, ZERO, amount))
                    ):
                        line = _Line()
                        line.position, line.account, line.fund, line.fund_id = position, accounts[code], fund, fund.pk
                        line.debit, line.credit = _Money(debit), _Money(credit)
                        line.member_unit_id = unit_id
                        line.project_id = project_id
                        line.commitment_id, line.category, line.memo = commitment_id, "", ""
                        lines.append(line)
                    digest = finance_services.entry_hash(e, lines, previous)
                    when = datetime.datetime.combine(item.date, datetime.time(10, 0), SHANGHAI)
                    entries_rows.append((entry_id, alliance.pk, item.date, e.description, "posted", staff_id, when, sg_id,
                                         when, sequence, previous, digest, None, "", JournalEntry.Kind.REGULAR))
                    month = item.date.replace(day=1)
                    for line in lines:
                        line_id += 1
                        copy_lines.write_row((
                            line_id, alliance.pk, entry_id, line.position, line.account.pk, fund.pk, line.debit.amount,
                            "CNY", line.credit.amount, "CNY", unit_id, line.project_id, "", commitment_id, "", item.date, True,
                        ))
                        side = 0 if line.debit.amount else 1
                        balances[(line.account.pk, fund.pk, "CNY", month)][side] += item.cents
                        if unit_id is not None:
                            u = per_unit[(unit_id, line.account.pk, commitment_id, "CNY", month)]
                            u[side] += item.cents
                            u[2] += 1
                    previous = digest
                    n += 1
                    if n % 100_000 == 0:
                        log(f"  {n} entries hashed and streamed ({n / (time.perf_counter() - t0):.0f}/s)")
            t_lines = time.perf_counter()
            with raw.copy(f"COPY finance_journalentry ({entry_cols}) FROM STDIN") as copy_entries:
                for row in entries_rows:
                    copy_entries.write_row(row)
            del entries_rows
            for table in ("finance_journalentry", "finance_journalline"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cursor.execute("SET LOCAL session_replication_role = origin")
        # The balance table: add to existing month rows (none on a fresh load) or create them.
        existing = {
            (b.account_id, b.fund_id, b.currency, b.month): b for b in LedgerBalance.objects.select_for_update()
        }
        new = []
        for key, (debit, credit) in balances.items():
            d, c = Decimal(debit).scaleb(-2), Decimal(credit).scaleb(-2)
            if key in existing:
                LedgerBalance.objects.filter(pk=existing[key].pk).update(debit=existing[key].debit + d, credit=existing[key].credit + c)
            else:
                new.append(LedgerBalance(alliance=alliance, account_id=key[0], fund_id=key[1], currency=key[2],
                                         month=key[3], debit=d, credit=c))
        LedgerBalance.objects.bulk_create(new, batch_size=2000)
        existing = {
            (b.member_unit_id, b.account_id, b.commitment_id, b.currency, b.month): b
            for b in MemberBalance.objects.select_for_update()
        }
        new = []
        for key, (debit, credit, count) in per_unit.items():
            d, c = Decimal(debit).scaleb(-2), Decimal(credit).scaleb(-2)
            if key in existing:
                old = existing[key]
                MemberBalance.objects.filter(pk=old.pk).update(debit=old.debit + d, credit=old.credit + c, lines=old.lines + count)
            else:
                new.append(MemberBalance(alliance=alliance, member_unit_id=key[0], account_id=key[1], commitment_id=key[2],
                                         currency=key[3], month=key[4], debit=d, credit=c, lines=count))
        MemberBalance.objects.bulk_create(new, batch_size=2000)
        Ledger.objects.filter(pk=ledger.pk).update(last_sequence=sequence, last_hash=previous)
    seconds = time.perf_counter() - t0
    # What autovacuum does after a bulk insert (PostgreSQL >= 13 vacuums insert-only tables): the
    # visibility map lets the member statement's totals use an index-only scan.
    t_vacuum = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) finance_journalline")
        cursor.execute("VACUUM (ANALYZE) finance_journalentry")
        cursor.execute("ANALYZE")
    return {"entries": n, "vacuum_seconds": time.perf_counter() - t_vacuum, "seconds": seconds, "rate": n / seconds if seconds else None,
            "lines_seconds": t_lines - t0, "balance_rows": len(balances)}


def balance_table_mismatches(alliance) -> int:
    """Rows of the two totals tables (ledger and member balances) that differ from a regrouping of the posted lines."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH l AS (
              SELECT account_id, fund_id, debit_currency AS currency, date_trunc('month', date)::date AS month,
                     SUM(debit) AS d, SUM(credit) AS c
              FROM finance_journalline WHERE posted AND alliance_id = %s GROUP BY 1, 2, 3, 4)
            SELECT COUNT(*) FROM l FULL OUTER JOIN
              (SELECT * FROM finance_ledgerbalance WHERE alliance_id = %s) b
              ON b.account_id = l.account_id AND b.fund_id = l.fund_id AND b.currency = l.currency AND b.month = l.month
            WHERE l.d IS DISTINCT FROM b.debit OR l.c IS DISTINCT FROM b.credit
            """,
            [alliance.pk, alliance.pk],
        )
        ledger = cursor.fetchone()[0]
        cursor.execute(
            """
            WITH l AS (
              SELECT member_unit_id, account_id, COALESCE(commitment_id, 0) AS commitment, debit_currency AS currency,
                     date_trunc('month', date)::date AS month, SUM(debit) AS d, SUM(credit) AS c, COUNT(*) AS n
              FROM finance_journalline WHERE posted AND alliance_id = %s AND member_unit_id IS NOT NULL
              GROUP BY 1, 2, 3, 4, 5)
            SELECT COUNT(*) FROM l FULL OUTER JOIN
              (SELECT *, COALESCE(commitment_id, 0) AS commitment FROM finance_memberbalance WHERE alliance_id = %s) b
              ON b.member_unit_id = l.member_unit_id AND b.account_id = l.account_id AND b.commitment = l.commitment
                 AND b.currency = l.currency AND b.month = l.month
            WHERE l.d IS DISTINCT FROM b.debit OR l.c IS DISTINCT FROM b.credit OR l.n IS DISTINCT FROM b.lines
            """,
            [alliance.pk, alliance.pk],
        )
        return ledger + cursor.fetchone()[0]


def check_invariants(ctx: dict, full: bool) -> dict:
    alliance = ctx["alliance"]
    out = {}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "verify_ledger", alliance.slug],
        cwd=ROOT, capture_output=True, text=True,
    )
    out["verify_ledger"] = {"exit": proc.returncode, "output": (proc.stdout + proc.stderr).strip()[-500:],
                            "seconds": time.perf_counter() - t0}
    log(f"  verify_ledger: exit {proc.returncode}: {proc.stdout.strip()[-200:]} ({out['verify_ledger']['seconds']:.1f}s)")
    out["balance_table_mismatches"] = balance_table_mismatches(alliance)
    with scope(alliance=alliance):
        mismatches = 0
        checked = 0
        dates = [datetime.date(2019, 6, 17), datetime.date(2025, 12, 31)] + ([datetime.date(2022, 2, 28)] if full else [])
        for code, fund_key, _d in dataset.sample_queries(40 if full else 10, seed=99):
            for as_of in dates:
                account, fund = ctx["accounts"][code], ctx["funds"][fund_key]
                fast = selectors.balance(alliance, account, fund, as_of=as_of)
                slow = selectors.balance_recomputed(alliance, account, fund, as_of=as_of)
                checked += 1
                mismatches += fast != slow
        out["fast_vs_recomputed"] = {"checked": checked, "mismatches": mismatches}
        out["trial_balance_balanced"] = selectors.trial_balance(alliance, as_of=datetime.date(2030, 1, 1))["balanced"]
    out["ok"] = (out["verify_ledger"]["exit"] == 0 and out["balance_table_mismatches"] == 0
                 and out["fast_vs_recomputed"]["mismatches"] == 0 and out["trial_balance_balanced"])
    return out


def checkpoint_history(alliance, count: int) -> int:
    """`count` past ledger checkpoints, as the daily job would have left them over the ten years
    of the load (one a day, heads spread evenly over the chain), signed with the current key and
    numbered from 1; make_checkpoints then signs today's heads after them. Returns how many."""
    key = keys.signing_key()
    public = key.public_key()
    key_id, public_pem = keys.fingerprint(public), keys.public_pem(public)
    today = timezone.now().replace(microsecond=0)
    with scope(alliance=alliance):
        head = selectors.ledger_head(alliance)[0]
        sequences = [max(1, head * i // count) for i in range(1, count + 1)]
        hashes = dict(JournalEntry.objects.filter(sequence__in=set(sequences)).values_list("sequence", "hash"))
        rows = []
        for number, sequence in enumerate(sequences, start=1):
            made_at = today - datetime.timedelta(days=count - number + 1)
            data = {"alliance": alliance.slug, "number": number, "chain": "ledger", "sequence": sequence,
                    "head_hash": hashes[sequence], "made_at": checkpoints.utc_iso(made_at), "key_id": key_id}
            rows.append(Checkpoint(alliance=alliance, number=number, chain="ledger", sequence=sequence,
                                   head_hash=hashes[sequence], made_at=made_at, reason="daily", key_id=key_id,
                                   public_key=public_pem, signature=key.sign(checkpoints.message(data)).hex()))
        Checkpoint.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def verify_alliance_time(ctx: dict, history: int) -> dict:
    """Checkpoints signed with a throwaway key (its own key directory, not the deployment's):
    `history` past daily ones and today's, then `checkpoints.verify_alliance` timed: every chain's
    own verification plus every checkpoint. The checkpoint part alone
    (`check(verify_chains=False)`) is timed too, so that the cost over verify_chain shows."""
    alliance = ctx["alliance"]
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as key_dir, \
            override_settings(LIANMENG_KEY_DIR=Path(key_dir), LIANMENG_CHECKPOINT_KEY=""):
        keys.init_keys()
        past = checkpoint_history(alliance, history) if history else 0
        made = checkpoints.make_checkpoints(alliance, "bench")
        t0 = time.perf_counter()
        result = checkpoints.verify_alliance(alliance, source="bench")
        seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        only = checkpoints.check(alliance, verify_chains=False)
        checkpoint_seconds = time.perf_counter() - t0
    assert result["ok"] and only["ok"], (result["problems"], only["problems"])
    return {"ok": result["ok"], "seconds": seconds, "checkpoint_seconds": checkpoint_seconds,
            "checkpoints": past + len(made), "chains": {name: chain["count"] for name, chain in result["chains"].items()}}


# ---------------------------------------------------------------- posting through the services


def service_lines(ctx, item):
    fund = ctx["funds"][item.fund_key]
    unit = ctx["units"][item.unit] if item.unit is not None else None
    project = ctx["projects"][item.project] if item.project is not None else None
    money = Money(Decimal(item.cents).scaleb(-2), "CNY")
    return [
        {"account": item.debit_code, "fund": fund, "debit": money, "member_unit": unit, "project": project, "memo": ""},
        {"account": item.credit_code, "fund": fund, "credit": money, "member_unit": unit, "project": project, "memo": ""},
    ]


def post_through_services(ctx: dict, count: int, warmup: int, members: int) -> dict:
    """The single-entry path (the UI's): entry_record by staff, entry_approve by the secretary-general."""
    alliance, staff, sg = ctx["alliance"], ctx["staff"], ctx["sg"]
    items = list(dataset.plan(count + warmup, members, seed=4242, start=datetime.date(2026, 1, 1), years=1))
    latencies = []
    restricted = 0
    queries = None
    t_start = None
    for index, item in enumerate(items):
        if index == warmup:
            t_start = time.perf_counter()
        lines = service_lines(ctx, item)
        t0 = time.perf_counter()
        if index == warmup:
            with QueryCounter() as recorded:
                entry = finance_services.entry_record(actor=staff, alliance=alliance, date=item.date,
                                                      description=item.description, lines=lines)
            with QueryCounter() as approved:
                finance_services.entry_approve(actor=sg, alliance=alliance, entry=entry)
            queries = {"record": recorded.count, "approve": approved.count}
        else:
            entry = finance_services.entry_record(actor=staff, alliance=alliance, date=item.date,
                                                  description=item.description, lines=lines)
            finance_services.entry_approve(actor=sg, alliance=alliance, entry=entry)
        if index >= warmup:
            latencies.append((time.perf_counter() - t0) * 1000)
            restricted += item.kind == "project_expense"
    total = time.perf_counter() - t_start
    return {"entries": count, "seconds": total, "rate": count / total, "latency_ms": dataset.summary(latencies),
            "restricted_spends": restricted, "queries_per_entry": queries}


def post_batches(ctx: dict, count: int, batch: int, members: int) -> dict:
    """Batch posting (voucher import + 批量审核): entries_record_batch by staff, then
    entries_approve_batch by the secretary-general, `batch` entries each, single stream. Same
    rules as the single path (approver != recorder, restricted funds never below zero, hash chain)."""
    alliance, staff, sg = ctx["alliance"], ctx["staff"], ctx["sg"]
    items = list(dataset.plan(count + batch, members, seed=4343, start=datetime.date(2027, 1, 1), years=1))
    specs = [{"date": item.date, "description": item.description, "lines": service_lines(ctx, item)} for item in items]
    restricted = sum(item.kind == "project_expense" for item in items[batch:])
    # Warm-up batch (not timed), counted queries.
    with QueryCounter() as recorded:
        made = finance_services.entries_record_batch(actor=staff, alliance=alliance, entries=specs[:batch])
    with QueryCounter() as approved:
        finance_services.entries_approve_batch(actor=sg, alliance=alliance, entries=made)
    latencies, record_ms, approve_ms = [], [], []
    t_start = time.perf_counter()
    for start in range(batch, len(specs), batch):
        t0 = time.perf_counter()
        made = finance_services.entries_record_batch(actor=staff, alliance=alliance, entries=specs[start:start + batch])
        t1 = time.perf_counter()
        finance_services.entries_approve_batch(actor=sg, alliance=alliance, entries=made)
        t2 = time.perf_counter()
        latencies.append((t2 - t0) * 1000)
        record_ms.append((t1 - t0) * 1000)
        approve_ms.append((t2 - t1) * 1000)
    total = time.perf_counter() - t_start
    return {"entries": count, "batch": batch, "seconds": total, "rate": count / total,
            "latency_ms": dataset.summary(latencies), "record_ms": dataset.summary(record_ms),
            "approve_ms": dataset.summary(approve_ms), "restricted_spends": restricted,
            "queries_per_batch": {"record": recorded.count, "approve": approved.count}}


def invariants_after_posting(ctx: dict, start: int) -> dict:
    """After the services posted on top of the verified bulk load: the chain from entry `start` on
    (what the services posted, chained to the load's last hash) still verifies, and the balance
    table still equals a GROUP BY of all the lines."""
    alliance = ctx["alliance"]
    t0 = time.perf_counter()
    with scope(alliance=alliance):
        chain = selectors.verify_chain(alliance, start=start)
    out = {"chain_ok": chain["ok"], "chain_count": chain["count"], "verify_seconds": time.perf_counter() - t0,
           "broken": chain["broken"]}
    out["balance_table_mismatches"] = balance_table_mismatches(alliance)
    out["ok"] = chain["ok"] and out["balance_table_mismatches"] == 0
    return out


# ---------------------------------------------------------------- reads


def timed(fn, repeat: int, warmup: int = 2):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return dataset.summary(out)


def read_latencies(ctx: dict, n_balance: int, n_reports: int) -> dict:
    alliance = ctx["alliance"]
    queries = dataset.sample_queries(n_balance)
    out = {}
    with scope(alliance=alliance):
        for code, fund_key, as_of in queries[:5]:
            selectors.balance(alliance, ctx["accounts"][code], ctx["funds"][fund_key], as_of=as_of)
        times, values = [], []
        for code, fund_key, as_of in queries:
            t0 = time.perf_counter()
            value = selectors.balance(alliance, ctx["accounts"][code], ctx["funds"][fund_key], as_of=as_of)
            times.append((time.perf_counter() - t0) * 1000)
            values.append(str(value))
        out["balance_ms"] = dataset.summary(times)
        out["balance_values"] = values
        big = ctx["units"][0]
        out["statement_unit_entries"] = JournalEntry.objects.filter(lines__member_unit=big).distinct().count()
        out["statement_ms"] = timed(lambda: selectors.member_statement(alliance, big, as_of=datetime.date(2026, 12, 31)), n_reports)
        dates = iter([q[2] for q in dataset.sample_queries(n_reports + 10, seed=11)])
        out["trial_balance_ms"] = timed(lambda: selectors.trial_balance(alliance, as_of=next(dates)), n_reports)
        # The statutory statements at random dates (mostly inside a month: the partial month is read
        # from the lines of the keys active in it), activities for the year to that date, cash flow for its month.
        dates = iter([q[2] for q in dataset.sample_queries(3 * (n_reports + 10), seed=13)])
        out["balance_sheet_ms"] = timed(lambda: statements.balance_sheet(alliance, next(dates)), n_reports)

        def year_to_date():
            day = next(dates)
            return statements.activities(alliance, day.replace(month=1, day=1), day)

        out["activities_ms"] = timed(year_to_date, n_reports)

        def month_to_date():
            day = next(dates)
            return statements.cash_flow(alliance, day.replace(day=1), day)

        out["cash_flow_ms"] = timed(month_to_date, n_reports)
    return out


def server_side(ctx: dict, n: int) -> dict:
    """What the machine adds: the round trip of `SELECT 1` through Django, and the server's own
    execution time (EXPLAIN ANALYZE) of the one statement selectors.balance runs, for the same queries."""
    alliance = ctx["alliance"]
    out = {}
    with connection.cursor() as cursor:
        out["select1_ms"] = timed(lambda: cursor.execute("SELECT 1"), n)
        times = []
        for code, fund_key, as_of in dataset.sample_queries(n):
            account, fund = ctx["accounts"][code], ctx["funds"][fund_key]
            sql, params = selectors.balance_sql(alliance, account, fund, as_of)
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            times.append(plan[0]["Planning Time"] + plan[0]["Execution Time"])
        out["balance_server_ms"] = dataset.summary(times)
    return out


def context_of(slug: str) -> dict:
    """Rebuild the benchmark context of an alliance already loaded (for --reads-only)."""
    alliance = Alliance.objects.get(slug=slug)
    with scope(alliance=alliance):
        units = list(MemberUnit.objects.order_by("id"))
        projects = list(Project.objects.order_by("id"))
        funds = {}
        for fund in Fund.objects.all():
            key = (fund.source, projects.index(fund.project) if fund.project_id else None)
            funds[key] = fund
        accounts = {a.code: a for a in Account.objects.all()}
        sg = RoleGrant.objects.get(role=Role.SECRETARY_GENERAL, revoked_at__isnull=True).user
        staff = RoleGrant.objects.get(role=Role.STAFF, revoked_at__isnull=True).user
    return {"alliance": alliance, "units": units, "projects": projects, "funds": funds, "accounts": accounts,
            "sg": sg, "staff": staff}


# ---------------------------------------------------------------- governance


def council_of(ctx: dict, seats: int, admin: User) -> None:
    """`seats` council seats, each with a councillor (bulk rows, the same fields the services write)."""
    alliance = ctx["alliance"]
    with scope(alliance=alliance):
        council = Organ.objects.get(kind=Organ.Kind.COUNCIL)
        made = Seat.objects.bulk_create([
            Seat(alliance=alliance, organ=council, title=f"理事{n + 1}", unit=ctx["units"][n % len(ctx["units"])],
                 is_chair=n == 0, position=n)
            for n in range(seats)
        ])
        slug = alliance.slug
        users = User.objects.bulk_create([
            User(username=f"{slug}-c{n:04d}", email=f"{slug}-c{n:04d}@bench.local", password="!") for n in range(seats)
        ])
        RoleGrant.objects.bulk_create([
            RoleGrant(alliance=alliance, user=user, role=Role.COUNCILLOR, seat=seat, granted_by=admin)
            for user, seat in zip(users, made)
        ])
    with connection.cursor() as cursor:  # what autovacuum does after a bulk insert (the planner needs the counts)
        cursor.execute("ANALYZE alliances_seat, alliances_rolegrant, alliances_user")


def close_motion_times(ctx: dict, repeat: int) -> dict:
    alliance, staff = ctx["alliance"], ctx["staff"]
    times, announce_times, open_times, ballots, queries = [], [], [], None, None
    for r in range(repeat):
        motion = governance_services.motion_create(
            actor=staff, alliance=alliance, kind="budget", title=f"基准议案{r}", body="年度预算",
            closes_at=timezone.now() + datetime.timedelta(days=7),
        )
        tasks_before = DBTaskResult.objects.count()
        t0 = time.perf_counter()
        with QueryCounter() as opened:  # the commit's hooks (enqueueing the delivery tasks) included
            motion = governance_services.motion_open(actor=staff, alliance=alliance, motion=motion)
        open_times.append((time.perf_counter() - t0) * 1000)
        open_queries, open_tasks = opened.count, DBTaskResult.objects.count() - tasks_before
        with scope(alliance=alliance):
            outbox_rows = OutboxMessage.objects.filter(kind="notification", subject__contains=motion.title).count()
        with scope(alliance=alliance):
            entries = list(EligibleSeat.objects.filter(motion=motion, recused=False))
            now = timezone.now()
            Ballot.objects.bulk_create([
                Ballot(alliance=alliance, motion=motion, seat_id=e.seat_id, voter_id=e.holder_id,
                       choice=("for", "for", "against", "abstain")[i % 4], cast_at=now)
                for i, e in enumerate(entries)
            ])
            EligibleSeat.objects.filter(motion=motion, recused=False).update(voted_at=now)
            ballots = Ballot.objects.filter(motion=motion).count()
        # What governance.services.motion_close does, its two transactions timed apart.
        t0 = time.perf_counter()
        with QueryCounter() as counted:
            closed = governance_services.motion_seal(actor=staff, alliance=alliance, motion=motion)
        t1 = time.perf_counter()
        with QueryCounter() as announced:
            notified = governance_services.motion_result_announce(actor=staff, alliance=alliance, motion=closed)
        t2 = time.perf_counter()
        times.append((t1 - t0) * 1000)
        announce_times.append((t2 - t1) * 1000)
        queries, announce_queries = counted.count, announced.count
        assert closed.status == Motion.Status.CLOSED and notified == ballots, (closed.status, notified)
    return {"ballots": ballots, "open_ms": dataset.summary(open_times), "open_queries": open_queries,
            "open_outbox_rows": outbox_rows, "open_tasks": open_tasks,
            "close_ms": dataset.summary(times), "queries": queries, "result": closed.result,
            "announce_ms": dataset.summary(announce_times), "announce_queries": announce_queries,
            "total_ms": dataset.summary([a + b for a, b in zip(times, announce_times)])}


# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--alliances", type=int, default=1)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--posting", type=int, default=300, help="entries posted one at a time through the services")
    parser.add_argument("--posting-batch", type=int, default=10_000, help="entries posted in batches through the services")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--balance-queries", type=int, default=500)
    parser.add_argument("--report-repeats", type=int, default=15)
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--motion-repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20101)
    parser.add_argument("--checkpoint-history", type=int, default=3650,
                        help="past daily ledger checkpoints verify_alliance checks (ten years of the daily job)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--reads-only", metavar="SLUG", help="only the read and server-side measures, on loaded data")
    args = parser.parse_args()
    if args.reads_only:
        ctx = context_of(args.reads_only)
        extra = {"server": server_side(ctx, args.balance_queries), "reads": read_latencies(ctx, args.balance_queries,
                                                                                            args.report_repeats)}
        extra["reads"].pop("balance_values")
        Path(args.out).write_text(json.dumps(extra, indent=2, default=str))
        print(json.dumps(extra, indent=2, default=str))
        return

    result = {"params": vars(args), "alliances": []}
    admin = User.objects.create_superuser(username="bench-admin", email="bench-admin@bench.local", password=None)
    ok = True
    for index in range(args.alliances):
        log(f"alliance {index + 1}: setup ({args.members} members)")
        ctx = setup_alliance(index, args.members, admin)
        item = {"slug": ctx["alliance"].slug}
        log(f"bulk load of {args.entries} entries")
        item["load"] = bulk_load(ctx, args.entries, args.members, args.seed + index)
        log(f"  loaded in {item['load']['seconds']:.1f}s ({item['load']['rate']:.0f} entries/s)")
        log("invariants")
        item["invariants"] = check_invariants(ctx, full=args.entries >= 100_000)
        ok &= item["invariants"]["ok"]
        log(f"  ok={item['invariants']['ok']} {json.dumps({k: v for k, v in item['invariants'].items() if k != 'verify_ledger'})}")
        log("checkpoints, then verify_alliance (every chain and checkpoint)")
        item["verify_alliance"] = verify_alliance_time(ctx, args.checkpoint_history)
        log(f"  verify_alliance ok={item['verify_alliance']['ok']} in {item['verify_alliance']['seconds']:.1f}s "
            f"(checkpoints alone {item['verify_alliance']['checkpoint_seconds']:.2f}s; "
            f"verify_ledger {item['invariants']['verify_ledger']['seconds']:.1f}s)")
        if index == 0:
            log(f"posting {args.posting_batch} entries through entries_record_batch + entries_approve_batch "
                f"(batches of {args.batch_size})")
            item["posting_batch"] = post_batches(ctx, args.posting_batch, args.batch_size, members=args.members)
            log(f"  {item['posting_batch']['rate']:.0f} entries/s, median batch {item['posting_batch']['latency_ms']['median']:.1f} ms "
                f"({json.dumps(item['posting_batch']['queries_per_batch'])} queries per batch)")
            log(f"posting {args.posting} entries through entry_record + entry_approve (one at a time)")
            item["posting"] = post_through_services(ctx, args.posting, warmup=20, members=args.members)
            log(f"  {item['posting']['rate']:.0f} entries/s, median {item['posting']['latency_ms']['median']:.2f} ms")
            log("invariants after posting")
            item["invariants_after_posting"] = invariants_after_posting(ctx, start=item["load"]["entries"] + 1)
            ok &= item["invariants_after_posting"]["ok"]
            log(f"  {json.dumps(item['invariants_after_posting'])}")
            log("reads")
            item["reads"] = read_latencies(ctx, args.balance_queries, args.report_repeats)
            item["server"] = server_side(ctx, min(args.balance_queries, 200))
            log(f"  balance median {item['reads']['balance_ms']['median']:.2f} ms; statement "
                f"{item['reads']['statement_ms']['median']:.1f} ms over {item['reads']['statement_unit_entries']} entries; "
                f"trial balance {item['reads']['trial_balance_ms']['median']:.1f} ms; balance sheet "
                f"{item['reads']['balance_sheet_ms']['median']:.1f} ms; activities {item['reads']['activities_ms']['median']:.1f} ms; "
                f"cash flow (a month) {item['reads']['cash_flow_ms']['median']:.1f} ms")
            log(f"governance: {args.seats} seats")
            council_of(ctx, args.seats, admin)
            item["motion"] = close_motion_times(ctx, args.motion_repeats)
            log(f"  motion_open median {item['motion']['open_ms']['median']:.1f} ms ({item['motion']['open_queries']} queries, "
                f"{item['motion']['open_outbox_rows']} outbox rows, {item['motion']['open_tasks']} delivery tasks)")
            log(f"  motion_seal median {item['motion']['close_ms']['median']:.1f} ms ({item['motion']['queries']} queries); "
                f"announcement {item['motion']['announce_ms']['median']:.1f} ms")
        result["alliances"].append(item)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        result["postgres"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        result["db_size"] = cursor.fetchone()[0]
    result["ok"] = ok
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str))
    if not ok:
        log("INVARIANTS FAILED")
        sys.exit(1)


if __name__ == "__main__":
    main()
