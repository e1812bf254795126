"""The user guide's screenshots (docs/guide/img/), taken from the running product so they stay current.

Every run takes each shot and checks the page answered; with LIANMENG_GUIDE_SHOTS=1 the PNGs are
written into docs/guide/img/ (`make guide-shots`), otherwise into a temporary folder so an ordinary
test run leaves the tree clean. tests/guide/test_guide_docs.py checks the guide names only shots
taken here.
"""

import os
from pathlib import Path

import pytest
from django_scopes import scope

from tests.browser import browser_page, log_in
from tests.governance.helpers import open_motion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
PHONE = {"width": 390, "height": 844}
SHOTS: list[str] = []  # filled as the shots are declared below, read by test_guide_docs


def shot(name: str) -> str:
    SHOTS.append(name)
    return name


@pytest.fixture
def shots_dir(tmp_path):
    if os.environ.get("LIANMENG_GUIDE_SHOTS"):
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        return GUIDE_IMAGES
    return tmp_path


def take(page, base_url: str, path: str, folder: Path, name: str) -> None:
    response = page.goto(f"{base_url}{path}")
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)
    assert (folder / f"{name}.png").stat().st_size > 5_000  # a real picture, not a blank page


SECRETARIAT_PAGES = [
    ("/", shot("secretariat-dashboard")),
    ("/people/", shot("secretariat-people")),
    ("/members/", shot("secretariat-members")),
    ("/finance/entries/?status=posted", shot("secretariat-journal")),
    ("/finance/", shot("secretariat-finance")),
    ("/motions/", shot("secretariat-motions")),
    ("/meetings/", shot("secretariat-meetings")),
    ("/projects/", shot("secretariat-projects")),
    ("/ip/", shot("secretariat-ip")),
    ("/submissions/", shot("secretariat-submissions")),
    ("/integrity/", shot("secretariat-integrity")),
    ("/activity/", shot("secretariat-activity")),
]
SHOT_LOGIN = shot("login")
SHOT_APPROVALS = shot("sg-approvals")
SHOT_VOTE_PHONE = shot("councillor-vote-phone")
SHOT_INBOX = shot("councillor-inbox")
SHOT_CONSULTATIONS = shot("expert-consultations")
SHOT_PORTAL = shot("member-portal")
SHOT_STATEMENT = shot("member-statement")
SHOT_BUREAU = shot("bureau-console")
SHOT_BUREAU_QUEUE = shot("bureau-submissions")
SHOT_ENGLISH = shot("dashboard-english")


def test_secretariat_screens(oe, live_server, chromium_path, shots_dir):
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    with browser_page(chromium_path) as page:
        take(page, live_server.url, "/accounts/login/", shots_dir, SHOT_LOGIN)
        log_in(page, live_server.url, "ocean-equipment-sec")
        for path, name in SECRETARIAT_PAGES:
            take(page, base, path, shots_dir, name)
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, "ocean-equipment-sg")
        take(page, base, "/finance/approvals/", shots_dir, SHOT_APPROVALS)
    with browser_page(chromium_path, locale="en-US") as page:
        log_in(page, live_server.url, "ocean-equipment-sec")
        take(page, base, "/", shots_dir, SHOT_ENGLISH)


def test_councillor_expert_and_member_screens(oe, live_server, chromium_path, shots_dir):
    motion = open_motion(oe, kind="budget", title="2027 年度经费预算",
                         body="秘书处提请理事会审议 2027 年度联盟经费预算（附预算表）。")
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    with browser_page(chromium_path, viewport=PHONE) as page:
        log_in(page, live_server.url, "ocean-equipment-council-1")
        take(page, base, f"/motions/{motion.pk}/", shots_dir, SHOT_VOTE_PHONE)
        take(page, base, "/inbox/", shots_dir, SHOT_INBOX)
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, "ocean-equipment-expert-1")
        take(page, base, "/consultations/", shots_dir, SHOT_CONSULTATIONS)
    unit = oe.user("rep-1")
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, unit.username)
        take(page, base, "/members/portal/", shots_dir, SHOT_PORTAL)
        with scope(alliance=oe.alliance):
            from alliances.models import RoleGrant

            unit_id = RoleGrant.objects.filter(user=unit, revoked_at__isnull=True).values_list(
                "member_unit_id", flat=True).first()
        take(page, base, f"/finance/statements/{unit_id}/", shots_dir, SHOT_STATEMENT)


def test_bureau_screens(oe, bureau_user, live_server, chromium_path, shots_dir):
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, bureau_user.username)
        take(page, live_server.url, "/bureau/", shots_dir, SHOT_BUREAU)
        take(page, live_server.url, "/bureau/submissions/", shots_dir, SHOT_BUREAU_QUEUE)
