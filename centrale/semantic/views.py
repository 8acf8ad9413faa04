"""Named Explorer views, kept beside the sources (`<sources>/explorateur-vues.json`).

Beside the sources, not in the store: a rebuild replaces the store, while the
sources folder is what backups copy and restores put back. The file holds the
views' names, their question as address parameters (`Question.to_params`, with the
page's own ones: mode, communes, clicked group), who saved them and when. Who may
save or delete is the page's business (editors); everyone reads.

A file that is not what this module writes is refused with a French message
naming it, never half-read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

from centrale.locks import exclusive, write_atomic
from centrale.semantic.question import Question

FILE_NAME = "explorateur-vues.json"
MAX_NAME = 80


class ViewsError(ValueError):
    """The views file cannot be read or a name is refused (message in French)."""


def views_path(sources_dir: Path) -> Path:
    return Path(sources_dir) / FILE_NAME


def _lock(sources_dir: Path) -> Path:
    return Path(sources_dir) / f".{FILE_NAME}.lock"


def read_views(sources_dir: Path) -> dict[str, dict]:
    """name -> {'params': {...}, 'saved_by': str, 'saved_at': ISO text}; {} without a file."""
    path = views_path(sources_dir)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ViewsError(
            f"Le fichier des vues {path.name} (dossier des sources) est illisible ({error}). "
            "Restaurez-le depuis une sauvegarde ou supprimez-le pour repartir sans vues."
        ) from None
    views = data.get("views") if isinstance(data, dict) else None
    if not isinstance(views, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("params"), dict) for v in views.values()
    ):
        raise ViewsError(
            f"Le fichier des vues {path.name} (dossier des sources) n'a pas la forme attendue "
            "(« views » : nom → paramètres). Restaurez-le depuis une sauvegarde."
        )
    return views


def view_question(view: dict) -> Question | None:
    return Question.from_params({str(k): str(v) for k, v in view["params"].items()})


def _checked_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ViewsError("Donnez un nom à la vue (par exemple « Adhésions par arrondissement »).")
    if len(name) > MAX_NAME:
        raise ViewsError(f"Nom de vue trop long : {len(name)} caractères, {MAX_NAME} au plus.")
    return name


def save_view(
    sources_dir: Path,
    name: str,
    question: Question,
    saved_by: str,
    page: Mapping[str, str] | None = None,
) -> str:
    """Save (or replace) view `name`: the question, and `page`, the Explorer's own address
    parameters beside it (its mode, the communes side by side, the clicked group…),
    empty ones left out. Returns the name as kept (spaces tidied)."""
    name = _checked_name(name)
    Path(sources_dir).mkdir(parents=True, exist_ok=True)
    with exclusive(_lock(sources_dir)):
        views = read_views(sources_dir)
        views[name] = {
            "params": question.to_params() | {k: v for k, v in (page or {}).items() if v},
            "saved_by": saved_by,
            "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        _write(sources_dir, views)
    return name


def delete_view(sources_dir: Path, name: str) -> bool:
    """Delete view `name`; False if there was none."""
    with exclusive(_lock(sources_dir)):
        views = read_views(sources_dir)
        if name not in views:
            return False
        del views[name]
        _write(sources_dir, views)
    return True


def _write(sources_dir: Path, views: dict) -> None:
    text = json.dumps({"views": dict(sorted(views.items()))}, ensure_ascii=False, indent=2)
    write_atomic(views_path(sources_dir), text.encode("utf-8"))
