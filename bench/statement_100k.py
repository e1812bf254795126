"""The member statement of a unit named on 100,000 posted entries (a 200,000-entry ledger where one
unit is drawn for every entry that names a unit), timed with the finance selector as it is.

    DATABASE_URL=... .venv/bin/python bench/statement_100k.py --out bench/out/statement.json
"""

import argparse
import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lianmeng_bench as lb  # noqa: E402  (sets up Django)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure on the alliance loaded by a previous run")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.reuse:
        ctx = lb.context_of("bench-1")
    else:
        admin = lb.User.objects.create_superuser(username="stmt-admin", email="stmt-admin@bench.local", password=None)
        ctx = lb.setup_alliance(0, 200, admin)
        lb.log(f"bulk load of {args.entries} entries, unit 0 on every entry that names a unit")
        lb.bulk_load(ctx, args.entries, 200, 7, big_share=1.0)
    alliance, unit = ctx["alliance"], ctx["units"][0]
    with lb.scope(alliance=alliance):
        entries = lb.JournalEntry.objects.filter(lines__member_unit=unit).distinct().count()
        result = lb.timed(lambda: lb.selectors.member_statement(alliance, unit, as_of=datetime.date(2026, 12, 31)),
                          args.repeat, warmup=1)
    out = {"entries_of_unit": entries, "statement_ms": result}
    lb.log(json.dumps(out))
    Path(args.out).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
