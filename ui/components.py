"""Small Streamlit building blocks the pages share: KPI cards, tables, charts, exports.

Everything shown goes through `centrale.fmt`, so a figure reads the same on
every page and in every browser: `1 234,56 €`, `21 %`, `24/11/2026`.

Why tables are pandas Stylers: Streamlit's own number formats ("euro",
"localized") follow the *browser's* language, so an English browser would
show `€1,234.57`; printf formats cannot put a space between thousands.
A Styler carries the Belgian text to display while the cells keep their
numeric/date values, so sorting a column still sorts numbers and dates.
"""

# Over 500 lines: the page-building blocks every page shares (cards, tables, charts, Excel
# buttons); one vocabulary of widgets, kept together so pages stay thin.

from __future__ import annotations

import datetime as dt
import hashlib
import html
import pickle
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.datasets import queries
from centrale.domain import ORDER_STATUS_LABELS
from centrale.render import charts
from centrale.render.excel import workbook_bytes
from centrale.semantic import measures
from centrale.semantic.model import DIMENSIONS
from centrale.storage import loads
from centrale.storage.store import StoreMissing
from ui import grid, theme
from ui.data import load

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LATE_ROW_STYLE = "background-color: #FBE3D6; color: #7A2E0B; font-weight: 600;"
# The same, as (property, value) pairs: what pandas makes of it for a cell's CSS.
LATE_ROW_PROPS = tuple(
    (name.strip(), value.strip())
    for name, _, value in (rule.partition(":") for rule in LATE_ROW_STYLE.split(";"))
    if name.strip()
)
# French headers of `centrale.intake.ingest.problems_frame` (the problems of a file sent).
PROBLEM_HEADERS = {
    "level": "Niveau",
    "file": "Fichier",
    "sheet": "Feuille",
    "row": "Ligne",
    "column": "Colonne",
    "value": "Valeur",
    "message": "Problème",
}


def problems_shown(table: pd.DataFrame) -> pd.DataFrame:
    """A `problems_frame` as the pages show it: French headers, no level column, no
    « Feuille » column when no problem has a sheet (a CSV file), and « – » where a
    problem concerns the whole file, sheet or column (never « None » or « <NA> »)."""
    shown = table.drop(columns="level", errors="ignore")
    if "sheet" in shown and shown["sheet"].isna().all():
        shown = shown.drop(columns="sheet")
    shown = shown.astype(object)
    return shown.where(shown.notna(), fmt.MISSING).rename(columns=PROBLEM_HEADERS)


# --- Dates ---------------------------------------------------------------
def one_year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# --- KPI cards ---------------------------------------------------------------
def count_delta(current, previous) -> int | str | None:
    """The change of a count as a KPI card shows it: '+3', '-2', 0 (grey) or None."""
    if current is None or previous is None:
        return None
    change = int(current) - int(previous)
    if change == 0:
        return 0
    return f"{'+' if change > 0 else '-'}{fmt.number(abs(change))}"


def points_delta(current, previous, decimals: int = 0) -> float | str | None:
    """The change of a share (0–1) in percentage points: '+5 pts', '-1,5 pts', 0 or None."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return None
    change = round((float(current) - float(previous)) * 100, decimals)
    if change == 0:
        return 0
    return f"{'+' if change > 0 else '-'}{fmt.number(abs(change), decimals)}{fmt.NBSP}pts"


def days_delta(current, previous, decimals: int = 1) -> float | str | None:
    """The change of a duration in days: '+2 jours', '-0,5 jour', 0 or None."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return None
    change = round(float(current) - float(previous), decimals)
    if change == 0:
        return 0
    return f"{'+' if change > 0 else '-'}{fmt.days(abs(change), decimals)}"


KPI_CARD_CLASS = "centrale-kpi"  # the card's mark, for theme.css, the tests and the bench


def _delta_trend(delta: int | float | str) -> str:
    """up / down / flat, read off a delta as the *_delta helpers write it."""
    if isinstance(delta, int | float):
        return "flat" if delta == 0 else ("up" if delta > 0 else "down")
    text = delta.strip()
    if text.startswith(("-", "\u2212")):
        return "down"
    return "flat" if text.strip("0,. ") == "" else "up"


def kpi_card_html(
    label: str,
    value: str,
    delta: int | float | str | None = None,
    *,
    lower_is_better: bool = False,
    description: str | None = None,
    help: str | None = None,
) -> str:
    """The card as one HTML block; its definition (`help`) behind a « ? » that opens it.

    Why not st.metric, nor Markdown: on a first visit the browser fetches and runs each
    kind of element's script when the first one arrives; st.metric's, and the HTML reader
    Markdown needs for a card, came behind plotly.js, so the overview's figures waited for
    its charts' library (issue 22: 2,1x a hello app). st.html's is loaded already, for the
    theme, before any page draws: the cards paint with the first message that brings them.
    The « ? » is a <details>: opened by click, Enter or Space, read by screen readers."""
    parts = [
        f'<div class="{KPI_CARD_CLASS}" role="group" aria-label="{html.escape(label)}">',
        f'<div class="{KPI_CARD_CLASS}-label">{html.escape(label)}</div>',
        f'<div class="{KPI_CARD_CLASS}-value">{html.escape(value)}</div>',
    ]
    if delta is not None:
        trend = _delta_trend(delta)
        good = {"up": not lower_is_better, "down": lower_is_better}.get(trend)
        tone = "neutral" if good is None else ("good" if good else "bad")
        arrow = {"up": "▲", "down": "▼", "flat": ""}[trend]
        text = fmt.number(delta) if isinstance(delta, int | float) else delta
        if trend == "flat":
            text = "inchangé"
        note = (
            f' <span class="{KPI_CARD_CLASS}-note">{html.escape(description)}</span>'
            if description
            else ""
        )
        parts.append(
            f'<div class="{KPI_CARD_CLASS}-delta {KPI_CARD_CLASS}-{tone}">'
            f'<span aria-hidden="true">{arrow}</span> '
            f'<span class="{KPI_CARD_CLASS}-change">{html.escape(text)}</span>{note}</div>'
        )
    if help:
        parts.append(
            f'<details class="{KPI_CARD_CLASS}-help">'
            f'<summary title="Définition" aria-label="Définition : {html.escape(label)}">?'
            f'</summary><div class="{KPI_CARD_CLASS}-definition">{html.escape(help)}</div>'
            "</details>"
        )
    return "".join(parts) + "</div>"


def kpi_card(
    label: str,
    value: str,
    delta: int | float | str | None = None,
    *,
    lower_is_better: bool = False,
    help: str | None = None,
    description: str | None = None,
) -> None:
    """One bordered figure; `value` and `delta` already formatted (see *_delta); `help`
    is its definition, behind the card's « ? »."""
    st.html(
        kpi_card_html(
            label,
            value,
            delta,
            lower_is_better=lower_is_better,
            description=description,
            help=help,
        )
    )


# --- Empty states ------------------------------------------------------------
def empty_state(message: str) -> None:
    """Say in French why there is nothing to show (never a blank chart)."""
    st.info(message, icon=":material/info:")


# --- Charts ------------------------------------------------------------------
def chart(fig, file_name: str, key: str, theme: str | None = "streamlit") -> None:
    """A plotly figure, full width, French modebar, PNG download named `file_name`.

    `theme=None` keeps the figure's own layout untouched (maps: Streamlit's
    theme would restyle the colour bar and margins).
    """
    st.plotly_chart(
        fig, config=charts.plotly_config(file_name), key=key, width="stretch", theme=theme
    )


# --- Tables ------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    """One column shown: its name in the frame, its French header, how to format it.

    kind: text | date | money | money0 (no cents) | int | days | days1 | percent |
    decimal | figure (a number already written as text, e.g. a column mixing units) |
    flag (a boolean shown as `flag_text` or nothing) | order_status (a stored status
    spelled as `domain.ORDER_STATUS_LABELS`, on screen and in Excel). Numbers (every
    kind of NUMBER_KINDS) are right-aligned, on screen and on paper.
    `Col.of("lead_days")` takes name, label, kind and help from the registry of
    measures (`centrale.semantic.measures`), so a figure has one header everywhere.
    """

    name: str
    label: str
    kind: str = "text"
    help: str | None = None
    flag_text: str = "oui"

    @classmethod
    def of(
        cls, key: str, label: str | None = None, short: bool = False, name: str | None = None
    ) -> Col:
        """The column of measure `key` (its label unless `label` is given; its short
        label with `short`, for a table too wide for full headers), read from the frame
        column `name` when the frame names it otherwise."""
        m = measures.measure(key)
        label = label or (m.short_label if short else m.label)
        return cls(name or m.name, label, m.kind, help=m.help)

    @classmethod
    def dim(cls, key: str, name: str | None = None) -> Col:
        """The column of dimension `key` of the semantic layer (`centrale.semantic`), its
        label from there, read from the frame column `name` (default: `key`)."""
        return cls(name or key, DIMENSIONS[key].label)


# The kinds whose cells are numbers: right-aligned on screen and on paper, so that their
# units, tens and thousands line up.
NUMBER_KINDS = frozenset(
    {"money", "money0", "int", "days", "days1", "percent", "decimal", "figure"}
)


def order_status_text(value) -> str:
    """An order's status as every surface spells it (`domain.ORDER_STATUS_LABELS`): the
    store's `attribué` is « Attribuée »; a label passes through unchanged."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return fmt.MISSING
    return ORDER_STATUS_LABELS.get(value, value)


def orders_excel_columns() -> list[Col]:
    """The columns of the orders list's Excel file (`queries.orders_table`): every column
    apart, statuses spelled out."""
    return [
        Col("order_id", "N° de commande"),
        Col.dim("commune"),
        Col(
            "ordered_by",
            "Commandée par",
            help="La commune qui a envoyé le bon de commande, quand elle a depuis fusionné "
            "avec celle de la colonne « Commune ».",
        ),
        Col.dim("solution"),
        Col("catalogue", "Catalogue"),
        Col("sent_on", "Envoi du bon de commande", "date"),
        Col("awarded_on", "Attribution", "date"),
        Col.dim("provider"),
        Col.of("order_amount_eur"),
        Col("status", "Statut", "order_status"),
        Col.of("lead_days"),
        Col.of("days_pending"),
    ]


def commune_order_columns(ordered_by: bool = False) -> list[Col]:
    """The columns of a commune's orders (`queries.commune_orders`), the same on the
    Commune and Présentation pages; `ordered_by` adds "Commandée par" (after a merger)."""
    columns = [
        Col("order_id", "N° de commande"),
        Col.dim("solution"),
        Col.dim("provider"),
        Col("sent_on", "Envoyée le", "date", help="Date d'envoi du bon de commande"),
        Col("awarded_on", "Attribuée le", "date"),
        Col.of("lead_days"),
        Col.of("order_amount_eur"),
        Col("status", "Statut", "order_status"),
    ]
    if ordered_by:
        columns.append(Col("ordered_by", "Commandée par"))
    return columns


def orders_list_columns() -> list[Col]:
    """The screen columns of a list of orders from many communes (`queries.orders_table`,
    `queries.pending_orders`) after `with_orderer`: short headers, so that ten columns
    fit a 1366-pixel screen whole; the Excel file keeps every column apart."""
    return [
        Col("order_id", "Commande", help="Numéro du bon de commande"),
        Col(
            "commune_shown",
            DIMENSIONS["commune"].label,
            help="La commune ; entre parenthèses, celle qui a envoyé le bon de commande "
            "quand elle a depuis fusionné avec la première.",
        ),
        Col.dim("solution"),
        Col("sent_on", "Envoyée le", "date", help="Date d'envoi du bon de commande"),
    ]


def with_orderer(orders: pd.DataFrame) -> pd.DataFrame:
    """`orders` with `commune_shown`: the commune, and the one that ordered when it
    differs (« Bastogne (par Bertogne) », an order sent before the merger)."""
    other = orders["ordered_by"].notna() & (orders["ordered_by"] != orders["commune"])
    shown = orders["commune"].where(
        ~other, orders["commune"] + " (par " + orders["ordered_by"] + ")"
    )
    return orders.assign(commune_shown=shown)


def _formatter(col: Col) -> Callable[[object], str] | None:
    if col.kind == "order_status":
        return order_status_text
    if col.kind == "date":
        return fmt.date
    if col.kind == "money":
        return fmt.money
    if col.kind == "money0":
        return lambda v: fmt.money(v, 0)
    if col.kind == "int":
        return fmt.number
    if col.kind == "days":
        return fmt.days
    if col.kind == "days1":
        return lambda v: fmt.days(v, 1)
    if col.kind == "percent":
        return lambda v: fmt.percent(v, 1)
    if col.kind == "decimal":
        return lambda v: fmt.number(v, 2)
    return lambda v: fmt.MISSING if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _with_flags_as_text(frame: pd.DataFrame, columns: Sequence[Col]) -> pd.DataFrame:
    """The shown columns, booleans of kind "flag" turned into their text (Streamlit
    would draw a checkbox whatever the Styler says, and Excel would say VRAI/FAUX)."""
    view = frame[[c.name for c in columns]]  # a new frame (copy on write): safe to change
    for c in columns:
        if c.kind == "order_status":  # « Attribuée » in the file too, never the raw `attribué`
            view[c.name] = [order_status_text(v) for v in view[c.name]]
        if c.kind == "flag":
            view[c.name] = [c.flag_text if not pd.isna(v) and bool(v) else "" for v in view[c.name]]
    return view


def table_styler(
    frame: pd.DataFrame,
    columns: Sequence[Col],
    highlight: Sequence[bool] | None = None,
    texts: dict[str, list[str]] | None = None,
):
    """The Styler `show_table` draws: Belgian display texts, flagged rows highlighted.

    A pandas Styler (Streamlit marshals no other kind of styled table), but rendered
    by us: the display texts are `display_texts` (passed in when the caller has them
    for every row), the highlight one CSS rule over the flagged rows' cells. pandas'
    own rendering (`format` + `apply` + `_translate`) builds a dict per cell and
    calls the formatter through its machinery: ~0.3 ms a row, a quarter of a page's
    server time under load, for the very same texts. Streamlit asks the Styler for
    `_compute()` and `_translate()` (`marshall_styler`); this one answers with what
    pandas would have answered, cells whose text is already their value left out
    (Streamlit starts from `astype(str)`). `tests/test_table_styler.py` checks that
    the marshalled table is byte for byte the one pandas' own Styler gives.
    """
    view = _with_flags_as_text(frame, columns).reset_index(drop=True)
    if texts is None:
        texts = display_texts(frame, columns)
    body: list[list[dict]] = [[] for _ in range(len(view))]
    for j, c in enumerate(columns):
        for i, (value, text) in enumerate(zip(view[c.name], texts[c.name])):
            if not (isinstance(value, str) and value == text):
                body[i].append({"id": f"row{i}_col{j}", "display_value": text})
    selectors = []
    if highlight is not None:
        selectors = [
            f"row{i}_col{j}"
            for i, flag in enumerate(highlight)
            if flag
            for j in range(len(columns))
        ]
    rendered = {
        "body": body,
        "cellstyle": [{"props": list(LATE_ROW_PROPS), "selectors": selectors}] if selectors else [],
        "table_styles": [],
    }
    styler = view.style
    styler._compute = lambda: styler
    styler._translate = lambda *args, **kwargs: rendered
    return styler


# The main area's width at 1366×768 (sidebar open), less the grid's borders.
FULL_WIDTH_PX = 960
WIDTH_SAMPLE_ROWS = 300  # the rows whose texts size the columns
SHORT_TABLE_ROWS = 15  # up to this, a table shows every row (no inner scroll)


def display_texts(frame: pd.DataFrame, columns: Sequence[Col]) -> dict[str, list[str]]:
    """Each shown column of `frame` as the texts a reader sees (Belgian formats, flags as
    their text, '–' for a blank): computed once per table, for its widths and its print copy."""
    texts = {}
    for c in columns:
        if c.kind == "flag":
            texts[c.name] = [
                c.flag_text if not pd.isna(v) and bool(v) else "" for v in frame[c.name]
            ]
        else:
            formatter = _formatter(c)
            texts[c.name] = [str(formatter(v)) for v in frame[c.name]]
    return texts


def table_layout(
    frame: pd.DataFrame, columns: Sequence[Col], budget: int | None = None
) -> tuple[dict[str, int], int | None]:
    """Pixel widths of `columns` and the row height (None: one line) that show every
    header whole and every text of `frame` uncut within `budget` px (default
    FULL_WIDTH_PX): long texts wrap in taller rows (see `ui.grid.layout`)."""
    return _layout(display_texts(frame.head(WIDTH_SAMPLE_ROWS), columns), columns, budget)


def _layout(
    texts: dict[str, list[str]], columns: Sequence[Col], budget: int | None
) -> tuple[dict[str, int], int | None]:
    described = []
    for c in columns:
        shown = texts[c.name][:WIDTH_SAMPLE_ROWS]
        if c.kind == "flag":
            shown = [c.flag_text] if shown else []
        described.append((c.name, c.label, shown, c.kind == "text"))
    return grid.layout(described, budget or FULL_WIDTH_PX)


def _cell_class(col: Col, secondary: Collection[str]) -> str:
    """The classes of a paper cell: a number, date or code never breaks (`centrale-nowrap`);
    a number is right-aligned (`centrale-number`); a column a projected slide leaves out
    is `centrale-secondary` (see theme.css)."""
    classes = [] if col.kind == "text" else ["centrale-nowrap"]
    if col.kind in NUMBER_KINDS:
        classes.append("centrale-number")
    if col.name in secondary:
        classes.append("centrale-secondary")
    return f' class="{" ".join(classes)}"' if classes else ""


_JOINED_WORD = re.compile(r"(\S*[-–/]\S*)")


def _whole_words(text: str) -> str:
    """`text` escaped, each word joined by a hyphen, a dash or a slash (« CA-2019-001 »,
    « Bertogne–Bastogne », « 2019/20 ») kept on one line: browsers break after those."""
    parts = _JOINED_WORD.split(text)
    return "".join(
        f'<span class="centrale-nowrap">{html.escape(part)}</span>'
        if index % 2
        else html.escape(part)
        for index, part in enumerate(parts)
    )


def print_html(
    texts: dict[str, list[str]],
    columns: Sequence[Col],
    rows: int,
    secondary: Collection[str] = (),
    highlight: Sequence[bool] | None = None,
) -> str:
    """The paper copy of a table: its first `rows` rows as a plain HTML table, every
    header and cell escaped (a cell typed by a person, "<img src=…>", stays text).
    The projector shows it too, without the `secondary` columns. The `highlight`ed rows
    are marked as on screen (a page that says « Surlignées : … » must show them)."""

    def th(c: Col) -> str:
        classes = [
            name
            for name, on in (
                ("centrale-number", c.kind in NUMBER_KINDS),
                ("centrale-secondary", c.name in secondary),
            )
            if on
        ]
        return f'<th class="{" ".join(classes)}">' if classes else "<th>"

    head = "".join(f"{th(c)}{html.escape(c.label)}</th>" for c in columns)
    classes = {c.name: _cell_class(c, secondary) for c in columns}
    cell = {c.name: _whole_words if c.kind == "text" else html.escape for c in columns}
    marked = f'<tr class="centrale-highlight" style="{LATE_ROW_STYLE}">'
    body = "".join(
        (marked if highlight is not None and highlight[i] else "<tr>")
        + "".join(f"<td{classes[c.name]}>{cell[c.name](texts[c.name][i])}</td>" for c in columns)
        + "</tr>"
        for i in range(rows)
    )
    return (
        f'<table class="centrale-print-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def styled_table(
    frame: pd.DataFrame,
    columns: Sequence[Col],
    *,
    highlight: Sequence[bool] | None = None,
    height: int | str = "auto",
    width_budget: int | None = None,
    projector_hides: Collection[str] = (),
) -> None:
    """`frame`'s `columns` as a sortable table (see `table_styler`), no download.

    A short table (at most SHORT_TABLE_ROWS rows) shows all its rows, whatever
    `height` asks; a longer one keeps `height`, scrolls, and says how many rows it
    has. `projector_hides`: columns a projected slide leaves out.

    Columns fit `width_budget` pixels (default: the main area of a 1366-pixel
    laptop screen), so no column hides behind a horizontal scroll; no header or
    cell is cut (long texts wrap in taller rows, see `table_layout`).

    Blank cells read '–': the browser draws a null cell with the table's
    placeholder whatever text the Styler gives it (without one: "None").

    Drawn once per content and shared by every session (`_drawn_table`): the same
    table, at every run and for every reader, costs the hash of its values.
    """
    flags = None if highlight is None else tuple(bool(flag) for flag in highlight)
    spec = (tuple(columns), flags, height, width_budget, tuple(sorted(projector_hides)))
    # The frame as pickle writes it: equal bytes are an equal frame (a frame equal but
    # laid out otherwise only costs one more drawing); 5-10 times faster than
    # `ui.data.frame_bytes`, which must also find a copy equal.
    digest = hashlib.blake2b(pickle.dumps(frame, protocol=5), digest_size=20)
    digest.update(repr(spec).encode("utf-8"))
    _drawn_table(digest.hexdigest(), frame, list(columns), flags, height, width_budget, spec[4])


# Streamlit keeps the elements a cached function draws and draws them again on a hit
# (the same protobuf messages, wherever the call stands: a tab, a column). Marshalling a
# Styler (display texts, two Arrow conversions) and the paper copy were a third of the
# survey and overview pages' server time under load, at every run, for tables that change
# only with the store. The key is the content (`styled_table`); the arguments after it are
# not hashed (leading underscore).
@st.cache_resource(ttl=3600, max_entries=256, show_spinner=False)
def _drawn_table(
    content: str,
    _frame: pd.DataFrame,
    _columns: list[Col],
    _highlight: tuple[bool, ...] | None,
    _height: int | str,
    _width_budget: int | None,
    _projector_hides: tuple[str, ...],
) -> None:
    frame, columns, height = _frame, _columns, _height
    # The texts are made once, for every row: the grid's display texts (the cells keep
    # their values, for sorting), the widths and the paper copy.
    texts = display_texts(frame, columns)
    widths, row_height = _layout(texts, columns, _width_budget)
    if len(frame) <= SHORT_TABLE_ROWS:
        height = "content"  # every row, none cut in half by a fixed height
    st.dataframe(
        table_styler(frame, columns, _highlight, texts),
        hide_index=True,
        height=height,
        row_height=row_height,
        placeholder=fmt.MISSING,
        column_config=column_config(columns, widths),
    )
    if len(frame) > SHORT_TABLE_ROWS:
        theme.screen_caption(row_count_text(len(frame)))
    paper_copy(texts, columns, len(frame), _projector_hides, _highlight)


def column_config(columns: Sequence[Col], widths: dict[str, int] | None = None) -> dict:
    """`st.dataframe(column_config=...)` for `columns`: French header, help, width, and
    numbers right-aligned (a column of texts written from numbers too: kind "figure")."""
    return {
        c.name: st.column_config.Column(
            c.label,
            help=c.help,
            width=(widths or {}).get(c.name),
            alignment="right" if c.kind in NUMBER_KINDS else None,
        )
        for c in columns
    }


def paper_copy(
    texts: dict[str, list[str]],
    columns: Sequence[Col],
    rows: int,
    secondary: Collection[str] = (),
    highlight: Sequence[bool] | None = None,
) -> None:
    """The paper copy of a grid (`print_html`, hidden on screen): the grid is a canvas,
    which does not print. Scrolling is for the screen: paper prints the rows (up to
    PRINT_TABLE_ROWS) and says how many more are in the Excel file (`theme.print_table`),
    never « faites défiler ». `texts`: `display_texts` of the table's `rows` rows."""
    printed = min(rows, theme.PRINT_TABLE_ROWS)
    theme.print_table(
        print_html(texts, columns, printed, secondary, highlight), total=rows, shown=printed
    )


def picking_table(frame: pd.DataFrame, columns: Sequence[Col], key: str, on_select):
    """`frame`'s `columns` as a table where a click selects one row (`on_select`: the
    callback, `key`: the widget's key); returns Streamlit's selection event. Formats,
    widths, alignment and the paper copy as `styled_table`'s (not cached: a widget)."""
    shown = frame.head(MAX_TABLE_ROWS)
    texts = display_texts(shown, columns)
    widths, row_height = _layout(texts, columns, None)
    event = st.dataframe(
        table_styler(shown, columns, texts=texts),
        hide_index=True,
        height="content" if len(shown) <= SHORT_TABLE_ROWS else "auto",
        row_height=row_height,
        on_select=on_select,
        selection_mode="single-row",
        key=key,
        placeholder=fmt.MISSING,
        column_config=column_config(columns, widths),
    )
    if len(shown) > SHORT_TABLE_ROWS:
        theme.screen_caption(row_count_text(len(shown)))
    paper_copy(texts, columns, len(shown))
    return event


def row_count_text(rows: int) -> str:
    """What a long table says under it: how many rows, and where the rest is."""
    return f"{fmt.number(rows)} lignes : faites défiler le tableau pour les voir toutes."


# Past this, a table is for Excel, not for the screen: a table costs the server ~0.08 ms
# a row at every run (~0.3 ms with pandas' own Styler rendering) and Streamlit refuses a
# Styler above 262,144 cells.
MAX_TABLE_ROWS = 2000
EXCEL_MAX_ROWS = 1_048_575  # an Excel sheet's rows, less the header


def show_table(
    frame: pd.DataFrame,
    columns: Sequence[Col],
    *,
    key: str,
    file_name: str,
    sheet: str,
    empty_message: str,
    highlight: Sequence[bool] | None = None,
    height: int | str = "auto",
    total: int | None = None,
    everything: Callable[[], pd.DataFrame] | None = None,
    width_budget: int | None = None,
    excel_columns: Sequence[Col] | None = None,
    projector_hides: Collection[str] = (),
) -> None:
    """A sortable table with French headers and Belgian formats, plus its Excel download.

    `highlight` (one bool per row) shades those rows; say in a column too why
    a row is highlighted, colour alone is not enough. `file_name` without
    extension. Nothing but `empty_message` when `frame` is empty. For a big
    dataset, `frame` may be its first rows only: `total` is then the full row
    count and `everything()` returns all rows for the Excel file (on click).
    `excel_columns` (default `columns`): the file may carry more columns than fit
    a laptop screen.
    """
    if frame.empty:
        empty_state(empty_message)
        return
    total = len(frame) if total is None else total
    shown = frame.head(MAX_TABLE_ROWS)
    styled_table(
        shown,
        columns,
        highlight=None if highlight is None else list(highlight)[:MAX_TABLE_ROWS],
        height=height,
        width_budget=width_budget,
        projector_hides=projector_hides,
    )
    if total > len(shown):
        st.caption(
            f"Affichage des {fmt.number(len(shown))} premières lignes sur "
            f"{fmt.number(total)} : le fichier Excel les contient toutes."
        )
    excel_button(
        everything or frame,
        excel_columns or columns,
        key=key,
        file_name=file_name,
        sheet=sheet,
    )


def _readable_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes a reader would not understand alone, as words ('1.0' -> 'Catalogue 1.0')."""
    if "catalogue" in frame.columns:
        frame = frame.copy()
        frame["catalogue"] = [
            v if v is None or pd.isna(v) or str(v).startswith("Catalogue") else f"Catalogue {v}"
            for v in frame["catalogue"]
        ]
    return frame


def excel_bytes(
    frame: pd.DataFrame, columns: Sequence[Col], sheet: str, about: dict | None = None
) -> bytes:
    """`frame`'s `columns` as an .xlsx: French headers, real dates and numbers, flags as
    text, codes as words, and an "À propos" sheet from `about` (see `export_about`)."""
    return workbook_bytes(
        {sheet: _readable_codes(_with_flags_as_text(frame.head(EXCEL_MAX_ROWS), columns))},
        headers={c.name: c.label for c in columns},
        money_columns=tuple(c.name for c in columns if c.kind in ("money", "money0")),
        about=about,
    )


def export_about(sheet: str, rows: int | None = None) -> dict[str, str]:
    """What an exported table is, for its "À propos" sheet: the page's situation date,
    period and filters, the source files of the last load, and (at click) the time."""
    from ui import state

    solutions = solution_names(state.solution_filter())
    try:
        last = load(loads.newest_load)
    except StoreMissing:  # a table drawn without a store (tests, a page's own frame)
        last = None
    about = {
        "Tableau": sheet,
        "Situation au": fmt.date(state.as_of()),
        "Période": state.period().label,
        "Filtres": "Solutions : " + ", ".join(solutions) if solutions else "aucun (toutes)",
    }
    if rows is not None:
        about["Lignes"] = fmt.number(rows)
    if last is not None:
        loaded_at = last["loaded_at"]
        about["Données à jour au"] = f"{fmt.date(loaded_at)} à {pd.Timestamp(loaded_at):%H:%M}"
        about["Fichiers sources"] = ", ".join(last["files"]) or fmt.MISSING  # names, in order
    return about


def excel_button(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    columns: Sequence[Col],
    *,
    key: str,
    file_name: str,
    sheet: str,
) -> None:
    """Download `frame`'s `columns` as .xlsx (see `excel_bytes`); `file_name` without
    extension. The workbook (and `frame`, when given as a function) is built only
    when clicked, not at every rerun.
    """
    rows = frame if callable(frame) else (lambda: frame)
    about = export_about(sheet)

    def workbook() -> bytes:
        everything = rows()
        stamp = dt.datetime.now().strftime("%d/%m/%Y à %H:%M")
        facts = {**about, "Lignes": fmt.number(len(everything)), "Exporté le": stamp}
        return excel_bytes(everything, columns, sheet, about=facts)

    st.download_button(
        "Télécharger en Excel",
        data=workbook,
        file_name=f"{file_name}.xlsx",
        mime=XLSX_MIME,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def metric_picker(label: str, metrics: dict, default: str, key: str) -> str:
    """A segmented control over `metrics` (key -> (French label, …)); never empty."""
    picked = st.segmented_control(
        label,
        options=list(metrics),
        format_func=lambda m: metrics[m][0],
        default=default,
        key=key,
    )
    return picked or default


def situation_caption(day: dt.date, solutions: Sequence[str] | None = None) -> None:
    """'Situation au 31 janvier 2020', and the solution filter when one is active."""
    text = f"Situation au {fmt.long_date(day)}"
    if solutions:
        text += " · Solutions : " + ", ".join(solutions)
    # Its key tells paper that the page says its date itself: the printed header then
    # leaves its own « Situation au » out (theme.css), one date per printed page.
    with st.container(key="centrale-situation"):
        st.caption(text)


def solution_names(solution_ids: Sequence[str] | None) -> list[str]:
    """The French names of the solutions picked in the sidebar (empty: no filter)."""
    if not solution_ids:
        return []
    catalogue = load(queries.solutions)
    names = dict(zip(catalogue["solution_id"], catalogue["name_fr"]))
    return [names.get(s, s) for s in solution_ids]


# --- Confirming a load that loses many rows ------------------------------------
def confirm_shrink(rows: Sequence[tuple[str, int, int]], key: str) -> bool:
    """Show what a refused load would lose (table, rows now, rows after) and ask to
    confirm; True when the person ticked the box and pressed the button."""
    st.warning(
        "**Ce chargement viderait ou réduirait de plus de moitié des tables de la base.** "
        "Rien n'a été modifié. Vérifiez qu'il ne manque pas de fichier ; si la réduction "
        "est voulue, confirmez-la."
    )
    st.dataframe(
        pd.DataFrame(
            [(label, fmt.number(before), fmt.number(after)) for label, before, after in rows],
            columns=["Table", "Lignes actuelles", "Lignes après"],
        ),
        hide_index=True,
    )
    sure = st.checkbox("Je confirme : ces lignes doivent disparaître de la base.", key=key)
    return st.button("Charger malgré tout", disabled=not sure, key=f"{key}_go")
