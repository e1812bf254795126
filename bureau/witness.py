"""The bureau as witness (issue #16): the alliance's chain of submissions, and the copies of the
alliance's checkpoints the bureau keeps from each submission it receives."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances import checkpoints
from bureau.models import SubmissionVersion, WitnessedCheckpoint


def submissions_head(alliance) -> tuple[int, str]:
    row = (SubmissionVersion.objects.filter(alliance=alliance, sequence__isnull=False).order_by("-sequence")
           .values_list("sequence", "hash").first())
    return (row[0], row[1]) if row else (0, "")


def submissions_hash_at(alliance, sequence: int) -> str | None:
    return SubmissionVersion.objects.filter(alliance=alliance, sequence=sequence).values_list("hash", flat=True).first()


def verify_submissions(alliance) -> dict:
    """Gapless sequence, each hash chaining the previous, each frozen snapshot and PDF unchanged."""
    previous, count = "", 0
    for version in SubmissionVersion.objects.filter(alliance=alliance, sequence__isnull=False).order_by("sequence"):
        count += 1
        reason = None
        if version.sequence != count:
            reason = f"sequence gap: expected #{count}"
        elif version.previous_hash != previous:
            reason = "previous hash does not match"
        elif version.chain_hash() != version.hash:
            reason = "content does not match its hash"
        elif not version.verify():
            reason = "snapshot or document does not match its SHA-256"
        if reason:
            return {"ok": False, "count": count, "broken": {"sequence": version.sequence, "reason": reason}}
        previous = version.hash
    return {"ok": True, "count": count, "broken": None}


def receive(version: SubmissionVersion, carried: list[dict]) -> list[WitnessedCheckpoint]:
    """Store the checkpoints a submission carries on the bureau's side; each is verified first and
    one that does not verify (another alliance's, an unknown key, a bad signature) is kept refused."""
    slug = version.alliance.slug
    now = timezone.now()
    return [
        WitnessedCheckpoint.objects.create(alliance=version.alliance, version=version, received_at=now, data=data,
                                           refusal=checkpoints.refusal(data, slug) or "")
        for data in carried
    ]


def label(version: SubmissionVersion) -> str:
    return f"submission #{version.sequence} ({version.submission.title} v{version.number})"


def witnessed(alliance) -> list[tuple[dict, str]]:
    """The accepted witnessed checkpoints (for `checkpoints.check`), the latest per checkpoint number."""
    rows = {}
    for row in (WitnessedCheckpoint.objects.filter(alliance=alliance, refusal="")
                .select_related("version__submission").order_by("received_at", "id")):
        rows[row.data.get("number")] = (row.data, label(row.version))
    return list(rows.values())


def last_heads(alliance) -> list[dict]:
    """Per chain, the last witnessed head, who carried it and when (the console shows them)."""
    heads = {}
    for data, by in witnessed(alliance):
        if data["chain"] not in heads or heads[data["chain"]]["number"] < data["number"]:
            heads[data["chain"]] = {**data, "by": by}
    return sorted(heads.values(), key=lambda d: d["chain"])


def register() -> None:
    checkpoints.register_chain("submissions", _("报送市科技局"), submissions_head, submissions_hash_at,
                               verify_submissions)
    checkpoints.register_witness(witnessed)


def console_rows() -> list[dict]:
    """Per alliance: the last heads the bureau witnessed and whether the alliance's chains still
    agree with them and with its signed checkpoints (no full chain recomputation: that is
    `verify_alliance`, whose last run the integrity page shows)."""
    from django_scopes import scope

    from alliances.models import Alliance

    rows = []
    for alliance in Alliance.objects.order_by("name"):
        with scope(alliance=alliance):
            heads = last_heads(alliance)
            refused = WitnessedCheckpoint.objects.filter(alliance=alliance).exclude(refusal="").count()
        result = checkpoints.check(alliance, verify_chains=False)
        rows.append({"alliance": alliance, "heads": heads, "ok": result["ok"], "problems": result["problems"],
                     "refused": refused})
    return rows
