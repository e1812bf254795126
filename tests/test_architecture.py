"""The allowed arrows between apps (pyproject.toml [tool.importlinter], docs/architecture.md) hold,
so `pytest` alone fails on an import that breaks one, as `make test` does."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


APPS = ("config", "alliances", "membership", "governance", "finance", "projects", "ip_registry", "bureau")
MAX_LINES = 500


def test_no_module_over_500_lines():
    base = Path(settings.BASE_DIR)
    too_long = []
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            name = path.relative_to(base).as_posix()
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long.append(f"{name} ({lines} lines)")
    assert not too_long, "modules over 500 lines: " + ", ".join(too_long)
