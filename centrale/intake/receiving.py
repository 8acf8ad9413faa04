"""Receiving a file sent from the browser: refused before anything reads it if it is too
big, not .xlsx/.csv, not what its extension says, or a workbook that would inflate like a
zip bomb; the name the browser sent kept for display only, a generated name given."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from centrale.config import Settings
from centrale.errors import CentraleError
from centrale.fingerprint import sha256_bytes
from centrale.names import normalise
from centrale.sources.kinds import KINDS, kind_of_file
from centrale.sources.read import (
    MAX_XLSX_ENTRIES,
    MAX_XLSX_UNCOMPRESSED,
    decode_csv,
)

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
INFLATE_FACTOR = 5  # a sent workbook may inflate to 5 times the upload limit, no more


class UploadRefused(CentraleError):
    """The upload cannot be taken; the message (French) says why and what to do."""


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
