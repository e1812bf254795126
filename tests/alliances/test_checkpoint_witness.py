"""The bureau as witness, the integrity page and the auditor ZIP checked offline by the script
in docs/operations.md (issue #16 points 3, 5, 6)."""

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scope

from alliances import checkpoints
from bureau import documents, witness
from bureau.models import SubmissionVersion, WitnessedCheckpoint
from finance.models import JournalEntry
from tests.alliances.test_checkpoints import post_entries, signing_key, submit, table, truncate_ledger  # noqa: F401

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_submission_carries_signed_heads_printed_and_kept_by_the_bureau(oe, signing_key):
    post_entries(oe, n=2)
    submission = submit(oe)
    with scope(alliance=oe.alliance):
        version = SubmissionVersion.objects.get(submission=submission)
        kept = list(WitnessedCheckpoint.objects.filter(version=version))
    carried = version.snapshot["checkpoints"]
    assert [c["chain"] for c in carried] == ["ledger"] and carried[0]["sequence"] == 2
    assert [w.data for w in kept] == carried and all(w.accepted for w in kept)
    html = documents.render_html(version.snapshot)
    assert "链检查点" in html and f"ledger #2 {carried[0]['head_hash'][:16]}" in html and signing_key in html
    # The submissions are a chain of their own, sequenced per alliance.
    second = submit(oe, title="第二次备案")
    with scope(alliance=oe.alliance):
        versions = list(SubmissionVersion.objects.filter(submission__in=[submission, second]).order_by("sequence"))
        assert witness.verify_submissions(oe.alliance) == {"ok": True, "count": 2, "broken": None}
    assert [v.sequence for v in versions] == [1, 2] and versions[1].previous_hash == versions[0].hash
    with connection.cursor() as cursor:  # a frozen submission's title edited in its snapshot
        cursor.execute(f"UPDATE {table(SubmissionVersion)} SET sha256 = %s WHERE id = %s", ["0" * 64, versions[0].pk])
    with scope(alliance=oe.alliance):
        result = witness.verify_submissions(oe.alliance)
    assert result["broken"] == {"sequence": 1, "reason": "content does not match its hash"}


def test_bureau_console_shows_witnessed_heads_and_their_verification(oe, bm, signing_key, bureau_user):
    post_entries(oe, n=2)
    submit(oe)
    html = client_for(bureau_user).get("/bureau/").content.decode()
    row = html[html.index('data-testid="witness-ocean-equipment"'):].split("</tr>")[0]
    assert "ledger #2" in row and "submission #1" in row and "一致" in row and "不一致" not in row
    truncate_ledger(oe)
    html = client_for(bureau_user).get("/bureau/").content.decode()
    row = html[html.index('data-testid="witness-ocean-equipment"'):].split("</tr>")[0]
    assert "不一致" in row and "ledger: truncated after #1, witnessed on" in row


def test_integrity_page_shows_status_checkpoints_and_the_last_full_verification(oe, signing_key, bureau_user):
    post_entries(oe, n=2)
    submit(oe)
    page = f"/a/{oe.alliance.slug}/integrity/"
    auditor = client_for(oe.user("auditor"))
    html = auditor.get(page).content.decode()
    assert "尚未进行完整验证" in html and 'data-testid="chain-ledger"' in html and signing_key in html
    assert auditor.post(page).status_code == 302
    html = auditor.get(page).content.decode()
    assert "全部完好" in html and "尚未进行完整验证" not in html
    truncate_ledger(oe)
    client_for(oe.user("sg")).post(page)
    html = client_for(bureau_user).get(page).content.decode()  # the bureau reads it too
    assert "发现问题" in html and "truncated after #1" in html
    assert client_for(bureau_user).post(page).status_code == 403  # ... and writes nothing
    assert client_for(oe.user("rep-1")).get(page).status_code == 403
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(oe.user("auditor"))
    html = english.get(page).content.decode()
    assert "Data integrity" in html and "Last full verification" in html and "Problems found" in html


def offline_script(tmp_path) -> Path:
    text = DOCS.read_text()
    code = re.search(r"```python\n(# verify_export\.py.*?)```", text, re.S).group(1)
    path = tmp_path / "verify_export.py"
    path.write_text(code)
    return path


def run_script(script, archive: bytes, tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(archive)
    return subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True, cwd=tmp_path)


def rezip(archive: bytes, **replace) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name.replace(".", "_"), source.read(name)))
    return out.getvalue()


def test_auditor_zip_verifies_offline_with_the_documented_script(oe, signing_key, tmp_path):
    post_entries(oe, n=3)
    checkpoints.make_checkpoints(oe.alliance, "daily")
    response = client_for(oe.user("auditor")).get(f"/a/{oe.alliance.slug}/finance/auditor-export/", {"as_of": "2026-12-31"})
    archive = response.content
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert {"chain.jsonl", "checkpoints.json", f"keys/{signing_key}.pem"} <= set(names)
    script = offline_script(tmp_path)
    result = run_script(script, archive, tmp_path)
    assert result.returncode == 0 and "OK: 3 entries chain; 1 checkpoints" in result.stdout, result.stderr
    # An edited amount no longer chains.
    chain = zipfile.ZipFile(io.BytesIO(archive)).read("chain.jsonl").decode()
    edited = chain.replace('"101.00"', '"1101.00"', 2)
    assert edited != chain
    result = run_script(script, rezip(archive, chain_jsonl=edited), tmp_path)
    assert result.returncode != 0 and "FAIL: entry #2 does not chain" in result.stderr
    # An export of a truncated ledger (head rewound) disagrees with the signed checkpoint.
    truncate_ledger(oe)
    truncated = client_for(oe.user("auditor")).get(f"/a/{oe.alliance.slug}/finance/auditor-export/",
                                                   {"as_of": "2026-12-31"}).content
    result = run_script(script, truncated, tmp_path)
    assert result.returncode != 0 and "FAIL: ledger truncated or rewritten: checkpoint #1" in result.stderr
    # A checkpoint whose signature does not match is refused.
    with scope(alliance=oe.alliance):
        head = JournalEntry.objects.order_by("-sequence").first()
    forged = zipfile.ZipFile(io.BytesIO(archive)).read("checkpoints.json").decode().replace('"sequence": 3', '"sequence": 2')
    result = run_script(script, rezip(archive, checkpoints_json=forged), tmp_path)
    assert result.returncode != 0 and "InvalidSignature" in result.stderr and head.sequence == 2
