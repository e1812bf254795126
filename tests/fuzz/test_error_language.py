"""Error messages of refused hostile input are in Chinese by default and in English with
`Accept-Language: en` (the message and each field's messages), spot-checked on a few operations."""

import re

import pytest

from tests.conftest import api_as
from tests.fuzz.conftest import SLUG
from tests.fuzz.hostile import LONG, SQL

API = f"/api/v1/alliances/{SLUG}/"
CJK = re.compile(r"[\u4e00-\u9fff]")

SPOT_CHECKS = [
    ("members/", {"name": LONG, "kind": "no_such_choice", "email": SQL}, ["name", "kind", "email"]),
    ("ledger/entries/", {"date": "2026-02-30", "description": None, "lines": "not-a-list"}, ["date", "description", "lines"]),
    ("ledger/contributions/", {"member_unit": "abc", "year": 2**63, "amount": "1e400"}, ["member_unit", "year", "amount"]),
    ("motions/", {"title": ["x"], "kind": "other", "closes_at": "9999-99-99"}, ["title", "closes_at"]),
]


@pytest.mark.parametrize(("path", "body", "fields"), SPOT_CHECKS, ids=[c[0] for c in SPOT_CHECKS])
def test_field_messages_are_chinese_by_default_and_english_on_request(oe, path, body, fields):
    zh = api_as(oe.user("sg")).post(API + path, body, format="json")
    en = api_as(oe.user("sg"), language="en").post(API + path, body, format="json")
    assert zh.status_code == en.status_code == 400
    zh_error, en_error = zh.json()["error"], en.json()["error"]
    assert CJK.search(zh_error["message"]) and not CJK.search(en_error["message"])
    for field in fields:
        zh_messages = [m for k, ms in zh_error["fields"].items() if k == field or k.startswith(field + ".") for m in ms]
        en_messages = [m for k, ms in en_error["fields"].items() if k == field or k.startswith(field + ".") for m in ms]
        assert zh_messages and en_messages, (field, zh_error, en_error)
        assert all(CJK.search(m) for m in zh_messages), zh_messages
        assert not any(CJK.search(m) for m in en_messages), en_messages
