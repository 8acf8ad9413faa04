"""Survey-tool exports written the way LimeSurvey and KoboToolbox write them
(REAL-WORLD.md §1), for the import tests. Our own small files, built from the
documented conventions: technical columns in French or English, N/A for a
hidden question, "Autre" as text or as a tick, incomplete responses, the
anonymised 1980 date, `;`/`,` separators with BOM and CRLF; Kobo's labels and
XML headings, the HXL row, options holding a `/`, `_uuid`… and geopoints."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

# A catalogue whose names appear in the exports below (one of them, "Participation
# citoyenne", also appears as a word in a question that is not about it).
CATALOGUE = pd.DataFrame(
    {
        "solution_id": ["ECL", "APP", "PAR", "STA", "WIFI"],
        "name_fr": [
            "Éclairage public intelligent",
            "Application web/mobile",
            "Participation citoyenne",
            "Capteurs de stationnement",
            "Wi-Fi public",
        ],
    }
)

LIME_TECH_FR = [
    "ID de la réponse",
    "Date de soumission",
    "Dernière page",
    "Langue de départ",
    "Tête de série",
    "Date de lancement",
    "Date de la dernière action",
    "Adresse IP",
    "URL référente",
]
LIME_TECH_EN = [
    "Response ID",
    "Date submitted",
    "Last page",
    "Start language",
    "Seed",
    "Date started",
    "Date last action",
    "IP address",
    "Referrer URL",
]
NEEDS_Q = "Quels sont les besoins de votre commune ?"


def csv_bytes(rows: list[list[str]], sep: str = ";", bom: bool = True) -> bytes:
    """As LimeSurvey writes a CSV: UTF-8 with BOM, CRLF, fields quoted when needed."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            text = str(cell)
            if sep in text or '"' in text or "\n" in text:
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(sep.join(cells))
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def workbook_bytes(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = title
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def limesurvey_full_text(technical: list[str] = LIME_TECH_FR, tick=("Oui", "Non")) -> list[list]:
    """A LimeSurvey "full text" export: technical columns, the commune, the needs question
    (one column per option, `Autre` as typed text), a question hidden by a condition
    (N/A), a free-text question whose wording holds a catalogue word, an incomplete
    response and an anonymised date row."""
    yes, no = tick
    header = [
        *technical,
        "Votre commune",
        "Fonction du répondant",
        f"{NEEDS_Q} [Éclairage public intelligent]",
        f"{NEEDS_Q} [Application web/mobile]",
        f"{NEEDS_Q} [Capteurs de stationnement]",
        f"{NEEDS_Q} [Autre]",
        "Utilisez-vous déjà une de ces solutions ? [Wi-Fi public]",
        "Décrivez votre participation aux projets Smart de la province",
        "Commentaire",
    ]
    pad = ["", "", "", "", "", "", "", ""]

    def row(ident, date, commune, who, ecl, app, sta, other, wifi, text, comment):
        return [ident, date, *pad[: len(technical) - 2], commune, who, ecl, app, sta, other] + [
            wifi,
            text,
            comment,
        ]

    return [
        header,
        row("1", "2024-03-15 10:23:11", "Arlon", "Bourgmestre", yes, no, yes, "", "N/A",
            "Nous avons participé à deux réunions", ""),
        row("2", "2024-03-18 09:00:00", "Attert", "Échevin", no, yes, no, "Drones", no, "", ""),
        # Incomplete: no submit date (the respondent left on page 2).
        row("3", "", "Bertrix", "", yes, "", "", "", "", "", ""),
        row("4", "2024-03-20 16:45:00", "Aubange", "Directeur général", "N/A", "N/A", "N/A",
            "", "N/A", "", "Pas de projet cette année"),
    ]  # fmt: skip


def kobo_labels_rows() -> list[list]:
    """A KoboToolbox "labels" export: the select_multiple column with the chosen labels,
    then `Question/Option` columns of 1/0 (one option holds a `/`), `…/Autre` 0/1 and the
    "Si autre, précisez" question, a geopoint and Kobo's technical columns."""
    q = "Quels sont vos besoins ?"
    header = [
        "start",
        "end",
        "today",
        "deviceid",
        "Commune",
        q,
        f"{q}/Éclairage public intelligent",
        f"{q}/Application web/mobile",
        f"{q}/Capteurs de stationnement",
        f"{q}/Autre",
        "Si autre, précisez",
        "Localisation",
        "_Localisation_latitude",
        "_Localisation_longitude",
        "_Localisation_altitude",
        "_Localisation_precision",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_tags",
        "_index",
    ]
    tech = ["", "", "", "", "", "", "", ""]
    geo = ["49.68 5.81 0 5", "49.68", "5.81", "0", "5"]
    return [
        header,
        ["2024-03-10T09:00", "2024-03-10T09:20", "2024-03-10", "ee:1", "Arlon",
         "Éclairage public intelligent Application web/mobile", "1", "1", "0", "0", "",
         *geo, "11", "u-1", "2024-03-10T09:20:31", *tech[:6], "1"],
        ["2024-03-12T14:00", "2024-03-12T14:05", "2024-03-12", "ee:2", "Attert",
         "Autre", "0", "0", "0", "1", "Caméras de surveillance", *geo, "12", "u-2",
         "2024-03-12T14:05:00", *tech[:6], "2"],
        ["2024-03-13T14:00", "2024-03-13T14:05", "2024-03-13", "ee:3", "Bertrix",
         "", "0", "0", "0", "0", "", *geo, "13", "u-3", "2024-03-13T14:05:00", *tech[:6], "3"],
    ]  # fmt: skip


def kobo_hxl_rows() -> list[list]:
    """The same labels export with an HXL hashtag row under the headings."""
    rows = kobo_labels_rows()
    hxl = ["#date+start", "#date+end", "", "", "#adm2+name"] + [""] * (len(rows[0]) - 5)
    return [rows[0], hxl, *rows[1:]]


def kobo_xml_rows() -> list[list]:
    """A KoboToolbox "XML values and headers" export: `group/question/option` headings,
    codes as the select_multiple's values, a repeated heading."""
    header = [
        "start",
        "groupe_identite/commune",
        "groupe_identite/repondant",
        "groupe_besoins/besoins",
        "groupe_besoins/besoins/ECL",
        "groupe_besoins/besoins/APP",
        "groupe_besoins/besoins/autre",
        "groupe_besoins/besoins_autre",
        "groupe_besoins/commentaire",
        "groupe_besoins/commentaire",
        "_uuid",
        "_submission_time",
    ]
    return [
        header,
        ["2024-03-10T09:00", "Arlon", "Bourgmestre", "ECL autre", "1", "0", "1",
         "Bornes de recharge", "RAS", "", "u-1", "2024-03-10T09:20:31"],
        ["2024-03-11T09:00", "Attert", "Échevin", "APP", "0", "1", "0", "", "", "", "u-2",
         "2024-03-11T10:00:00"],
    ]  # fmt: skip
