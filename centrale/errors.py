"""Errors of the file system, said in French with the path and what to do.

A person causes them (a read-only folder, a full disk, a file open elsewhere,
a mistyped path); a person must be able to fix them without reading a
traceback. Used by `python -m etl`, `python -m reports` and the dashboard.
"""

from __future__ import annotations

import errno
import os
import re

import duckdb

# DuckDB reports the system's error as English text inside its own exception.
_DUCKDB_REASONS = (
    ("no space left", errno.ENOSPC),
    ("disk quota", errno.EDQUOT),
    ("file too large", errno.EFBIG),
    ("read-only file system", errno.EROFS),
    ("permission denied", errno.EACCES),
    ("no such file or directory", errno.ENOENT),
    ("could not set lock", errno.EBUSY),
    ("conflicting lock", errno.EBUSY),
)


class CentraleError(Exception):
    """The base of every error raised for a person to read, not for a developer.

    `str(error)` is a whole French sentence: what failed, where (file, sheet, row,
    column, value when there is one) and what to do. The dashboard shows it through the
    plain-text helper, the command lines print it and exit with 1; anything else that
    escapes is a bug and keeps its traceback."""

    @property
    def message(self) -> str:
        return str(self)


# What `except FILE_SYSTEM_ERRORS` catches: OSError, and DuckDB's I/O error (which does
# not derive from OSError).
FILE_SYSTEM_ERRORS = (OSError, duckdb.IOException)


def as_os_error(exc: duckdb.Error) -> OSError | None:
    """The system error inside a DuckDB error (a full disk surfaces as a failed commit
    or checkpoint), as an OSError naming the file; None for any other DuckDB error."""
    if not isinstance(
        exc, duckdb.IOException | duckdb.FatalException | duckdb.TransactionException
    ):
        return None  # a catalog or SQL error is a bug to see, not a disk to blame
    code, where = _code_and_path(exc, None)
    if code is None:
        return None
    return OSError(code, os.strerror(code), where)


def explain(exc: BaseException, path: object = None) -> str:
    """One French sentence: what failed, where, and the fix.

    `path` is used when the error does not name one (DuckDB's errors, some
    OSErrors raised without a file name).
    """
    code, where = _code_and_path(exc, path)
    where = f" « {where} »" if where else ""
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (
            f"Disque plein : impossible d'écrire{where}. Rien n'a été modifié. Libérez de "
            "la place sur ce disque (ou choisissez un autre emplacement), puis recommencez."
        )
    if code == errno.EROFS:
        return (
            f"Emplacement en lecture seule{where} : impossible d'y écrire. Choisissez un "
            "dossier accessible en écriture (--db, --sources, CENTRALE_DB ou "
            "CENTRALE_SOURCES) ou demandez à l'administrateur de le rendre modifiable."
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"Accès refusé{where} : l'utilisateur qui lance le programme n'a pas le droit "
            "de lire ou d'écrire à cet endroit. Donnez-lui ces droits (ou choisissez un "
            "autre dossier), puis recommencez."
        )
    if code in (errno.ENOENT, errno.ENOTDIR):
        return (
            f"Introuvable{where} : vérifiez le chemin (--db, --sources, CENTRALE_DB ou "
            "CENTRALE_SOURCES) et que le dossier existe."
        )
    if code == errno.EISDIR:
        return (
            f"{where.strip() or 'Ce chemin'} est un dossier, pas un fichier : vérifiez le chemin."
        )
    if code == errno.EBUSY:
        return (
            f"Fichier occupé{where} : un autre programme l'utilise (la base ouverte en "
            "écriture ailleurs ?). Fermez-le puis recommencez."
        )
    if code in (errno.EMFILE, errno.ENFILE):
        return "Trop de fichiers ouverts à la fois : fermez d'autres programmes puis recommencez."
    reason = getattr(exc, "strerror", None) or "erreur d'entrée-sortie"
    return (
        f"Erreur du système de fichiers{where} ({reason}). Vérifiez que le disque est "
        "branché, accessible et non plein, puis recommencez."
    )


def _code_and_path(exc: BaseException, path: object) -> tuple[int | None, str | None]:
    if isinstance(exc, OSError):
        return exc.errno, exc.filename or (str(path) if path else None)
    text = str(exc)
    lowered = text.lower()
    code = next((c for needle, c in _DUCKDB_REASONS if needle in lowered), None)
    if code is None and isinstance(exc, duckdb.IOException) and "does not exist" in lowered:
        code = errno.ENOENT
    named = re.search(r'"([^"]+)"', text)
    return code, (named.group(1) if named else (str(path) if path else None))
