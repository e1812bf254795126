"""Checkpoints (issue #16): signed chain heads made at period close, sealing, submission and daily;
tampering by raw SQL (truncation with a rewound head, a deleted checkpoint, swapped dates) is
detected and named; keys rotate; forged checkpoints are refused on receipt."""

import datetime
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection
from django_scopes import scope

from alliances import checkpoints, keys
from alliances.models import ChainHead, Checkpoint, VerificationRun
from bureau.models import Kind, WitnessedCheckpoint
from finance import chart, services as finance
from finance.models import JournalEntry, JournalLine, Ledger
from governance.models import Motion, Resolution, ResolutionSeal, SealedResult
from tests.bureau.conftest import draft
from tests.finance.conftest import cny, post
from tests.governance.helpers import pass_resolution

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def signing_key(settings, tmp_path):
    """A development key in this test's own key directory (the autouse fixture points there)."""
    assert settings.LIANMENG_KEY_DIR == tmp_path / "keys"
    key_id, created = keys.init_keys()
    assert created and keys.init_keys() == (key_id, False)  # idempotent
    return key_id


def post_entries(ctx, n=3, day=10):
    fund = finance.fund_for(alliance=ctx.alliance, source="other")
    entries = []
    for i in range(n):
        entry = finance.entry_record(actor=ctx.user("sec"), alliance=ctx.alliance, date=D(2026, 11, day + i),
                                     description=f"收入{i}", lines=[
                                         {"account": chart.BANK, "fund": fund, "debit": cny(100 + i)},
                                         {"account": chart.INCOME_OTHER, "fund": fund, "credit": cny(100 + i)}])
        entries.append(post(ctx, entry))
    return entries


def submit(ctx, title="管理制度备案"):
    from bureau import services

    submission = draft(ctx, kind=Kind.RULES_FILING, title=title, narrative={"body": "章程及财务制度"})
    return services.submission_submit(actor=ctx.user("sg"), alliance=ctx.alliance, submission=submission)


def run(command, slug):
    out = StringIO()
    try:
        call_command(command, slug, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def truncate_ledger(ctx) -> int:
    """What someone with database access does: delete the newest entry and its lines, rewind the head."""
    with scope(alliance=ctx.alliance):
        newest = JournalEntry.objects.filter(status="posted").order_by("-sequence").first()
        before = JournalEntry.objects.get(sequence=newest.sequence - 1)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table(JournalLine)} WHERE entry_id = %s", [newest.pk])
        cursor.execute(f"DELETE FROM {table(JournalEntry)} WHERE id = %s", [newest.pk])
        cursor.execute(f"UPDATE {table(Ledger)} SET last_sequence = %s, last_hash = %s WHERE alliance_id = %s",
                       [before.sequence, before.hash, ctx.alliance.pk])
    return before.sequence


def test_checkpoint_all_signs_every_moved_head_once(oe, signing_key):
    post_entries(oe)
    pass_resolution(oe)
    call_command("checkpoint_all", oe.alliance.slug, stdout=StringIO())
    with scope(alliance=oe.alliance):
        made = list(Checkpoint.objects.order_by("number"))
        ledger = Ledger.objects.get()
    assert [c.number for c in made] == list(range(1, len(made) + 1))
    by_chain = {c.chain: c for c in made}
    assert set(by_chain) == {"ledger", "resolutions"}  # no submission yet: an empty chain has no checkpoint
    assert (by_chain["ledger"].sequence, by_chain["ledger"].head_hash) == (ledger.last_sequence, ledger.last_hash)
    assert by_chain["ledger"].key_id == signing_key
    assert checkpoints.refusal(checkpoints.as_dict(by_chain["ledger"], oe.alliance.slug), oe.alliance.slug) is None
    call_command("checkpoint_all", oe.alliance.slug, stdout=StringIO())  # nothing moved: no new row
    with scope(alliance=oe.alliance):
        assert Checkpoint.objects.count() == len(made)
    assert run("verify_alliance", oe.alliance.slug)[0] == 0
    with scope(alliance=oe.alliance):
        assert VerificationRun.objects.get().ok


def test_period_close_and_sealing_checkpoint_on_commit(oe, signing_key, django_capture_on_commit_callbacks):
    post_entries(oe)
    with django_capture_on_commit_callbacks(execute=True):
        finance.period_close(actor=oe.user("sec"), alliance=oe.alliance, year=2026, month=11)
    with scope(alliance=oe.alliance):
        assert list(Checkpoint.objects.values_list("chain", "reason")) == [("ledger", "period_close")]
    with django_capture_on_commit_callbacks(execute=True):
        pass_resolution(oe)
    with scope(alliance=oe.alliance):
        seal = ResolutionSeal.objects.order_by("-sequence").first()
        checkpoint = Checkpoint.objects.get(chain="resolutions")
    assert (checkpoint.sequence, checkpoint.head_hash, checkpoint.reason) == (seal.sequence, seal.hash, "resolution")


def test_no_key_means_no_checkpoint_and_production_check_fails(oe, settings):
    from alliances.checks import checkpoint_key

    assert checkpoints.make_checkpoints(oe.alliance, "daily") == []
    settings.LIANMENG_REQUIRE_CHECKPOINT_KEY = True
    assert [e.id for e in checkpoint_key(None)] == ["lianmeng.E001"]
    keys.init_keys()
    assert checkpoint_key(None) == []


def test_truncated_ledger_with_rewound_head_is_named_with_the_witnessing_submission(oe, signing_key):
    entries = post_entries(oe)
    submit(oe)  # carries a fresh ledger checkpoint to the bureau
    assert run("verify_ledger", oe.alliance.slug)[0] == 0
    kept = truncate_ledger(oe)
    code, out = run("verify_ledger", oe.alliance.slug)
    assert code == 1
    assert f"ledger: truncated after #{kept}, witnessed on " in out and "by submission #" in out
    assert f"states #{entries[-1].sequence}" in out
    code, out = run("verify_alliance", oe.alliance.slug)
    assert code == 1 and f"truncated after #{kept}" in out
    with scope(alliance=oe.alliance):
        assert not VerificationRun.objects.get().ok


def test_rewritten_tail_differs_from_the_checkpoint(oe, signing_key):
    post_entries(oe)
    checkpoints.make_checkpoints(oe.alliance, "daily")
    kept = truncate_ledger(oe)
    # ... and a different entry posted in its place: the chain is intact and as long as before.
    post_entries(oe, n=1, day=20)
    assert run("verify_ledger", oe.alliance.slug)[0] == 1
    code, out = run("verify_alliance", oe.alliance.slug)
    assert code == 1 and f"ledger: #{kept + 1} differs from checkpoint #" in out


def test_swapped_entry_dates_are_named(oe, signing_key):
    a, b, _c = post_entries(oe)
    checkpoints.make_checkpoints(oe.alliance, "daily")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table(JournalEntry)} SET date = %s WHERE id = %s", [b.date, a.pk])
        cursor.execute(f"UPDATE {table(JournalEntry)} SET date = %s WHERE id = %s", [a.date, b.pk])
    code, out = run("verify_alliance", oe.alliance.slug)
    assert code == 1 and f"ledger: chain broken at #{a.sequence}: content does not match its hash" in out


def test_deleted_checkpoint_is_detected(oe, signing_key):
    post_entries(oe, n=1)
    checkpoints.make_checkpoints(oe.alliance, "daily")  # #1
    post_entries(oe, n=1, day=12)
    submit(oe)  # #2 (ledger), carried to the bureau
    checkpoints.make_checkpoints(oe.alliance, "daily")  # #3 (submissions)
    with scope(alliance=oe.alliance):
        numbers = list(Checkpoint.objects.order_by("number").values_list("number", "pk"))
    assert [n for n, _pk in numbers] == [1, 2, 3]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table(Checkpoint)} WHERE id IN (%s, %s)", [numbers[0][1], numbers[1][1]])
    code, out = run("verify_alliance", oe.alliance.slug)
    assert code == 1
    assert "checkpoint(s) #1, #2 missing" in out
    assert "checkpoint #2 witnessed on " in out and "is missing or altered here" in out


def test_deleting_the_newest_checkpoint_is_caught_by_the_bureau_copy(oe, signing_key):
    post_entries(oe, n=1)
    submit(oe)  # #1 (ledger), witnessed
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table(Checkpoint)} WHERE alliance_id = %s", [oe.alliance.pk])
    code, out = run("verify_alliance", oe.alliance.slug)
    assert code == 1 and "checkpoint(s) #1 missing" in out and "by submission #1" in out


def test_old_checkpoints_verify_after_key_rotation(oe, signing_key):
    post_entries(oe, n=1)
    first = checkpoints.make_checkpoints(oe.alliance, "daily")
    out = StringIO()
    call_command("rotate_checkpoint_key", stdout=out)
    assert f"{signing_key} -> " in out.getvalue()
    post_entries(oe, n=1, day=12)
    second = checkpoints.make_checkpoints(oe.alliance, "daily")
    assert {c.key_id for c in first} == {signing_key} and {c.key_id for c in second} != {signing_key}
    assert run("verify_alliance", oe.alliance.slug)[0] == 0
    # Losing the old public key makes its checkpoints unverifiable, and says so.
    (keys.key_dir() / "public" / f"{signing_key}.pem").unlink()
    code, out = run("verify_alliance", oe.alliance.slug)
    assert code == 1 and f"signed with an unknown key ({signing_key})" in out


def forged(ctx, number, chain="resolutions"):
    """A checkpoint signed with a key that is not ours."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    data = {"alliance": ctx.alliance.slug, "number": number, "chain": chain, "sequence": 1,
            "head_hash": "f" * 64, "made_at": "2026-11-30T00:00:00Z", "key_id": keys.fingerprint(public)}
    return {**data, "public_key": keys.public_pem(public), "signature": key.sign(checkpoints.message(data)).hex()}


def test_forged_checkpoint_is_refused_on_receipt_and_reported(oe, bm, signing_key):
    post_entries(oe, n=1)
    checkpoints.make_checkpoints(oe.alliance, "daily")
    with scope(alliance=oe.alliance):
        number = Checkpoint.objects.count() + 1
        data = forged(oe, number)
        # Written straight into the database on a chain with nothing to re-sign: the submission carries it.
        Checkpoint.objects.create(alliance=oe.alliance, number=number, chain="resolutions", sequence=1,
                                  head_hash=data["head_hash"], made_at=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
                                  reason="daily", key_id=data["key_id"], public_key=data["public_key"],
                                  signature=data["signature"])
    submission = submit(oe)
    with scope(alliance=oe.alliance):
        received = {w.data["number"]: w for w in WitnessedCheckpoint.objects.filter(version__submission=submission)}
    assert received[number].refusal.startswith("signed with an unknown key")
    assert all(w.accepted for n, w in received.items() if n != number)
    code, out = run("verify_alliance", oe.alliance.slug)
    assert code == 1 and f"checkpoint #{number} of 2026-11-30 is not valid: signed with an unknown key" in out
    # Another alliance's genuine checkpoint, presented as this one's, is refused too.
    post_entries(bm, n=1)
    theirs = checkpoints.as_dict(checkpoints.make_checkpoints(bm.alliance, "daily")[0], bm.alliance.slug)
    assert checkpoints.refusal(theirs, oe.alliance.slug) == "signed for another alliance (biomed)"
    genuine = next(w.data for w in received.values() if w.accepted)
    tampered = {**genuine, "sequence": genuine["sequence"] + 1}
    assert checkpoints.refusal(tampered, oe.alliance.slug) == "signature does not verify"


def test_deleted_resolution_with_its_sealed_result_is_named(oe, signing_key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pass_resolution(oe)
        pass_resolution(oe, title="第二项决议")
    assert run("verify_resolutions", oe.alliance.slug)[0] == 0
    with scope(alliance=oe.alliance):
        newest = SealedResult.objects.order_by("-sequence").first()
        seal = ResolutionSeal.objects.get(sealed_result=newest)
    # What someone with database access would do: the record, its seal link, and the chain's head rewound.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table(ResolutionSeal)} WHERE id = %s", [seal.pk])
        cursor.execute(f"DELETE FROM {table(SealedResult)} WHERE id = %s", [newest.pk])
        cursor.execute(f"DELETE FROM {table(Resolution)} WHERE motion_id = %s", [newest.motion_id])
        cursor.execute(f"UPDATE {table(ChainHead)} SET last_sequence = %s, last_hash = %s WHERE alliance_id = %s AND chain = %s",
                       [seal.sequence - 1, seal.previous_hash, oe.alliance.pk, "resolutions"])
        cursor.execute(f"UPDATE {table(Motion)} SET status = %s WHERE id = %s", ["open", newest.motion_id])
    code, out = run("verify_resolutions", oe.alliance.slug)
    assert code == 1 and f"resolutions: truncated after #{seal.sequence - 1}" in out
