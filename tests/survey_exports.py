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


# --- Wide exports as big as real ones (the browser test of the mapping step) ---------

DEMO_NEEDS = {  # the demo catalogue's names -> codes (data/sample/solutions.xlsx)
    "E-guichet": "EGUICHET",
    "Repas scolaires et accueil extrascolaire": "REPAS",
    "Plateforme de participation citoyenne": "PARTICIPATION",
    "Consultation citoyenne en ligne": "CONSULTATION",
    "Monitoring énergétique": "ENERGIE",
    "Monitoring de la qualité de l'air": "AIR",
    "Application mobile communale": "APPLI",
    "Service travaux et signalement des incivilités": "TRAVAUX",
    "Wi-Fi public communal": "WIFI",
    "Affichage dynamique": "AFFICHAGE",
    "Éclairage public intelligent": "ECLAIRAGE",
    "Sondes de remplissage des bulles à verre": "BULLES",
    "Gestion des salles communales": "SALLES",
    "Gestion numérique des cimetières": "CIMETIERES",
}
NEW_NEEDS = ["Bornes de recharge", "Caméras urbaines", "Télérelève des compteurs d'eau"]
# (commune, submit date, needs ticked); "" date: an incomplete response.
BIG_ANSWERS = [
    ("Daverdisse", "2026-03-10 10:00:00", ["Éclairage public intelligent", "Bornes de recharge"]),
    ("Tellin", "2026-03-11 11:00:00", ["E-guichet", "Wi-Fi public communal"]),
    ("Wellin", "2026-03-12 09:30:00", []),
    ("Paliseul", "", ["Affichage dynamique"]),
    ("Bouillon", "2026-03-13 14:00:00", ["Caméras urbaines", "Monitoring énergétique"]),
]


def limesurvey_100_columns() -> list[list]:
    """A 100-column LimeSurvey "full text" export: 9 technical columns, the needs
    question (14 catalogue options, 3 new needs, Autre), a priority per catalogue
    option, two other multiple-choice questions and open questions."""
    channels = ["Facebook", "Site internet", "Bulletin communal", "Newsletter", "Instagram",
                "LinkedIn", "Affichage", "Presse locale", "Radio", "Bouche-à-oreille"]  # fmt: skip
    heard = ["IDELUX", "UVCW", "Une autre commune", "La presse", "Un prestataire",
             "Un salon", "Le site web", "Autre"]  # fmt: skip
    header = [*LIME_TECH_FR, "Votre commune", "Votre fonction", "Votre nom"]
    header += [f"{NEEDS_Q} [{o}]" for o in [*DEMO_NEEDS, *NEW_NEEDS, "Autre"]]
    header += [f"Priorité de ce besoin [{o}]" for o in DEMO_NEEDS]
    header += [f"Quels canaux de communication utilisez-vous ? [{c}]" for c in channels]
    header += [f"Comment avez-vous connu la centrale ? [{h}]" for h in heard]
    header += ["Décrivez votre participation aux projets Smart de la province"]
    filler = 100 - len(header)
    header += [f"Q{k:02d}. Votre avis sur le thème {k}" for k in range(1, filler + 1)]
    rows = [header]
    for i, (commune, date, needs) in enumerate(BIG_ANSWERS, start=1):
        row = [str(i), date, "3", "fr", str(1000 + i), date, date, "", ""]
        row += [commune, "Directeur général", f"Personne {i}"]
        row += ["Oui" if o in needs else "Non" for o in [*DEMO_NEEDS, *NEW_NEEDS]] + [""]
        row += ["1" if o in needs else "" for o in DEMO_NEEDS]
        row += ["Oui" if k % 2 else "Non" for k in range(len(channels))]
        row += ["Oui" if k == i % len(heard) else "Non" for k in range(len(heard))]
        row += ["Nous avons participé à une réunion d'information"]
        row += [f"Réponse libre {k}" for k in range(filler)]
        rows.append(row)
    return rows


def kobo_wide_rows() -> list[list]:
    """A KoboToolbox "labels" .xlsx-sized export: the same answers as a select_multiple
    with 1/0 option columns, "Autre" + "Si autre, précisez", a geopoint, technical columns."""
    q = "Quels sont vos besoins ?"
    options = [*DEMO_NEEDS, *NEW_NEEDS]
    header = ["start", "end", "today", "deviceid", "Commune", "Fonction", q]
    header += [f"{q}/{o}" for o in options] + [f"{q}/Autre", "Si autre, précisez"]
    header += ["Position", "_Position_latitude", "_Position_longitude", "_Position_altitude",
               "_Position_precision", "_id", "_uuid", "_submission_time", "_validation_status",
               "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]  # fmt: skip
    rows = [header]
    for i, (commune, date, needs) in enumerate(BIG_ANSWERS, start=1):
        if not date:
            continue  # Kobo only exports submitted forms
        stamp = date.replace(" ", "T")
        row = [stamp, stamp, date[:10], f"ee:{i}", commune, "Échevin", " ".join(needs)]
        row += [1 if o in needs else 0 for o in options] + [0, ""]
        row += ["49.9 5.1 0 5", 49.9, 5.1, 0, 5, i, f"uuid-{i}", stamp, "", "", "", "", "v1",
                "", i]  # fmt: skip
        rows.append(row)
    return rows
