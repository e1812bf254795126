"""The guide and the README point only at files in the repository, and the guide's pictures are the
browser tests' shots (tests/guide/test_screenshots.py)."""

import re
from pathlib import Path

from tests.guide.test_screenshots import GUIDE_IMAGES, SHOTS

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def links(path: Path) -> list[str]:
    return [target for target in LINK.findall(path.read_text()) if "://" not in target]


def test_every_link_of_the_readme_and_the_docs_resolves_inside_the_repository():
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for target in links(page):
            resolved = (page.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []
    assert "../shared" not in (ROOT / "README.md").read_text()


def test_the_guide_shows_exactly_the_shots_the_browser_tests_take():
    shown = {Path(t).stem for page in GUIDE.glob("*.md") for t in links(page) if t.startswith("img/")}
    assert shown == set(SHOTS)
    assert sorted(p.stem for p in GUIDE_IMAGES.glob("*.png")) == sorted(SHOTS)


def test_every_role_has_a_chapter_in_chinese_and_english():
    for chapter in ["secretariat", "council", "experts", "members", "bureau"]:
        text = (GUIDE / f"{chapter}.md").read_text()
        assert "## 中文" in text and "## English" in text, chapter
