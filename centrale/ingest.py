"""Bring a file in from the dashboard safely: receive, check, preview, apply, restore.

The life of an upload:

1. `receive_upload` (or `receive_file`) refuses what must never be read: too
   big, an extension other than .xlsx/.csv, content that is not what the
   extension says, a workbook that would inflate like a zip bomb. The name the
   browser sent is kept for display only; the file gets a generated name
   (`orders-20260312-101500-ab12cd34.csv`) and is never written anywhere yet.
2. `preview_upload` validates the current sources with the upload added (or
   replacing one file) using the same code as `python -m etl check`, and, when
   valid, compares the tables it would build with the current store: rows
   added, changed (old -> new) and removed, per table. Nothing is written.
3. `apply_upload` builds the new store first (all-or-nothing, see build.py)
   and only then puts the original bytes in the sources folder.

Every version of every source file that a load used is kept, content-addressed
by SHA-256, in the sources folder's hidden `.archive/` (the ETL skips hidden
names), so `restore_load` can rebuild the store from the sources exactly as
they were at any earlier load. Restoring is itself a new load ('restore').
"""

# Over 500 lines: the browser's import, from receiving a file to the commit point (preview,
# diff, apply, archive, undo); to split into receive / preview / apply next.

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from centrale.backup import BackupError, auto_backup
from centrale.build import (
    BuildResult,
    LoadRefused,
    ReferenceData,
    ShrinkRefused,
    build_store,
    read_reference,
    shape_tables,
)
from centrale.commit import (
    ARCHIVE_DIR,
    JOURNAL_FILE,
    FolderChange,
    sources_lock,
)
from centrale.config import Settings
from centrale.errors import CentraleError
from centrale.fingerprint import sha256_bytes, sha256_file
from centrale.locks import write_atomic
from centrale.names import normalise
from centrale.sources.folder import ensure_sources_folder
from centrale.sources.kinds import KINDS, kind_of_file
from centrale.sources.problems import ERROR, Problem, SourceError
from centrale.sources.read import (
    MAX_XLSX_ENTRIES,
    MAX_XLSX_UNCOMPRESSED,
    READ_BUDGET,
    decode_csv,
    sent_file_budget,
)
from centrale.sources.validate import Validated, list_source_files, validate_files

EXTENSIONS = (".csv", ".xlsx")
# The French word put before an upload's name when the name itself does not
# say its kind (validation picks the kind from the start of the file name).
KIND_WORD = {
    "solutions": "catalogue",
    "framework": "accords",
    "adhesions": "adhésions",
    "orders": "commandes",
    "subsidies": "subsides",
    "survey": "enquête",
    "campaigns": "campagnes",
    "offers": "offres",
    "events": "rencontres",
}
# What identifies a row of each table an upload can change (for the preview).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "solutions": ("solution_id",),
    "framework": ("solution_id", "provider", "starts_on"),
    "adhesions": ("commune_nis", "signed_on"),
    "orders": ("order_id",),
    "subsidies": ("call", "call_year", "beneficiary", "project"),
    "survey_answers": ("year", "commune_nis", "need_solution_id", "need_label"),
    "survey_campaigns": ("year",),
    "offers": ("order_id", "provider"),
    "events": ("held_on", "kind", "title", "commune_nis"),
}
TABLE_LABELS = {
    "solutions": "Solutions du catalogue",
    "framework": "Accords-cadres",
    "adhesions": "Adhésions",
    "orders": "Commandes",
    "subsidies": "Subsides",
    "survey_answers": "Réponses à l'enquête",
    "survey_campaigns": "Campagnes d'enquête",
    "offers": "Offres",
    "events": "Rencontres",
}
# Where a row came from is not a change of the data itself.
IGNORED_COLUMNS = {"source_file", "source_row"}
INFLATE_FACTOR = 5  # a sent workbook may inflate to 5 times the upload limit, no more
_NULL = "\x00∅"  # stands for a missing value while comparing (never a real cell)


class UploadRefused(CentraleError):
    """The upload cannot be taken; the message (French) says why and what to do."""


class ApplyRefused(CentraleError):
    """Applying or restoring is not possible now; the message (French) says why."""


class StalePreview(ApplyRefused):
    """The sources changed since the preview (another editor's load): preview again."""


@dataclass(frozen=True)
class Upload:
    """A received file, checked but not written anywhere yet."""

    original_name: str  # as the browser sent it, cleaned: for display only, never a path
    data: bytes = field(repr=False)
    kind: str
    extension: str  # ".csv" or ".xlsx"
    sha256: str
    safe_name: str  # the generated name it gets in the sources folder

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class TableDiff:
    table: str
    keys: tuple[str, ...]
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame  # keys…, column, before, after (one line per changed cell)
    changed_rows: int = 0

    @property
    def empty(self) -> bool:
        return not (len(self.added) or len(self.removed) or self.changed_rows)


@dataclass
class Preview:
    upload: Upload
    replaces: str | None  # name of the source file the upload replaces, if any
    display_name: str  # how problems of the upload name it
    validated: Validated
    diff: dict[str, TableDiff]
    sources_fingerprint: tuple[tuple[str, str], ...]  # (name, sha256) checked against

    @property
    def ok(self) -> bool:
        return self.validated.ok


# --------------------------------------------------------------------------- receive


def clean_display_name(name: str) -> str:
    """The last component of a browser-sent name, without control characters.

    Only ever shown to people: `../../x.csv` becomes `x.csv`, `C:\\a\\b.csv` `b.csv`.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()
    text = text.lstrip(".").strip() or "fichier"
    return text[:120]


def _extension(name: str) -> str:
    return Path(clean_display_name(name)).suffix.lower()


def _refuse_size(size: int, limit: int, name: str) -> None:
    if size > limit:
        raise UploadRefused(
            f"« {name} » est trop volumineux ({size / 1_048_576:.1f} Mo) : la limite est de "
            f"{limit / 1_048_576:.0f} Mo par fichier. Découpez-le (par exemple un fichier "
            "par mois) ou demandez à l'administrateur de relever CENTRALE_MAX_UPLOAD_MB."
        )
    if size == 0:
        raise UploadRefused(f"« {name} » est vide.")


def refuse_control_characters(original_name: str) -> None:
    """A name holding NUL or other invisible control characters is refused, in French:
    no file of a person's is named so, and such a name breaks paths and displays."""
    bad = [c for c in str(original_name or "") if unicodedata.category(c) == "Cc"]
    if bad:
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in bad}))
        raise UploadRefused(
            "Le nom du fichier contient des caractères de contrôle invisibles "
            f"({codes}) : renommez le fichier avec des lettres, des chiffres et des "
            "tirets, puis envoyez-le à nouveau."
        )


def _sniff_xlsx(data: bytes, name: str, limit: int = MAX_XLSX_UNCOMPRESSED) -> None:
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRefused(
            f"« {name} » n'est pas un classeur Excel (.xlsx) : son contenu ne correspond "
            "pas à son extension. Enregistrez-le depuis Excel au format « Classeur Excel »."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile as exc:
        raise UploadRefused(f"« {name} » est un classeur Excel endommagé (illisible).") from exc
    if len(infos) > MAX_XLSX_ENTRIES or sum(i.file_size for i in infos) > limit:
        raise UploadRefused(
            f"« {name} » est refusé : une fois décompressé, ce classeur serait anormalement "
            "volumineux (possible « bombe zip »). Aucun fichier n'a été lu ni enregistré."
        )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UploadRefused(
            f"« {name} » est une archive zip mais pas un classeur Excel (.xlsx) : son "
            "contenu ne correspond pas à son extension."
        )


def _sniff_csv(data: bytes, name: str) -> None:
    head = data[:65536]
    magic = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x7fELF", b"MZ", b"\x89PNG")
    decoded = decode_csv(head)  # Excel's « Texte Unicode » (UTF-16) is text, NULs and all
    text_head = decoded[0].encode("utf-8") if decoded else head
    controls = sum(1 for b in text_head if b < 9 or 13 < b < 32)
    if decoded is None or head.startswith(magic) or controls > len(text_head) // 100:
        raise UploadRefused(
            f"« {name} » n'est pas un fichier texte CSV (contenu binaire) : son contenu ne "
            "correspond pas à son extension. Dans Excel, « Enregistrer sous » → « CSV "
            "(séparateur : point-virgule) »."
        )


def detect_kind(data: bytes, extension: str) -> str | None:
    """The kind whose required headers the file's header row holds (None if unsure)."""
    headers = _header_texts(data, extension)
    scores = {}
    for name, kind in KINDS.items():
        lookup = kind.header_lookup()
        found = {lookup[h] for h in headers if h in lookup}
        required = {c.name for c in kind.columns if c.required}
        if required <= found:
            scores[name] = (len(found), len(required))
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None  # two kinds fit equally well: let the person choose
    return ranked[0][0]


def _header_texts(data: bytes, extension: str) -> set[str]:
    """Normalised texts of the first non-blank row (of every sheet for a workbook)."""
    rows: list[list] = []
    if extension == ".csv":
        text = (decode_csv(data[:65536]) or ("", ""))[0]
        line = next((ln for ln in text.splitlines() if ln.strip()), "")
        sep = max((";", ",", "\t"), key=line.count)
        rows.append(line.split(sep))
    else:
        import openpyxl  # deferred: only workbooks need it (defusedxml-backed)

        with contextlib.suppress(Exception):
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in book.worksheets:
                    for row in sheet.iter_rows(max_row=30, values_only=True):
                        if any(v is not None and str(v).strip() for v in row):
                            rows.append(list(row))
                            break
            finally:
                book.close()
    return {normalise(str(v).strip().strip('"')) for row in rows for v in row if v is not None}


def receive_upload(
    settings: Settings, original_name: str, data: bytes, kind: str | None = None
) -> Upload:
    """Check an uploaded file's size, extension, content and kind; write nothing.

    `kind` is the kind the person picked (None: from the file name, else the
    headers). Raises UploadRefused with a French message.
    """
    refuse_control_characters(original_name)
    name = clean_display_name(original_name)
    _refuse_size(len(data), settings.max_upload_bytes, name)
    extension = _extension(name)
    if extension not in EXTENSIONS:
        hint = " (enregistrez-le au format .xlsx)" if extension == ".xls" else ""
        raise UploadRefused(
            f"« {name} » : format « {extension or 'sans extension'} » non pris en charge"
            f"{hint}. Formats acceptés : .xlsx et .csv."
        )
    if extension == ".xlsx":
        # A workbook is a zip: its XML may be far bigger than the file. A few times the
        # upload limit is generous for a real table and stops a "zip bomb" early.
        _sniff_xlsx(
            data, name, min(MAX_XLSX_UNCOMPRESSED, INFLATE_FACTOR * settings.max_upload_bytes)
        )
    else:
        _sniff_csv(data, name)
    if kind is not None and kind not in KINDS:
        raise UploadRefused(f"type de fichier inconnu : « {kind} ».")
    kind = kind or kind_of_file(name) or detect_kind(data, extension)
    if kind is None:
        raise UploadRefused(
            f"Impossible de reconnaître le type de « {name} » d'après son nom ou ses "
            "en-têtes : choisissez le type de fichier dans la liste."
        )
    sha = sha256_bytes(data)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safe_name = f"{kind}-{stamp}-{sha[:8]}{extension}"
    return Upload(name, bytes(data), kind, extension, sha, safe_name)


def receive_file(
    settings: Settings, path: Path, original_name: str | None = None, kind: str | None = None
) -> Upload:
    """Like `receive_upload` for a file on disk: the size cap is checked before reading."""
    path = Path(path)
    name = clean_display_name(original_name or path.name)
    _refuse_size(path.stat().st_size, settings.max_upload_bytes, name)
    return receive_upload(settings, name, path.read_bytes(), kind)


# --------------------------------------------------------------------------- preview


def current_sources(settings: Settings) -> pd.DataFrame:
    """The working sources: file, kind, size_bytes, modified_at, sha256."""
    folder = ensure_sources_folder(settings)
    rows = []
    for path in list_source_files(folder):
        stat = path.stat()
        rows.append(
            {
                "file": path.name,
                "kind": kind_of_file(path.name),
                "size_bytes": stat.st_size,
                "modified_at": dt.datetime.fromtimestamp(stat.st_mtime),
                "sha256": sha256_file(path),
            }
        )
    return pd.DataFrame(rows, columns=["file", "kind", "size_bytes", "modified_at", "sha256"])


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, str], ...]:
    return tuple((p.name, sha256_file(p)) for p in paths)


def _display_name(upload: Upload, taken: set[str]) -> str:
    """How problems name the upload: its own name when that says its kind."""
    if kind_of_file(upload.original_name) == upload.kind and upload.original_name not in taken:
        return upload.original_name
    return f"{KIND_WORD[upload.kind]} – fichier envoyé « {upload.original_name} »"


def preview_upload(
    settings: Settings,
    upload: Upload,
    replaces: str | None = None,
    reference: ReferenceData | None = None,
) -> Preview:
    """Validate the sources with the upload added (or replacing `replaces`), then diff.

    Writes nothing (the upload is checked from a private temporary folder).
    The diff is empty when the upload has errors.
    """
    folder = ensure_sources_folder(settings)
    current = list_source_files(folder)
    names = {p.name for p in current}
    if replaces is not None:
        if replaces not in names:
            raise UploadRefused(f"Le fichier à remplacer « {replaces} » n'existe plus.")
        if kind_of_file(replaces) != upload.kind:
            raise UploadRefused(
                f"« {replaces} » n'est pas un fichier du même type que l'envoi "
                f"({KINDS[upload.kind].label_fr})."
            )
    reference = reference or read_reference(settings)
    kept = [p for p in current if p.name != replaces]
    display = _display_name(upload, {p.name for p in kept})
    with tempfile.TemporaryDirectory(prefix="centrale-upload-") as tmp:
        staged = Path(tmp) / upload.safe_name
        staged.write_bytes(upload.data)
        budget = READ_BUDGET.set(settings.read_seconds)
        try:
            # One budget for reading and checking: a file that inflates stops, said.
            with sent_file_budget(settings.read_seconds, settings.read_memory_mb):
                validated = validate_files(
                    kept + [staged], reference.reference(), {staged: display}
                )
        finally:
            READ_BUDGET.reset(budget)
    diff: dict[str, TableDiff] = {}
    if validated.ok:
        new_tables = shape_tables(validated.tables, reference)
        diff = diff_tables(read_store_tables(settings.db_path), new_tables)
        diff = _with_commune_names(diff, reference)
    return Preview(upload, replaces, display, validated, diff, _fingerprint(current))


def read_store_tables(db_path: Path) -> dict[str, pd.DataFrame]:
    """The current store's tables an upload can change (empty dict without a store)."""
    if not Path(db_path).is_file():
        return {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        known = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            ).fetchall()
        }
        # Table names come from TABLE_KEYS (code), checked against the schema.
        return {
            table: con.execute(f'SELECT * FROM "{table}"').df()  # noqa: S608
            for table in TABLE_KEYS
            if table in known
        }


def _canonical(series: pd.Series) -> pd.Series:
    """Comparable plain values: dates as ISO text, amounts to the cent, blanks as _NULL."""
    values = series.astype(object).tolist()
    out = []
    for v in values:
        if v is None or v is pd.NaT or (not isinstance(v, str) and pd.isna(v)):
            out.append(_NULL)
        elif isinstance(v, pd.Timestamp | dt.datetime):
            out.append(v.date().isoformat() if v == pd.Timestamp(v).normalize() else str(v))
        elif isinstance(v, dt.date):
            out.append(v.isoformat())
        elif isinstance(v, bool | np.bool_):
            out.append(str(v))
        elif isinstance(v, float) or hasattr(v, "dtype"):
            number = float(v)
            out.append(str(int(number)) if number.is_integer() else f"{number:.2f}")
        elif isinstance(v, int):
            out.append(str(v))
        else:
            out.append(str(v))
    return pd.Series(out, index=series.index, dtype=object)


def _canonical_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({c: _canonical(frame[c]) if c in frame else _NULL for c in columns})
    out.index = range(len(out))
    return out


def diff_tables(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> dict[str, TableDiff]:
    """Rows added, removed and changed per table, matched on TABLE_KEYS.

    Values are compared as shown to people (dates as days, amounts to the
    cent); where a row came from (file, row) is not a change.
    """
    result = {}
    for table, keys in TABLE_KEYS.items():
        if table not in new:
            continue
        columns = [c for c in new[table].columns if c not in IGNORED_COLUMNS]
        before = _canonical_frame(old.get(table, pd.DataFrame(columns=columns)), columns)
        after = _canonical_frame(new[table], columns)
        # Same key twice (allowed in a few tables): pair them up in order.
        key_cols = [*keys, "_n"]
        before["_n"] = before.groupby(list(keys)).cumcount()
        after["_n"] = after.groupby(list(keys)).cumcount()
        merged = before.merge(
            after, on=key_cols, how="outer", suffixes=("_old", "_new"), indicator=True
        )
        values = [c for c in columns if c not in keys]

        both = merged[merged["_merge"] == "both"]
        changes = []
        changed_rows = pd.Series(False, index=both.index)
        for column in values:
            differs = both[f"{column}_old"] != both[f"{column}_new"]
            changed_rows |= differs
            if differs.any():
                part = both.loc[differs, list(keys)].copy()
                part["column"] = column
                part["before"] = both.loc[differs, f"{column}_old"]
                part["after"] = both.loc[differs, f"{column}_new"]
                changes.append(part)
        changed = (
            _shown(pd.concat(changes, ignore_index=True))
            if changes
            else pd.DataFrame(columns=[*keys, "column", "before", "after"])
        )
        result[table] = TableDiff(
            table,
            keys,
            added=_one_side(merged, "right_only", "_new", keys, values, columns),
            removed=_one_side(merged, "left_only", "_old", keys, values, columns),
            changed=changed,
            changed_rows=int(changed_rows.sum()),
        )
    return result


def _one_side(merged, which, suffix, keys, values, columns) -> pd.DataFrame:
    """The rows only on one side of the merge, with their own column names back."""
    frame = merged.loc[merged["_merge"] == which, [*keys] + [f"{c}{suffix}" for c in values]]
    frame.columns = [*keys, *values]
    return _shown(frame[columns].reset_index(drop=True))


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.replace({_NULL: None})


def _with_commune_names(diff: dict[str, TableDiff], reference: ReferenceData):
    """'84009' -> 'Bertrix (84009)' in commune columns, for people to read."""
    names = dict(zip(reference.communes["nis_code"], reference.communes["name_fr"]))

    def named(frame):
        if "commune_nis" in frame:
            frame = frame.copy()
            frame["commune_nis"] = frame["commune_nis"].map(
                lambda n: f"{names[n]} ({n})" if n in names else n
            )
        return frame

    for d in diff.values():
        d.added, d.removed, d.changed = named(d.added), named(d.removed), named(d.changed)
    return diff


def diff_summary(diff: dict[str, TableDiff]) -> pd.DataFrame:
    """table, label, added, changed, removed: one line per table the upload touches."""
    rows = [
        {
            "table": d.table,
            "label": TABLE_LABELS[d.table],
            "added": len(d.added),
            "changed": d.changed_rows,
            "removed": len(d.removed),
        }
        for d in diff.values()
        if not d.empty
    ]
    return pd.DataFrame(rows, columns=["table", "label", "added", "changed", "removed"])


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table: level, file, sheet, row, column, value, message."""
    records = [p.as_record() for p in problems]
    columns = ["level", "file", "sheet", "row", "column", "value", "message"]
    frame = pd.DataFrame(records, columns=columns)
    frame["row"] = frame["row"].astype("Int64")
    return frame


# --------------------------------------------------------------------------- archive


def archive_dir(folder: Path) -> Path:
    return Path(folder) / ARCHIVE_DIR


def _blob_path(folder: Path, sha: str, extension: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha) or extension not in EXTENSIONS:
        raise ValueError("empreinte ou extension invalide")
    return archive_dir(folder) / f"{sha}{extension}"


def _archive(folder: Path, data: bytes, sha: str, extension: str) -> tuple[Path, bool]:
    """Keep `data` under its SHA-256; returns (path, created)."""
    blob = _blob_path(folder, sha, extension)
    if blob.is_file():
        return blob, False
    blob.parent.mkdir(exist_ok=True)
    write_atomic(blob, data)
    return blob, True


def archive_sources(folder: Path) -> None:
    """Keep a copy of every current source file (already kept ones cost nothing).

    Call it before changing a file of the sources folder, so the version that
    earlier loads used can still be restored.
    """
    for path in list_source_files(folder):
        if path.suffix.lower() in EXTENSIONS:
            data = path.read_bytes()
            _archive(folder, data, sha256_bytes(data), path.suffix.lower())


def journal(settings: Settings) -> pd.DataFrame:
    """What the dashboard noted about each load: load_id, action, original_name, restored_from…"""
    path = archive_dir(settings.sources_dir) / JOURNAL_FILE
    columns = ["load_id", "action", "original_name", "stored_name", "replaced", "restored_from"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            records.append(json.loads(line))
    return pd.DataFrame(records).reindex(columns=columns)


def _store_load_files(db_path: Path) -> pd.DataFrame:
    if not Path(db_path).is_file():
        return pd.DataFrame(columns=["load_id", "file", "kind", "sha256"])
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute("SELECT load_id, file, kind, sha256 FROM load_files").df()


# --------------------------------------------------------------------------- apply / restore


def apply_upload(
    settings: Settings, preview: Preview, loaded_by: str, allow_shrink: bool = False
) -> BuildResult:
    """Rebuild the store with the upload; the file enters the sources at the same step.

    The file is staged, hidden, in the sources folder; the store is rebuilt
    all-or-nothing; its swap is the commit point after which the file takes
    its generated name and the replaced file goes (see centrale/commit.py;
    every version stays in `.archive/`). Raises ApplyRefused when the preview
    has errors or the sources changed since it was made, SourceError if the
    build finds a problem; the folder is then unchanged.
    """
    if not preview.ok:
        raise ApplyRefused("Le fichier contient des erreurs : rien n'a été chargé.")
    upload, folder = preview.upload, Path(settings.sources_dir)
    with sources_lock(folder):
        current = list_source_files(folder)
        if _fingerprint(current) != preview.sources_fingerprint:
            raise StalePreview(
                "Les fichiers sources ont changé depuis l'aperçu (un autre chargement a eu "
                "lieu) : vérifiez à nouveau le fichier avant de l'appliquer."
            )
        _backup_first(settings)
        archive_sources(folder)
        _archive(folder, upload.data, upload.sha256, upload.extension)
        kept = [p for p in current if p.name != preview.replaces]
        target = folder / upload.safe_name
        change = FolderChange(folder, settings.db_path)
        staged = change.stage(target.name, upload.data)
        if preview.replaces:
            change.remove(preview.replaces)
        change.journal = {
            "action": "import",
            "original_name": upload.original_name,
            "stored_name": target.name,
            "replaced": preview.replaces,
            "sha256": upload.sha256,
            "by": loaded_by,
            "at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        paths = kept + [staged]
        return _rebuild_at_commit(
            change, settings, loaded_by, "import", paths, {staged: target.name}, allow_shrink
        )


def _backup_first(settings: Settings) -> None:
    """The automatic backup before an import or a restore (centrale.backup.auto_backup):
    if it cannot be written, nothing is loaded."""
    try:
        auto_backup(settings)
    except BackupError as exc:
        raise ApplyRefused(
            f"Sauvegarde automatique impossible, rien n'a été chargé : {exc}."
        ) from exc


def restorable_loads(settings: Settings) -> dict[int, list[str]]:
    """load_id -> the files of that load no longer available (empty list: restorable)."""
    folder = Path(settings.sources_dir)
    files = _store_load_files(settings.db_path)
    present = set()
    if folder.is_dir():
        present = {(sha256_file(p), p.suffix.lower()) for p in list_source_files(folder)}
    result: dict[int, list[str]] = {}
    for load_id, group in files.groupby("load_id"):
        missing = []
        for name, sha in zip(group["file"], group["sha256"]):
            extension = Path(str(name)).suffix.lower()
            if extension not in EXTENSIONS:
                continue  # files the build ignored are not needed to rebuild
            if (sha, extension) in present or _blob_path(folder, sha, extension).is_file():
                continue
            missing.append(str(name))
        result[int(load_id)] = missing
    return result


def restore_load(
    settings: Settings, load_id: int, loaded_by: str, allow_shrink: bool = False
) -> BuildResult:
    """Rebuild the store from the sources as they were at `load_id`; a new 'restore' load.

    The sources folder is then made to hold exactly those files (every
    current version is archived first, so this can itself be undone).
    """
    folder = Path(settings.sources_dir)
    files = _store_load_files(settings.db_path)
    files = files[files["load_id"] == load_id]
    if files.empty:
        raise ApplyRefused(f"Chargement n° {load_id} introuvable dans l'historique.")
    wanted: list[tuple[str, str, str]] = []
    for name, sha in zip(files["file"], files["sha256"]):
        name = str(name)
        extension = Path(name).suffix.lower()
        if extension not in EXTENSIONS:
            continue
        if Path(name).name != name or name.startswith(".") or "\\" in name:
            raise ApplyRefused(f"Nom de fichier inattendu dans l'historique : « {name} ».")
        wanted.append((name, str(sha), extension))
    with sources_lock(folder):
        _backup_first(settings)
        archive_sources(folder)
        blobs = {}
        missing = []
        for name, sha, extension in wanted:
            blob = _blob_path(folder, sha, extension)
            if blob.is_file():
                blobs[blob] = name
            else:
                missing.append(name)
        if missing:
            raise ApplyRefused(
                f"Le chargement n° {load_id} ne peut pas être restauré : ces versions de "
                f"fichiers n'ont pas été conservées : {', '.join(missing)}."
            )
        restored = set(blobs.values())
        change = FolderChange(folder, settings.db_path)
        staged = {change.stage(name, blob.read_bytes()): name for blob, name in blobs.items()}
        for path in list_source_files(folder):
            if path.name not in restored:
                change.remove(path.name)
        change.journal = {
            "action": "restore",
            "restored_from": int(load_id),
            "by": loaded_by,
            "at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        return _rebuild_at_commit(
            change, settings, loaded_by, "restore", list(staged), staged, allow_shrink
        )


def rebuild_from_sources(settings: Settings, loaded_by: str, action: str = "build") -> BuildResult:
    """Archive the current sources, then rebuild the store from them (e.g. after saving survey
    answers into the sources folder), so that this load can be restored later."""
    folder = ensure_sources_folder(settings)
    with sources_lock(folder):
        archive_sources(folder)
        return build_store(
            settings, folder, settings.db_path, lambda _: None, loaded_by, action=action
        )


def error_count(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.level == ERROR)


__all__ = [
    "ApplyRefused",
    "LoadRefused",
    "ShrinkRefused",
    "StalePreview",
    "Preview",
    "SourceError",
    "TableDiff",
    "Upload",
    "UploadRefused",
    "apply_upload",
    "archive_sources",
    "current_sources",
    "detect_kind",
    "diff_summary",
    "diff_tables",
    "journal",
    "preview_upload",
    "problems_frame",
    "receive_file",
    "receive_upload",
    "rebuild_from_sources",
    "restorable_loads",
    "restore_load",
]


def _rebuild_at_commit(
    change: FolderChange,
    settings: Settings,
    loaded_by: str,
    action: str,
    paths: list[Path],
    display_names: dict[Path, str],
    allow_shrink: bool,
) -> BuildResult:
    """Rebuild the store from `paths` (staged files under their visible names); the
    folder change becomes visible at the store's swap (centrale/commit.py)."""
    return change.commit(
        lambda: build_store(
            settings,
            Path(settings.sources_dir),
            settings.db_path,
            progress=lambda _: None,
            loaded_by=loaded_by,
            action=action,
            paths=paths,
            display_names=display_names,
            allow_shrink=allow_shrink,
        )
    )
