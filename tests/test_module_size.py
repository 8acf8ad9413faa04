"""A module over ~500 lines says why at its top (the house rule of
docs/explanation/architecture.md): a long module is a decision, not an accident."""

from centrale.config import REPO_ROOT

LIMIT = 500


def test_a_long_module_says_why_at_its_top():
    silent = []
    for folder in ("centrale", "ui", "pages", "etl", "reports", "deploy"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            lines = path.read_text("utf-8").splitlines()
            if len(lines) > LIMIT and not any("Over 500 lines:" in ln for ln in lines[:40]):
                silent.append(f"{path.relative_to(REPO_ROOT)} ({len(lines)} lignes)")
    assert silent == []
