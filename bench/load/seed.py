"""The data the HTTP load test needs, written through the same helpers as the service benchmark.

    python bench/load/seed.py --vote-alliances 20 --seats 50 --bureau-alliances 1000 --entries 2000 --out people.json

- vote storm: `--vote-alliances` alliances, each with a council of `--seats` seats and councillors,
  and one motion open through governance.services.motion_open (its notices go through the outbox);
- secretariat day and statement day: the first alliances get `--entries` posted entries
  (bulk-loaded, hashed and balanced as the services do), staff and member representatives;
- bureau morning: the rest up to `--bureau-alliances` alliances (members, chart, funds) and one
  bureau officer.
Every user's password is the same; its hash is computed once (hashing is deliberately slow).
"""

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import lianmeng_bench as bench  # noqa: E402  (sets up Django)

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope  # noqa: E402

from alliances.access import BUREAU_GROUP  # noqa: E402
from alliances.models import Role, RoleGrant, User  # noqa: E402
from governance import services as governance_services  # noqa: E402

PASSWORD = "load-pass-2026"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vote-alliances", type=int, default=20)
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument("--bureau-alliances", type=int, default=1000)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    t0 = time.perf_counter()
    password = make_password(PASSWORD)
    admin = User.objects.create_superuser(username="load-admin", email="load-admin@bench.local", password=PASSWORD)
    officer = User.objects.create_user(username="load-bureau", email="load-bureau@bench.local", password=PASSWORD)
    officer.groups.add(Group.objects.get_or_create(name=BUREAU_GROUP)[0])
    people = {"password": PASSWORD, "councillors": [], "staff": [], "reps": [], "approvers": [], "bureau": [officer.username]}
    busy = max(args.vote_alliances, 1)
    staff_each = -(-args.staff // busy)
    reps_each = -(-args.reps // busy)
    for index in range(max(args.bureau_alliances, busy)):
        members = max(reps_each, 12) if index < busy else 8
        ctx = bench.setup_alliance(index, members, admin)
        alliance, slug = ctx["alliance"], ctx["alliance"].slug
        if index >= busy:
            continue
        bench.council_of(ctx, args.seats, admin)
        with scope(alliance=alliance):
            User.objects.filter(username__startswith=f"{slug}-").update(password=password)
            User.objects.filter(pk=ctx["sg"].pk).update(username=f"{slug}-sg", password=password)
            staff = User.objects.bulk_create([User(username=f"{slug}-s{n:02d}", email=f"{slug}-s{n:02d}@bench.local",
                                                   password=password) for n in range(staff_each)])
            reps = User.objects.bulk_create([User(username=f"{slug}-r{n:03d}", email=f"{slug}-r{n:03d}@bench.local",
                                                  password=password) for n in range(reps_each)])
            RoleGrant.objects.bulk_create(
                [RoleGrant(alliance=alliance, user=u, role=Role.STAFF, granted_by=admin) for u in staff]
                + [RoleGrant(alliance=alliance, user=u, role=Role.REPRESENTATIVE, member_unit=unit, granted_by=admin)
                   for u, unit in zip(reps, ctx["units"])])
        if args.entries:
            bench.bulk_load(ctx, args.entries, members, seed=index + 1)
        motion = governance_services.motion_create(
            actor=ctx["staff"], alliance=alliance, kind="other", title="负载测试议案", body="负载测试。",
            closes_at=timezone.now() + datetime.timedelta(hours=2))
        governance_services.motion_open(actor=ctx["staff"], alliance=alliance, motion=motion)
        fund = ctx["funds"][("unrestricted", None)].pk
        for n in range(args.seats):
            people["councillors"].append({"username": f"{slug}-c{n:04d}", "slug": slug, "motion": motion.pk})
        people["staff"] += [{"username": u.username, "slug": slug, "fund": fund}
                            for u in staff]
        people["approvers"].append({"username": f"{slug}-sg", "slug": slug})
        people["reps"] += [{"username": u.username, "slug": slug, "unit": unit.pk} for u, unit in zip(reps, ctx["units"])]
        print(f"seeded {slug}: {args.seats} seats, {len(staff)} staff, {len(reps)} representatives", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    Path(args.out).write_text(json.dumps(people, ensure_ascii=False))
    print(f"seeded {max(args.bureau_alliances, busy)} alliances in {time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
