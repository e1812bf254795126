"""The alliance agreement (附件2): tests named after the guide's sections."""

import datetime
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from alliances.errors import Conflict, Forbidden, ValidationFailed
from governance import services as governance
from governance.agreement import chains, selectors, services
from governance.agreement import demo as agreement_demo
from governance.models import AgreementVersion, Motion

from .helpers import close_after_window, councillors, open_motion, vote

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 proxy letter"


@pytest.fixture
def founded(oe):
    with scope(alliance=oe.alliance):
        agreement_demo.sign_founding(oe)
    return oe


def amend(ctx, clauses, **kwargs):
    version = services.agreement_draft(actor=ctx.user("sec"), alliance=ctx.alliance, clauses=clauses, note="修订")
    return version, services.agreement_propose(actor=ctx.user("sec"), alliance=ctx.alliance, version=version, **kwargs)


def test_section_6_founding_version_in_force_when_every_party_signed(oe):
    sec = oe.user("sec")
    parties = selectors.parties(oe.alliance)
    version = services.agreement_draft(actor=sec, alliance=oe.alliance,
                                       clauses=agreement_demo.founding_clauses(oe.alliance, parties))
    services.agreement_open_for_signature(actor=sec, alliance=oe.alliance, version=version)
    for unit in parties[:-1]:
        services.agreement_sign(actor=sec, alliance=oe.alliance, version=version, unit=unit,
                                signer_name=unit.legal_representative, capacity="legal_representative")
    assert selectors.in_force(oe.alliance) is None  # one party missing
    last = parties[-1]
    services.agreement_sign(actor=sec, alliance=oe.alliance, version=version, unit=last,
                            signer_name=last.legal_representative, capacity="legal_representative")
    assert selectors.in_force(oe.alliance).number == 1 and selectors.problems(oe.alliance) == []
    assert chains.signatures.verify(oe.alliance) == {"ok": True, "count": len(parties), "broken": None}


def test_section_6_signing_by_someone_else_is_refused(oe):
    sec = oe.user("sec")
    parties = selectors.parties(oe.alliance)
    version = services.agreement_draft(actor=sec, alliance=oe.alliance,
                                       clauses=agreement_demo.founding_clauses(oe.alliance, parties))
    services.agreement_open_for_signature(actor=sec, alliance=oe.alliance, version=version)
    unit = parties[0]
    with pytest.raises(ValidationFailed) as error:
        services.agreement_sign(actor=sec, alliance=oe.alliance, version=version, unit=unit, signer_name="张三",
                                capacity="legal_representative")
    assert "signer_name" in error.value.fields
    with pytest.raises(ValidationFailed) as error:  # a proxy nobody registered, without a letter
        services.agreement_sign(actor=sec, alliance=oe.alliance, version=version, unit=unit, signer_name="张三",
                                capacity="proxy")
    assert {"signer_name", "proxy_letter"} <= set(error.value.fields)
    with pytest.raises(Forbidden):  # a councillor records no signature
        services.agreement_sign(actor=oe.user("council-1"), alliance=oe.alliance, version=version, unit=unit,
                                signer_name=unit.legal_representative, capacity="legal_representative")
    with scope(alliance=oe.alliance):
        assert not version.signatures.exists()


def test_section_6_registered_proxy_signs_with_the_letter(oe):
    sec, rep = oe.user("sec"), oe.user("rep-1")
    parties = selectors.parties(oe.alliance)
    version = services.agreement_draft(actor=sec, alliance=oe.alliance,
                                       clauses=agreement_demo.founding_clauses(oe.alliance, parties))
    services.agreement_open_for_signature(actor=sec, alliance=oe.alliance, version=version)
    unit = oe.units[5]  # rep-1 is its registered representative
    signature = services.agreement_sign(actor=rep, alliance=oe.alliance, version=version, unit=unit, signer_name=str(rep),
                                        capacity="proxy", proxy_letter=SimpleUploadedFile("委托书.pdf", PDF))
    assert signature.capacity == "proxy" and signature.proxy_letter.name
    assert chains.signatures.verify(oe.alliance)["ok"]


def test_section_4_2_goals_and_task_division_are_required(oe):
    sec = oe.user("sec")
    version = services.agreement_draft(actor=sec, alliance=oe.alliance, clauses={"recitals": {"text": "鉴于"}})
    with pytest.raises(ValidationFailed) as error:
        services.agreement_open_for_signature(actor=sec, alliance=oe.alliance, version=version)
    message = " ".join(error.value.fields["clauses"])
    assert "近期目标" in message and "成员任务分工" in message and "仅限联盟研发无偿使用" in message


def test_section_10_an_amendment_making_the_agreement_incomplete_is_refused_before_the_vote(founded):
    oe = founded
    version = services.agreement_draft(actor=oe.user("sec"), alliance=oe.alliance, clauses={"goals": {"near_term": ""}})
    with pytest.raises(ValidationFailed) as error:
        services.agreement_propose(actor=oe.user("sec"), alliance=oe.alliance, version=version)
    assert "近期目标" in " ".join(error.value.fields["clauses"])
    with scope(alliance=oe.alliance):
        assert not Motion.objects.filter(kind="agreement_amendment").exists()
        assert AgreementVersion.objects.get(pk=version.pk).status == "draft"


def test_section_10_disputes_arbitration_or_litigation_never_both(founded):
    with pytest.raises(ValidationFailed) as error:
        services.agreement_draft(actor=founded.user("sec"), alliance=founded.alliance,
                                 clauses={"disputes": {"method": "both"}})
    assert "clauses.disputes.method" in error.value.fields


def test_section_4_3_decision_rules_change_only_when_the_amendment_passes(founded):
    oe = founded
    old = open_motion(oe, kind="other")
    charter_before = governance.current_charter(oe.alliance)
    rules = selectors.c.rules_of(selectors.in_force(oe.alliance).clauses)
    rules["thresholds"]["other"] = "two_thirds_seats"
    version, motion = amend(oe, {"organs": {"rules": rules}})
    assert motion.rule == "unanimity_seats"  # 附件2 §10: amendments by every seat
    assert governance.current_charter(oe.alliance).pk == charter_before.pk  # not before the vote
    vote(oe, motion, councillors(oe), "for")
    governance.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    with scope(alliance=oe.alliance):
        version.refresh_from_db()
    assert version.status == "adopted" and version.resolution_number
    assert selectors.in_force(oe.alliance).number == version.number
    new = open_motion(oe, kind="other")
    c = councillors(oe)
    for motion_ in (old, new):
        vote(oe, motion_, c[:3], "for")
        vote(oe, motion_, c[3:4], "against")
    assert close_after_window(oe, old).result == "passed"  # keeps the rules it was opened under
    assert close_after_window(oe, new).result == "failed"  # 3 < two thirds of 5 seats


def test_section_10_amendment_fails_without_every_seat(founded):
    oe = founded
    charter = governance.current_charter(oe.alliance)
    version, motion = amend(oe, {"openness": {"cooperation": "与国外机构合作。"}})
    vote(oe, motion, councillors(oe)[:4], "for")
    assert close_after_window(oe, motion).result == "failed"
    with scope(alliance=oe.alliance):
        version.refresh_from_db()
    assert version.status == "rejected" and governance.current_charter(oe.alliance).pk == charter.pk
    with pytest.raises(Conflict):  # immutable once decided
        version.save()


def test_section_10_effective_date_ahead_keeps_the_rules_until_then(founded):
    oe = founded
    rules = selectors.c.rules_of(selectors.in_force(oe.alliance).clauses)
    rules["thresholds"]["budget"] = "two_thirds_seats"
    version = services.agreement_draft(actor=oe.user("sec"), alliance=oe.alliance, clauses={"organs": {"rules": rules}},
                                       effective_on=timezone.localdate() + timedelta(days=10))
    motion = services.agreement_propose(actor=oe.user("sec"), alliance=oe.alliance, version=version)
    vote(oe, motion, councillors(oe), "for")
    governance.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    assert selectors.in_force(oe.alliance).number == version.number - 1
    assert governance.current_charter(oe.alliance).threshold_for("budget") == "absolute_majority_seats"


def test_section_4_4_accession_names_the_version_in_force(founded):
    assert selectors.in_force_number(founded.alliance) == 1


def test_api_agreement_versions_and_diff(founded, api):
    oe = founded
    amend(oe, {"openness": {"cooperation": "与国外机构合作。"}})
    base = f"/api/v1/alliances/{oe.alliance.slug}/agreement/"
    reader = api(oe.user("rep-1"))
    body = reader.get(base).json()
    assert body["in_force"]["number"] == 1 and body["problems"] == []
    assert [v["number"] for v in reader.get(base + "versions/").json()["results"]] == [2, 1]
    diff = reader.get(base + "versions/2/diff/").json()
    assert [row["field"] for row in diff["changes"]] == ["cooperation"]
    assert api(oe.user("sec")).post(base + "versions/2/propose/", {}, format="json").status_code == 409


def test_charter_post_points_at_agreement_amendments(oe, api):
    response = api(oe.user("sg")).post(f"/api/v1/alliances/{oe.alliance.slug}/charter/",
                                       {"thresholds": {"other": "two_thirds_seats"}}, format="json")
    assert response.status_code == 400 and "agreement" in str(response.json())


def test_pages_read_draft_compare(founded, client):
    oe = founded
    amend(oe, {"openness": {"cooperation": "与国外机构合作。"}})
    client.force_login(oe.user("sec"))
    assert "现行版本" in client.get(f"/a/{oe.alliance.slug}/agreement/").content.decode()
    page = client.get(f"/a/{oe.alliance.slug}/agreement/versions/2/").content.decode()
    assert "与国外机构合作" in page
    assert client.get(f"/a/{oe.alliance.slug}/agreement/draft/").status_code == 200


def test_signature_chain_detects_a_changed_clause(founded):
    oe = founded
    with scope(alliance=oe.alliance):
        AgreementVersion.objects.filter(number=1).update(clauses={"recitals": {"text": "改"}})
    assert chains.signatures.verify(oe.alliance)["ok"] is False


def test_dates_are_checked(oe):
    with pytest.raises(ValidationFailed):
        services.agreement_draft(actor=oe.user("sec"), alliance=oe.alliance, effective_on=datetime.date(1800, 1, 1))
