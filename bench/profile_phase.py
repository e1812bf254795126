"""Run one benchmark phase in a loop, for a sampling profiler (py-spy, from the bench tools venv):

    py-spy record --format raw -o bench/out/posting.txt -- \
        .venv/bin/python bench/profile_phase.py posting --entries 2000 --repeat 200

Phases: posting (entry_record + entry_approve), batch (entries_record_batch + entries_approve_batch,
`--repeat` entries in batches of `--batch`), balance (selectors.balance), statement, motion_close.
Needs DATABASE_URL pointing at a migrated, empty benchmark database. `bench/profile_summary.py`
folds the raw stacks into the functions that take the time.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lianmeng_bench as lb  # noqa: E402  (sets up Django)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["posting", "batch", "balance", "statement", "motion_close"])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    admin = lb.User.objects.create_superuser(username="prof-admin", email="prof-admin@bench.local", password=None)
    ctx = lb.setup_alliance(0, 200, admin)
    lb.bulk_load(ctx, args.entries, 200, 1)
    t0 = time.perf_counter()
    if args.phase == "posting":
        result = lb.post_through_services(ctx, args.repeat, warmup=5, members=200)
    elif args.phase == "batch":
        result = lb.post_batches(ctx, args.repeat, args.batch, members=200)
    elif args.phase == "balance":
        result = lb.read_latencies(ctx, args.repeat, 3)
        result.pop("balance_values")
    elif args.phase == "statement":
        with lb.scope(alliance=ctx["alliance"]):
            result = lb.timed(lambda: lb.selectors.member_statement(ctx["alliance"], ctx["units"][0],
                                                                     as_of=datetime.date(2026, 12, 31)), args.repeat)
    else:
        lb.council_of(ctx, args.seats, admin)
        result = lb.close_motion_times(ctx, args.repeat)
    print(args.phase, f"{time.perf_counter() - t0:.1f}s", result)


if __name__ == "__main__":
    main()
