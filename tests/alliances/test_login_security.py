"""Logging in (issue 14, point 2): one lockout per account for the login page and the token endpoint
(django-axes), a per-address ceiling on failures only, revocable tokens, password reset by e-mail,
and 401 for anonymous API calls."""

import re

from django.core import mail
from rest_framework.test import APIClient

from alliances import services
from tests.conftest import api_as

PASSWORD = "demo-pass-2026"
TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
ALLIANCE_URL = "/api/v1/alliances/ocean-equipment/"


def token_login(username, password, address="127.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(TOKEN_URL, {"username": username, "password": password}, format="json")


def page_login(client, username, password):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def test_failed_page_logins_lock_the_token_endpoint_too(oe, client):
    username = oe.user("sec").username
    for _ in range(5):
        page_login(client, username, "wrong")
    response = token_login(username, PASSWORD)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert "登录失败次数过多" in response.json()["error"]["message"]


def test_failed_token_logins_lock_the_login_page_with_a_clear_message_in_either_language(oe, client):
    username = oe.user("sec").username
    for _ in range(5):
        assert token_login(username, "wrong").status_code in (400, 429)
    response = page_login(client, username, PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "该账号登录失败次数过多" in response.content.decode()
    english = client.post(LOGIN_URL, {"username": username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many failed logins" in english.content.decode()
    assert token_login(username, PASSWORD).json()["error"]["code"] == "locked_out"


def test_page_and_api_failures_count_together_towards_one_lockout(oe, client):
    username = oe.user("sec").username
    for _ in range(3):
        page_login(client, username, "wrong")
    assert token_login(username, "wrong").status_code == 400
    assert token_login(username, "wrong").status_code == 429  # the fifth failure locks
    assert token_login(username, PASSWORD).status_code == 429


def test_a_successful_login_clears_the_failure_count(oe, client):
    username = oe.user("sec").username
    for _ in range(4):
        token_login(username, "wrong")
    assert token_login(username, PASSWORD).status_code == 200
    for _ in range(4):
        page_login(client, username, "wrong")
    assert page_login(client, username, PASSWORD).status_code == 302
    assert token_login(username, PASSWORD).status_code == 200


def test_lockout_is_per_account_so_one_attacker_cannot_lock_out_an_office(oe):
    for _ in range(6):
        token_login(oe.user("sec").username, "wrong")
    assert token_login(oe.user("council-1").username, PASSWORD).status_code == 200


def test_thirty_successful_token_logins_from_one_address_all_succeed(oe, bm):
    people = [u.username for u in (*oe.users.values(), *bm.users.values())]
    codes = [token_login(people[n % len(people)], PASSWORD).status_code for n in range(30)]
    assert codes == [200] * 30


def test_failed_logins_beyond_the_address_ceiling_are_throttled(oe, client):
    for n in range(30):  # the default ceiling: 30 failures a minute per address
        assert token_login(f"nobody-{n}", "wrong").status_code == 400
    refused = token_login(oe.user("sec").username, PASSWORD)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert page_login(client, oe.user("sec").username, PASSWORD).status_code == 429  # the page shares the ceiling
    assert token_login(oe.user("sec").username, PASSWORD, address="10.0.0.2").status_code == 200


def test_a_revoked_token_answers_401(oe):
    token = token_login(oe.user("sec").username, PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(ALLIANCE_URL).status_code == 200
    assert client.delete(TOKEN_URL).status_code == 204
    response = client.get(ALLIANCE_URL)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    fresh = token_login(oe.user("sec").username, PASSWORD).json()["token"]
    assert fresh != token


def test_revoking_a_token_needs_one(db):
    response = APIClient().delete(TOKEN_URL)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_a_deactivated_persons_token_answers_401(oe):
    person = oe.user("expert-3")
    token = token_login(person.username, PASSWORD).json()["token"]
    services.person_deactivate(actor=oe.user("sg"), alliance=oe.alliance, user=person)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(ALLIANCE_URL).status_code == 401


def test_anonymous_api_calls_answer_401_with_www_authenticate(oe):
    for url in (ALLIANCE_URL, "/api/v1/alliances/", "/api/v1/bureau/submissions/"):
        response = api_as().get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["error"]["code"] == "not_authenticated"


def _reset_link(message) -> str:
    return re.search(r"http://\S+/accounts/set-password/\S+/", message.body).group(0)


def test_password_reset_answers_alike_for_known_and_unknown_addresses(oe, client, settings):
    settings.SITE_URL = "https://lianmeng.example.org"
    known = client.post("/accounts/password-reset/", {"email": oe.user("sec").email})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password-reset/done/"
    assert [m.to for m in mail.outbox] == [[oe.user("sec").email]]
    assert "https://lianmeng.example.org/accounts/set-password/" in mail.outbox[0].body


def test_the_emailed_link_sets_a_new_password_ends_the_lockout_and_revokes_the_token(oe, client):
    person = oe.user("sec")
    old_token = token_login(person.username, PASSWORD).json()["token"]
    for _ in range(5):
        token_login(person.username, "wrong")
    client.post("/accounts/password-reset/", {"email": person.email})
    link = _reset_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    new = "a-new-pass-2026-x"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == LOGIN_URL
    assert token_login(person.username, PASSWORD).status_code == 400
    response = token_login(person.username, new)
    assert response.status_code == 200 and response.json()["token"] != old_token


def test_password_reset_mails_stop_past_the_per_email_limit_but_the_page_answers_alike(oe, client):
    target, other = oe.user("sec").email, oe.user("sg").email
    answers = [client.post("/accounts/password-reset/", {"email": target}) for _ in range(6)]
    assert [m.to for m in mail.outbox] == [[target]] * 5
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/accounts/password-reset/done/")}
    client.post("/accounts/password-reset/", {"email": other})
    assert mail.outbox[-1].to == [other] and len(mail.outbox) == 6


def test_password_reset_mails_stop_past_the_per_address_limit(oe, client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "password_reset_address": "2/hour"}}
    for role in ("sec", "sg", "chair"):
        answer = client.post("/accounts/password-reset/", {"email": oe.user(role).email})
        assert answer["Location"] == "/accounts/password-reset/done/"
    assert len(mail.outbox) == 2
