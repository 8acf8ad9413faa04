"""The machine and library versions a result was measured on."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

LIBRARIES = (
    "streamlit",
    "pandas",
    "duckdb",
    "plotly",
    "geopandas",
    "pyarrow",
    "openpyxl",
    "numpy",
    "playwright",
)


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        return None
    return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def load_average() -> tuple[float, float, float] | None:
    """The 1/5/15-minute load averages now (None where the system has none)."""
    return os.getloadavg() if hasattr(os, "getloadavg") else None


def describe(load_at_start: tuple[float, float, float] | None = None) -> list[str]:
    """Markdown bullet lines; the load averages at the start (if given) and at the end."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    memory = _memory_gib()
    load = load_average()

    def loads(values) -> str:
        return " / ".join(f"{x:.2f}" for x in values) if values else "?"

    return [
        f"- CPU : {os.cpu_count()} cœurs ({_cpu_model()})",
        f"- Mémoire : {memory:.1f} Gio" if memory else "- Mémoire : ?",
        f"- Système : {platform.platform()}",
        f"- Python {sys.version.split()[0]} ; " + ", ".join(versions),
        f"- Charge moyenne (1/5/15 min) au départ : {loads(load_at_start)} ; "
        f"à la fin : {loads(load)} (au-delà de {os.cpu_count()}, d'autres travaux "
        "partageaient la machine)",
    ]
