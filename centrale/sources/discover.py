"""What the sources folder holds: the files a build reads, and every other entry named
(a workbook in another format, a folder, a pipe…) so that nothing is skipped unsaid."""

from __future__ import annotations

from pathlib import Path

from centrale.sources.kinds import (
    MAPPING_PREFIX,
    kind_of_file,
)
from centrale.sources.problems import ERROR, WARNING, Problem

SOURCE_EXTENSIONS = (".xlsx", ".csv")
# Formats a person saves a table in that the ETL does not read, and what to do instead.
_SAVE_AS_XLSX = (
    "enregistrez-le en .xlsx (Fichier > Enregistrer sous > Classeur Excel .xlsx) "
    "puis retirez l'original du dossier"
)
_OTHER_FORMATS = {
    ".ods": "classeur OpenDocument (LibreOffice, OpenOffice) non lu",
    ".fods": "classeur OpenDocument non lu",
    ".xls": "ancien classeur Excel 97-2003 (.xls) non lu",
    ".xlsm": "classeur Excel avec macros (.xlsm) non lu",
    ".xlsb": "classeur Excel binaire (.xlsb) non lu",
    ".numbers": "classeur Numbers (Apple) non lu",
    ".txt": "fichier texte (.txt) non lu : si c'est un export d'Excel « Texte Unicode » ou "
    "« Texte (séparateur : tabulation) », renommez-le en .csv (il sera lu tel quel), ou",
    ".tsv": "fichier texte (.tsv) non lu : renommez-le en .csv (il sera lu tel quel), ou",
}
# The folder's own documentation, never a table.
_DOCUMENTATION = ("readme", "lisezmoi", "lisez-moi")
# The dashboard's own sub-folder of the sources folder: the earlier versions of survey
# answers replaced in the dashboard (`survey_entry`), never read by a build.
HISTORY_DIR = "historique"


def list_source_files(directory: Path) -> list[Path]:
    """The .xlsx/.csv files of `directory`, in name order (hidden and temp files skipped).

    Every other entry of the folder is named by `unread_entries`."""
    return sorted(
        p
        for p in Path(directory).iterdir()
        if p.suffix.lower() in SOURCE_EXTENSIONS
        and not p.name.startswith((".", "~$"))
        and p.is_file()
    )


def unread_entries(directory: Path) -> list[Problem]:
    """One problem per entry of the sources folder that the ETL does not read.

    Nothing is skipped unsaid: a workbook in another format (`.ods`, `.xls`…) whose
    name says what it holds is an error (its rows would be missing from the store);
    any other file, a sub-folder (even one named `x.csv`), a pipe or a device is a
    warning naming it. Only hidden entries (the dashboard's own `.archive`, a system's
    `.DS_Store`), the dashboard's `historique/`, the survey import's saved column choices
    (`correspondance-enquete-*.json`) and the folder's README are passed over, as
    documented in
    docs/how-to/fichiers-sources.md. Nothing is opened: a pipe would block a read.
    """
    problems = []
    for path in sorted(Path(directory).iterdir()):
        name = path.name
        suffix = path.suffix.lower()
        if (
            name.startswith(".")
            or (name == HISTORY_DIR and path.is_dir())
            # the survey import's saved column choices (its own files, not sources)
            or (name.startswith(MAPPING_PREFIX) and suffix == ".json")
            or (path.stem.lower() in _DOCUMENTATION and suffix in ("", ".md", ".txt"))
        ):
            continue
        if name.startswith("~$"):
            problems.append(
                Problem(
                    WARNING,
                    name,
                    "fichier de verrouillage d'Excel, ignoré : le classeur "
                    f"« {name[2:]} » est peut-être ouvert ; enregistrez-le et fermez-le "
                    "avant de charger",
                    code="verrou-excel",
                )
            )
            continue
        # A folder or a pipe named like a source file was meant to be loaded: an error.
        meant = suffix in SOURCE_EXTENSIONS and kind_of_file(name) is not None
        if path.is_dir():
            problems.append(
                Problem(
                    ERROR if meant else WARNING,
                    name,
                    "dossier ignoré : les sous-dossiers ne sont pas lus ; placez les fichiers "
                    "à charger directement dans le dossier des sources",
                    code="dossier-ignore",
                )
            )
            continue
        if not path.is_file():
            problems.append(
                Problem(
                    ERROR if meant else WARNING,
                    name,
                    "ignoré : ce n'est pas un fichier ordinaire (tube, périphérique ou lien "
                    "cassé) ; attendu un fichier .xlsx ou .csv",
                    code="pas-un-fichier",
                )
            )
            continue
        if suffix in SOURCE_EXTENSIONS:
            continue
        kind = kind_of_file(name)
        if suffix in _OTHER_FORMATS:
            level = ERROR if kind else WARNING
            problems.append(
                Problem(
                    level,
                    name,
                    f"{_OTHER_FORMATS[suffix]} : {_SAVE_AS_XLSX}",
                    code="format-a-convertir",
                )
            )
            continue
        problems.append(
            Problem(
                ERROR if kind else WARNING,
                name,
                f"fichier ignoré : format « {suffix or 'sans extension'} » non lu ; seuls "
                "les classeurs .xlsx et les fichiers .csv sont chargés",
                code="format-inconnu",
            )
        )
    return problems
