"""Sealed results: hash chain, no update or delete path, tamper detection."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_scopes import scope

from alliances.errors import Conflict
from governance import services
from governance.models import Ballot, EligibleSeat, Resolution, ResolutionSeal, SealedResult

from .helpers import close_after_window, councillors, open_motion, vote

pytestmark = pytest.mark.django_db


def _closed(ctx, n=1, choice="for"):
    motions = []
    for _ in range(n):
        motion = open_motion(ctx)
        vote(ctx, motion, councillors(ctx), choice)
        motions.append(close_after_window(ctx, motion))
    return motions


def test_sealed_results_chain_per_alliance(oe, bm):
    _closed(oe, 2)
    _closed(bm, 1)
    with scope(alliance=oe.alliance):
        first, second = SealedResult.objects.order_by("sequence")
        assert first.previous_hash == services.GENESIS_HASH
        assert second.previous_hash == first.hash
        assert services.sealed_hash(second) == second.hash
    with scope(alliance=bm.alliance):
        assert SealedResult.objects.get().previous_hash == services.GENESIS_HASH


def test_sealed_result_model_refuses_update_and_delete(oe):
    _closed(oe)
    with scope(alliance=oe.alliance):
        sealed = SealedResult.objects.get()
        sealed.result = "failed"
        with pytest.raises(Conflict):
            sealed.save()
        with pytest.raises(Conflict):
            sealed.delete()
        with pytest.raises(Conflict):
            SealedResult.objects.filter(pk=sealed.pk).update(result="failed")
        with pytest.raises(Conflict):
            SealedResult.objects.all().delete()
        resolution = Resolution.objects.get()
        with pytest.raises(Conflict):
            resolution.save()
        with pytest.raises(Conflict):
            Resolution.objects.all().delete()
        assert SealedResult.objects.get().result == "passed"


def test_service_has_no_path_to_reseal(oe):
    motion = _closed(oe)[0]
    with pytest.raises(Conflict):
        services.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    assert not [name for name in dir(services) if name.startswith(("sealed_result_", "resolution_"))]


def test_verify_resolutions_passes_on_an_intact_chain(oe, capsys):
    _closed(oe, 2)
    call_command("verify_resolutions", "ocean-equipment")
    assert "OK: 2 sealed result(s)" in capsys.readouterr().out


def test_verify_resolutions_finds_a_row_changed_by_raw_sql(oe, capsys):
    motions = _closed(oe, 3)
    with scope(alliance=oe.alliance):
        second = SealedResult.objects.get(motion=motions[1])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SealedResult._meta.db_table} SET tally = %s WHERE id = %s",
            ['{"eligible": 5, "for": 1, "against": 4, "abstain": 0, "cast": 5, "not_voted": 0}', second.pk],
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_resolutions", "ocean-equipment")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "BROKEN at sealed result #2" in out and "content hash" in out


def test_verify_resolutions_finds_a_changed_motion_result(oe, capsys):
    motion = _closed(oe, 1)[0]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {motion._meta.db_table} SET result = 'failed' WHERE id = %s", [motion.pk])
    with pytest.raises(SystemExit):
        call_command("verify_resolutions", "ocean-equipment")
    assert "BROKEN at sealed result #1" in capsys.readouterr().out


def test_verify_resolutions_finds_a_deleted_row(oe, capsys):
    motions = _closed(oe, 3)
    with scope(alliance=oe.alliance):
        first = SealedResult.objects.get(motion=motions[0])
    with connection.cursor() as cursor:  # its resolutions-chain link refers to it: that goes too
        cursor.execute(f"DELETE FROM {ResolutionSeal._meta.db_table} WHERE sealed_result_id = %s", [first.pk])
        cursor.execute(f"DELETE FROM {Resolution._meta.db_table} WHERE motion_id = %s", [motions[0].pk])
        cursor.execute(f"DELETE FROM {SealedResult._meta.db_table} WHERE id = %s", [first.pk])
    with pytest.raises(SystemExit):
        call_command("verify_resolutions", "ocean-equipment")
    assert "BROKEN at sealed result #2" in capsys.readouterr().out


def test_close_motions_command_closes_due_motions_of_every_alliance(oe, bm, capsys):
    from .helpers import end_window

    due_oe, due_bm, later = open_motion(oe), open_motion(bm), open_motion(oe)
    vote(oe, due_oe, councillors(oe), "for")
    end_window(oe, due_oe)
    end_window(bm, due_bm)
    call_command("close_motions")
    with scope(alliance=oe.alliance):
        due_oe.refresh_from_db()
        later.refresh_from_db()
        assert (due_oe.status, due_oe.result, later.status) == ("closed", "passed", "open")
    with scope(alliance=bm.alliance):
        due_bm.refresh_from_db()
        assert (due_bm.status, due_bm.result) == ("closed", "failed")
    call_command("close_motions")
    assert "closed 0 motion(s)" in capsys.readouterr().out


def test_secret_ballot_keeps_participation_apart_from_choice(oe):
    motion = open_motion(oe, secret=True)
    c = councillors(oe)
    vote(oe, motion, c[:3], "for")
    services.vote_cast(actor=c[0], alliance=oe.alliance, motion=motion, choice="against")  # change
    vote(oe, motion, c[3:4], "abstain")
    with scope(alliance=oe.alliance):
        ballots = list(Ballot.objects.filter(motion=motion))
        assert len(ballots) == 4
        assert all(b.seat_id is None and b.voter_id is None and b.cast_at is None for b in ballots)
        assert sorted(b.choice for b in ballots) == ["abstain", "against", "for", "for"]
        assert EligibleSeat.objects.filter(motion=motion, voted_at__isnull=False).count() == 4
    motion = close_after_window(oe, motion)
    assert motion.tally["for"] == 2 and motion.tally["against"] == 1
    with scope(alliance=oe.alliance):
        assert motion.ballot_salt == ""
        assert all("choice" not in v for v in motion.sealed.voters)
        assert len(motion.sealed.voters) == 4
