"""After a load run: every vote the server accepted is in the tally, and every chain verifies.

    python bench/load/verify.py people.json votes.json  -> prints JSON, exits 1 on a lost vote or a broken chain
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import lianmeng_bench  # noqa: E402,F401  (sets up Django)

from django_scopes import scopes_disabled  # noqa: E402

from alliances import checkpoints  # noqa: E402
from alliances.models import Alliance  # noqa: E402
from governance.models import Ballot  # noqa: E402


def main():
    people = json.loads(Path(sys.argv[1]).read_text())
    accepted = json.loads(Path(sys.argv[2]).read_text())["last"] if Path(sys.argv[2]).exists() else {}
    motions = {c["motion"] for c in people["councillors"]}
    with scopes_disabled():
        stored = dict(Ballot.objects.filter(motion_id__in=motions).values_list("voter__username", "choice"))
    lost = sorted(u for u, choice in accepted.items() if stored.get(u) != choice)
    broken = []
    slugs = sorted({c["slug"] for c in people["councillors"]})
    for alliance in Alliance.objects.filter(slug__in=slugs):
        if not checkpoints.verify_alliance(alliance, source="load test")["ok"]:
            broken.append(alliance.slug)
    result = {"votes_accepted": len(accepted), "ballots_stored": len(stored), "lost_votes": len(lost),
              "alliances_verified": len(slugs), "broken_chains": broken}
    print(json.dumps(result))
    sys.exit(1 if lost or broken else 0)


if __name__ == "__main__":
    main()
