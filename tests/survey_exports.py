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


# --- Microsoft Forms, Google Forms, Kobo "XML values" (REAL-WORLD.md §1) -------------
# Written from the tools' documented export layouts: Microsoft Forms « Ouvrir dans
# Excel » (.xlsx: ID, start and completion times as real dates, e-mail and name —
# `anonymous` for an anonymous form —, then one column per question, a checkbox
# question's answers joined by `;` with a trailing `;`, « Autre » typed into the same
# cell); Google Forms (Horodateur/Timestamp, Adresse e-mail/Email Address, then one
# column per question; checkboxes joined by `, ` in the Sheets download, by `;` in
# « Télécharger les réponses (.csv) »; timestamps in the account's locale).

MS_FORMS_TECH_FR = [
    "ID",
    "Heure de début",
    "Heure de fin",
    "Adresse de messagerie",
    "Nom",
    "Heure de la dernière modification",
]
MS_FORMS_TECH_EN = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
FORMS_NEEDS_Q = "Quels sont les besoins de votre commune ?"
# A catalogue for the Forms tests: a name holding a comma (Google's `, ` join) and a
# long name that a typed « Bornes de recharge » means.
FORMS_CATALOGUE = pd.DataFrame(
    {
        "solution_id": ["ECL", "APP", "PAR", "WIFI", "WIFIC", "REPAS", "BORNES"],
        "name_fr": [
            "Éclairage public intelligent",
            "Application web/mobile",
            "Participation citoyenne",
            "Wi-Fi public",
            "Wi-Fi public communal",
            "Repas scolaires, accueil extrascolaire",
            "Bornes de recharge pour véhicules électriques",
        ],
    }
)
# (commune, completion time, needs ticked, typed « Autre » text or "")
FORMS_ANSWERS = [
    ("Arlon", "2024-03-15 10:23:11", ["Éclairage public intelligent", "Wi-Fi public communal"], ""),
    ("Attert", "2024-03-18 09:00:00", ["Repas scolaires, accueil extrascolaire"], "Drones"),
    ("Aubange", "2024-03-20 16:45:00", [], ""),
    ("Bertrix", "2024-03-21 08:15:00", ["Application web/mobile"], "Bornes de recharge"),
]


def _when(text: str):
    import datetime as dt

    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def ms_forms_rows(
    answers=FORMS_ANSWERS, technical=MS_FORMS_TECH_FR, anonymous=False, quiz=False
) -> list[list]:
    """A Microsoft Forms « Ouvrir dans Excel » sheet: times as real datetimes (as the
    .xlsx holds them), a yes/no question holding the word « commune » *before* the
    column headed exactly « Commune », the needs checkbox question as one cell
    (`A;B;` and the « Autre » text in it), the respondent's function with an « Autre »
    text (« Directeur général » is no need)."""
    header = [*technical]
    if quiz:
        header += ["Total points", "Quiz feedback"]
    header += [
        "Votre commune a-t-elle déjà un projet Smart ?",
        "Commune",
        FORMS_NEEDS_Q,
        "Votre fonction",
    ]
    rows = [header]
    for i, (commune, done, needs, other) in enumerate(answers, start=1):
        start = _when(done)
        cell = "".join(f"{n};" for n in needs) + (f"{other};" if other else "")
        who = ("anonymous", "anonymous") if anonymous else (f"r{i}@commune.be", f"Répondant {i}")
        row = [i, start.replace(minute=0), start, *who, start][: len(technical)]
        if quiz:
            row += ["", ""]
        row += ["Oui" if i % 2 else "Non", commune, cell, "Directeur général"]
        rows.append(row)
    return rows


def google_sheets_rows(answers=FORMS_ANSWERS, stamps=None, english=False) -> list[list]:
    """A Google Forms response sheet (Sheets download, .csv or .xlsx): the timestamp in
    the account's locale (`stamps`, default US m/d/yyyy — one value with a day over 12
    settles the order), checkbox answers joined by `, ` (one label holds a comma)."""
    stamps = stamps or ["3/15/2024 10:23:11", "3/9/2024 23:36:30", "3/20/2024 16:45:00",
                        "3/21/2024 8:15:00"]  # fmt: skip
    header = ["Timestamp", "Email Address"] if english else ["Horodateur", "Adresse e-mail"]
    rows = [header + ["Commune", FORMS_NEEDS_Q]]
    for stamp, (commune, _, needs, other) in zip(stamps, answers):
        rows.append([stamp, "", commune, ", ".join([*needs, *([other] if other else [])])])
    return rows


def google_download_rows(answers=FORMS_ANSWERS) -> list[list]:
    """« Télécharger les réponses (.csv) »: `,`-separated file, checkbox answers joined
    by `;`, timestamps such as `2024/03/15 10:23:11 am CET`."""
    stamps = ["2024/03/15 10:23:11 am CET", "2024/03/18 9:00:00 am CET",
              "2024/03/20 4:45:00 pm CET", "2024/03/21 8:15:00 am CET"]  # fmt: skip
    rows = [["Timestamp", "Email Address", "Commune", FORMS_NEEDS_Q]]
    for stamp, (commune, _, needs, other) in zip(stamps, answers):
        rows.append([stamp, "", commune, ";".join([*needs, *([other] if other else [])])])
    return rows


def kobo_xml_values_rows() -> list[list]:
    """A KoboToolbox « XML values and headers » export: a random group name as prefix
    (`group_lw2py86/commune`), the select_multiple as space-separated choice *names*
    then one 1/0 column per choice name: a catalogue code (`ecl`), a label written as a
    name (`wifi_public`), a name that is only close to a label (`appli`)."""
    g = "group_lw2py86"
    header = ["start", "end", f"{g}/commune", f"{g}/besoins", f"{g}/besoins/ecl",
              f"{g}/besoins/wifi_public", f"{g}/besoins/appli", f"{g}/besoins/aucun",
              "_id", "_uuid", "_submission_time", "_index"]  # fmt: skip
    return [
        header,
        ["2024-03-10T09:00", "2024-03-10T09:20", "Arlon", "ecl wifi_public", "1", "1", "0",
         "0", "11", "u-1", "2024-03-10T09:20:31", "1"],
        ["2024-03-11T09:00", "2024-03-11T09:20", "Attert", "aucun", "0", "0", "0", "1",
         "12", "u-2", "2024-03-11T09:20:31", "2"],
    ]  # fmt: skip


def kobo_function_rows(values: bool = True) -> list[list]:
    """A KoboToolbox export whose respondent's function is a select_one question: as
    « XML values and headers » (`values`: choice names `dg`, `bourgmestre`, group
    prefixes) or as « Labels » (the same answers as people read them)."""
    g = "group_lw2py86"
    if values:
        header = ["start", "end", f"{g}/commune", f"{g}/fonction", f"{g}/besoins",
                  f"{g}/besoins/ecl", f"{g}/besoins/wifi_public", "_id", "_uuid",
                  "_submission_time", "_index"]  # fmt: skip
        who, needs = ["dg", "bourgmestre"], ["ecl wifi_public", "ecl"]
    else:
        q = "Quels sont vos besoins ?"
        header = ["start", "end", "Commune", "Votre fonction", q,
                  f"{q}/Éclairage public intelligent", f"{q}/Wi-Fi public", "_id", "_uuid",
                  "_submission_time", "_index"]  # fmt: skip
        who = ["Directeur général", "Bourgmestre"]
        needs = ["Éclairage public intelligent Wi-Fi public", "Éclairage public intelligent"]
    return [
        header,
        ["2024-03-10T09:00", "2024-03-10T09:20", "Arlon", who[0], needs[0], "1", "1", "11",
         "u-1", "2024-03-10T09:20:31", "1"],
        ["2024-03-11T09:00", "2024-03-11T09:20", "Attert", who[1], needs[1], "1", "0", "12",
         "u-2", "2024-03-11T09:20:31", "2"],
    ]  # fmt: skip


# --- Exports tried as a user would (issue 21's review) --------------------------------

RANKED = ["Wi-Fi public communal", "Éclairage public intelligent", "Application web/mobile",
          "Repas scolaires, accueil extrascolaire"]  # fmt: skip


def ms_forms_ranking_rows(with_needs: bool = True) -> list[list]:
    """Microsoft Forms with a « Classement » (ranking) question: its cell lists *every*
    option, in the respondent's order, joined by `;` with a trailing `;` — the same
    layout as a checkbox question's, though nobody ticked anything."""
    rows = ms_forms_rows()
    rows[0].append("Classez ces besoins par ordre de priorité")
    for i, row in enumerate(rows[1:]):
        row.append("".join(f"{n};" for n in RANKED[i:] + RANKED[:i]))
    if not with_needs:
        rows = [[v for k, v in enumerate(r) if k != 8] for r in rows]
    return rows


def limesurvey_without_submit_date(technical=LIME_TECH_EN) -> list[list]:
    """A LimeSurvey export made with « Réponses complètes seulement » off and the
    « Date submitted » column left out of the export: only « Last page » tells that
    Bertrix stopped on page 1 of 3 (an incomplete response)."""
    rows = limesurvey_full_text(technical=technical, tick=("Yes", "No"))
    last = technical.index(technical[2])  # « Last page » / « Dernière page »
    for row, page in zip(rows[1:], ["3", "3", "1", "3"]):
        row[last] = page
    return [[v for k, v in enumerate(r) if k != 1] for r in rows]
