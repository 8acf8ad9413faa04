"""French (Belgian) formatting: `1 234,56 €`, `21 %`, `24/11/2026`.

Thousands are separated by a no-break space (U+00A0) so a figure never wraps
across lines; the decimal separator is a comma. `None`/NaN print as an en dash.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from centrale.names import strip_accents

NBSP = "\u00a0"
MISSING = "–"
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# plotly's `separators`: decimal then thousands.
PLOTLY_SEPARATORS = "," + NBSP


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def number(value, decimals: int = 0) -> str:
    """1234.5 -> '1 234,5' (decimals=1); None -> '–'."""
    if _missing(value):
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", NBSP)


def count(value, singular: str, plural: str | None = None) -> str:
    """3, 'commande en retard' -> '3 commandes en retard'; French rule: 0 and 1 take
    the singular. `plural` is needed when more than the first word changes
    ('commande mise en concurrence' -> 'commandes mises en concurrence')."""
    if _missing(value):
        return f"{MISSING} {plural or singular}"
    if abs(float(value)) < 2:
        return f"{number(value)} {singular}"
    if plural is None:
        first, _, rest = singular.partition(" ")
        plural = f"{first}s {rest}".rstrip() if not first.endswith(("s", "x", "z")) else singular
    return f"{number(value)} {plural}"


def money(value, decimals: int = 2) -> str:
    """1234.56 -> '1 234,56 €'. Amounts are exact to the cent: rounded to it first, so a
    total summed in pandas (63 765,4999…) reads as the same total summed in SQL
    (63 765,50), 63 766 € on every page (they read 63 765 and 63 766: the review)."""
    return MISSING if _missing(value) else f"{number(round(float(value), 2), decimals)}{NBSP}€"


def percent(share, decimals: int = 0) -> str:
    """A share 0–1 -> '21 %'. A share that is not zero never reads '0 %': 0,002 -> '< 1 %'
    (a headline saying 0 % above a table showing 2,4 % for one row reads as wrong)."""
    if _missing(share):
        return MISSING
    text = number(share * 100, decimals)
    if share != 0 and not text.strip("-0,"):  # not zero, yet rounds to 0
        return f"<{NBSP}{number(10.0**-decimals, decimals)}{NBSP}%"
    return f"{text}{NBSP}%"


def date(value) -> str:
    """A date (or datetime, Timestamp, ISO text) -> '24/11/2026'."""
    if _missing(value):
        return MISSING
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def long_date(value: dt.date) -> str:
    """'24 novembre 2026' (1er for the first of the month)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS_FR[value.month - 1]} {value.year}"


def days(value, decimals: int = 0) -> str:
    """12 -> '12 jours', 1 -> '1 jour'."""
    if _missing(value):
        return MISSING
    unit = "jour" if abs(float(value)) < 2 else "jours"
    return f"{number(value, decimals)}{NBSP}{unit}"


def kpi_lines(figures: dict) -> list[str]:
    """The `etl kpis` figures as French lines for a terminal."""
    as_of = dt.date.fromisoformat(figures["as_of"])
    lines = [
        f"Situation au {date(as_of)}",
        f"  Communes adhérentes            {figures['communes_adhered']} sur "
        f"{figures['communes_total']} ({percent(figures['adhesion_rate'])})",
        f"  Bons de commande envoyés       {figures['orders_sent']}",
        f"  Commandes attribuées           {figures['orders_awarded']}",
        f"  Délai médian d'attribution     {days(figures['median_award_days'], 1)}",
        f"  Attribuées en 20 jours au plus {percent(figures['share_awarded_within_20_days'])}",
    ]
    if figures.get("call_year"):
        lines.append(
            f"  Part de la province dans le subside régional {figures['call_year']} : "
            f"{percent(figures['province_subsidy_share'], 1)}"
        )
    if figures.get("survey_year"):
        lines.append(
            f"  Taux de réponse à l'enquête {figures['survey_year']} : "
            f"{percent(figures['survey_response_rate'])}"
        )
    if figures.get("orders_amount_eur") is not None:
        lines.append(f"  Montant des commandes attribuées {money(figures['orders_amount_eur'])}")
    if figures.get("competition_gain_eur") is not None:
        lines.append(f"  Gain de la remise en concurrence {money(figures['competition_gain_eur'])}")
    if figures.get("communes_met") is not None:
        lines.append(f"  Communes rencontrées           {figures['communes_met']}")
    meetings = figures.get("info_meetings") or {}
    if meetings.get("communes_represented"):
        lines.append(
            f"  Séances d'information          {meetings['communes_at_the_time']} communes "
            "représentées"
            + (
                f" ({meetings['communes_represented']} aujourd'hui, après fusion)"
                if meetings.get("communes_at_the_time") != meetings["communes_represented"]
                else ""
            )
            + ", "
            f"{meetings['by_bourgmestre']} par leur bourgmestre, "
            f"{number(meetings['people'])} personnes"
        )
    if figures.get("funnel"):
        lines.append(
            "  Entonnoir                      "
            + " → ".join(str(step["communes"]) for step in figures["funnel"])
        )
    return lines


def file_part(text: str) -> str:
    """A name made safe for a file name on any system: 'Vaux-sur-Sûre' -> 'Vaux-sur-Sure',
    'La Roche-en-Ardenne' -> 'La-Roche-en-Ardenne', "Saint-Léger" -> 'Saint-Leger'.

    Accents are dropped (an e-mail client or a USB stick formatted FAT may mangle
    them), spaces and anything but letters, digits, '-' and '_' become '-'.
    """
    ascii_text = strip_accents(str(text)).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-_")
    return re.sub(r"-{2,}", "-", cleaned) or "commune"


def sort_key(text) -> tuple[str, str]:
    """French alphabetical order, the one rule for every list of names shown: accents
    ignored, case ignored ('Léglise' before 'Libin', 'Étalle' before 'Fauvillers',
    'La Roche-en-Ardenne' under L); the text itself breaks ties. Python's plain sort goes
    by code point and puts 'Léglise' after 'Libin'. SQL lists say the same with DuckDB's
    `COLLATE NOACCENT.NOCASE` (tests/test_fmt_sort.py checks both agree)."""
    text = str(text)
    return strip_accents(text).casefold(), text


def sorted_names(names) -> list[str]:
    """`names` in French alphabetical order (`sort_key`)."""
    return sorted(names, key=sort_key)


def frame_sort_key(column: pd.Series) -> pd.Series:
    """For `DataFrame.sort_values(key=...)`: text in French order (`sort_key`), other
    values (numbers, dates, missing) as they are."""
    return column.map(lambda v: sort_key(v) if isinstance(v, str) else v)
