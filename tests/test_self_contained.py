"""The repository stands alone: a clone with nothing beside it builds, runs and tests,
every setting is read in one place, and the generated reference pages match the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

from centrale.config import REPO_ROOT, SETTINGS, env_text, settings
from devtools import reference

PRODUCT_DIRS = ("centrale", "ui", "pages", "etl", "reports", "deploy", "devtools", "scripts")
ENV_READ = re.compile(r"""(?:os\.environ\.get|os\.getenv|os\.environ\[)\(?\s*["'](CENTRALE_\w+)""")


def _product_files():
    for folder in PRODUCT_DIRS:
        yield from (REPO_ROOT / folder).rglob("*.py")
    yield REPO_ROOT / "dashboard.py"
    yield REPO_ROOT / "app.py"


def test_the_reference_pages_match_the_code():
    assert reference.main(["--check"]) == 0, "python -m devtools.reference, puis committez"


def test_every_setting_is_read_in_config_only():
    outside = [
        f"{path.relative_to(REPO_ROOT)}: {name}"
        for path in _product_files()
        if path.name != "config.py"
        for name in ENV_READ.findall(path.read_text("utf-8"))
    ]
    assert outside == [], "lisez ces réglages par centrale.config.env_text"


def test_every_centrale_name_in_the_code_is_a_declared_setting():
    declared = {s.name for s in SETTINGS}
    named = {
        name
        for path in _product_files()
        for name in re.findall(r"\bCENTRALE_[A-Z_]+\b", path.read_text("utf-8"))
    }
    # CENTRALE_OPENED_ON is a constant of the domain, not a setting.
    assert named - declared - {"CENTRALE_OPENED_ON", "CENTRALE_"} == set()


def test_an_undeclared_setting_is_refused():
    with pytest.raises(KeyError):
        env_text("CENTRALE_NO_SUCH_SETTING")


def test_no_product_file_reads_beside_the_repository():
    beside = "../" + "shared"  # spelled apart so that this scan does not find itself
    pattern = re.compile(re.escape(beside) + r"""|parent\s*/\s*["']shared["']""")
    readers = [
        str(path.relative_to(REPO_ROOT))
        for path in _product_files()
        if pattern.search(path.read_text("utf-8"))
    ]
    makefile = (REPO_ROOT / "Makefile").read_text("utf-8")
    assert readers == [] and beside not in makefile


def test_the_default_boundaries_are_in_the_repository_with_their_licence():
    config = settings()
    assert config.boundaries_path.is_relative_to(REPO_ROOT)
    assert config.boundaries_path.is_file()
    assert (config.boundaries_path.parent / "LICENSE-CC0.md").is_file()


def _wait_for(url: str, deadline: float) -> str:
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError as exc:
            last = exc
            time.sleep(0.5)
    raise AssertionError(f"{url} ne répond pas : {last}")


@pytest.mark.slow
def test_a_clone_in_an_empty_folder_builds_and_runs_with_the_readme_commands(tmp_path):
    """`git clone` into a folder with nothing beside it, then `make etl` and `make run`.

    The clone reuses this checkout's installed .venv (its stamps tell make that the
    install is done): what is tested is that nothing outside the clone is read.
    """
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("pas de dépôt git à cloner")
    venv = REPO_ROOT / ".venv"
    if not (venv / "bin" / "python").exists():
        pytest.skip("pas de .venv installé à réutiliser")
    clone = tmp_path / "empty" / "centrale"
    clone.parent.mkdir()
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)
    (clone / ".venv").symlink_to(venv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CENTRALE_")}
    subprocess.run(["make", "etl"], cwd=clone, env=env, check=True, capture_output=True)
    assert (clone / "data" / "centrale.duckdb").is_file()
    port = "8593"
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=clone,
        env=env | {"STREAMLIT_SERVER_HEADLESS": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/_stcore/health", time.monotonic() + 180) == "ok"
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
    assert not (tmp_path / "empty" / "shared").exists()
