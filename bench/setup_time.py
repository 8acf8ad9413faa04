"""Fresh set-up time: `pip install` against `uv pip install`, from empty caches, alternately.

    python -m bench.setup_time [--runs N] [--requirements requirements.txt]

Each run makes a new virtualenv in a temporary folder with an empty download
cache (PIP_CACHE_DIR / UV_CACHE_DIR), as a fresh clone on a new machine would,
and installs the requirements file. The uv variant first installs uv itself
with pip (that download is part of its time: `make run` does the same). The
two variants alternate so that a load spike on the shared machine hits both.
Prints one line per install and a JSON summary last.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.proc import REPO
from centrale.cli import FrenchArgumentParser

UV_PIN = "uv==0.13.8"


def _run(command: list[str], env: dict) -> None:
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def _size_mb(folder: Path) -> float:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 1e6


def one_install(tool: str, requirements: Path) -> tuple[float, float]:
    """(seconds, virtualenv size in MB) of a fresh venv + install with `tool`."""
    with tempfile.TemporaryDirectory(prefix=f"setup-{tool}-") as tmp:
        root = Path(tmp)
        # As on a new machine: no pip.conf, no local wheel folder, no uv.toml.
        env = {k: v for k, v in os.environ.items() if k not in ("PIP_FIND_LINKS", "PIP_INDEX_URL")}
        env.update(
            PIP_CONFIG_FILE=os.devnull,
            UV_NO_CONFIG="1",
            PIP_CACHE_DIR=str(root / "pip-cache"),
            UV_CACHE_DIR=str(root / "uv-cache"),
            PIP_DISABLE_PIP_VERSION_CHECK="1",
        )
        venv = root / "venv"
        py = str(venv / "bin" / "python")
        started = time.monotonic()
        _run([sys.executable, "-m", "venv", str(venv)], env)
        if tool == "pip":
            _run([py, "-m", "pip", "install", "-r", str(requirements)], env)
        else:
            _run([py, "-m", "pip", "install", UV_PIN], env)
            uv = str(venv / "bin" / "uv")
            _run([uv, "pip", "install", "--python", py, "-r", str(requirements)], env)
        elapsed = time.monotonic() - started
        return elapsed, _size_mb(venv)


def main() -> None:
    parser = FrenchArgumentParser(prog="python -m bench.setup_time")
    parser.add_argument(
        "--runs", type=int, default=2, help="installations par outil (en alternance)"
    )
    parser.add_argument(
        "--requirements", default="requirements.txt", help="fichier des dépendances à installer"
    )
    args = parser.parse_args()
    requirements = (REPO / args.requirements).resolve()
    times: dict[str, list[float]] = {"pip": [], "uv": []}
    sizes: dict[str, float] = {}
    for i in range(args.runs):
        order = ("pip", "uv") if i % 2 == 0 else ("uv", "pip")
        for tool in order:
            seconds, size = one_install(tool, requirements)
            times[tool].append(seconds)
            sizes[tool] = size
            line = f"{tool:>3} {requirements.name}: {seconds:6.1f} s, venv {size:.0f} Mo"
            print(line, flush=True)
    summary = {
        "requirements": requirements.name,
        "pip_s": times["pip"],
        "uv_s": times["uv"],
        "ratio": statistics.median(times["pip"]) / statistics.median(times["uv"]),
        "venv_mb": sizes,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
