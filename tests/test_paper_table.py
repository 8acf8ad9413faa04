"""The paper (and projector) copy of a table keeps words, dates and amounts whole."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from centrale import fmt
from ui.components import Col, display_texts, print_html


def test_numbers_dates_and_joined_words_never_break_and_slides_drop_secondary_columns():
    frame = pd.DataFrame(
        {
            "order_id": ["CA-2019-001"],
            "commune": ["Bertogne–Bastogne <b>"],
            "amount": [44032.81],
            "day": [dt.date(2023, 7, 19)],
        }
    )
    columns = [
        Col("order_id", "N° de commande"),
        Col("commune", "Commune"),
        Col("amount", "Montant", "money"),
        Col("day", "Envoyée le", "date"),
    ]
    page = print_html(display_texts(frame, columns), columns, rows=1, secondary={"order_id"})
    # Dates and amounts: the whole cell on one line; amounts right-aligned (header too).
    assert f'<td class="centrale-nowrap centrale-number">{fmt.money(44032.81)}</td>' in page
    assert '<th class="centrale-number">Montant</th>' in page
    assert '<td class="centrale-nowrap">19/07/2023</td>' in page
    # Words joined by a hyphen or a dash stay whole; the rest wraps at spaces; escaped.
    assert '<span class="centrale-nowrap">CA-2019-001</span>' in page
    assert '<span class="centrale-nowrap">Bertogne–Bastogne</span> &lt;b&gt;' in page
    # The projector leaves the secondary column out (header and cells).
    assert '<th class="centrale-secondary">N° de commande</th>' in page
    assert '<td class="centrale-secondary">' in page
    assert "<th>Commune</th>" in page


def test_highlighted_rows_stay_marked_on_paper():
    """The printed commune page said « Surlignées : attribuées en plus de 20 jours » over a
    table with no row marked (the review): the paper copy marks the same rows as the
    screen, with the screen's style."""
    from ui.components import LATE_ROW_STYLE

    frame = pd.DataFrame({"order_id": ["CA-1", "CA-2", "CA-3"], "days": [12, 24, 15]})
    columns = [Col("order_id", "N° de commande"), Col("days", "Jours", "int")]
    page = print_html(
        display_texts(frame, columns), columns, rows=3, highlight=[False, True, False]
    )
    marked = f'<tr class="centrale-highlight" style="{LATE_ROW_STYLE}">'
    assert page.count(marked) == 1
    assert page.index(marked) < page.index("CA-2") < page.index("CA-3")
    assert "centrale-highlight" not in print_html(display_texts(frame, columns), columns, rows=3)
