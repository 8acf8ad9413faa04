"""The Explorer's chart of an answer: a count axis ticks at whole numbers."""

import datetime as dt

from centrale.render.answer_charts import answer_figure
from centrale.semantic import Question
from centrale.semantic.compile import answer


def test_a_small_count_axis_ticks_at_whole_numbers(con):
    """« Au-dessus de l'habituel par solution » counts 0–2 orders: plotly ticked at halves,
    printed 0, 1, 1, 2, 2 (the review); the axis steps by 1."""
    question = Question(("orders_above_usual",), ("solution",), usual_factor=1.3)  # the gallery's
    frame = answer(con, question, dt.date(2026, 11, 24))
    assert 0 < frame["orders_above_usual"].max() <= 8
    fig = answer_figure(frame, question)
    assert fig.layout.xaxis.dtick == 1


def test_bar_values_read_horizontally_beside_the_bars(con):
    """Plotly's textposition « auto » rotated the values in thin bars (the review): each
    value is written beside its bar at angle 0, never clipped, with room on the axis."""
    question = Question(("orders_awarded",), ("arrondissement",))
    frame = answer(con, question, dt.date(2026, 11, 24))
    fig = answer_figure(frame, question)
    (bars,) = fig.data
    assert bars.textangle == 0 and bars.textposition == "outside"
    assert bars.cliponaxis is False
    assert list(bars.text) == [f"{v:.0f}" for v in frame["orders_awarded"]]
    assert fig.layout.xaxis.range[1] > frame["orders_awarded"].max()
    assert "%{customdata[2]}" in bars.hovertemplate


def test_grouped_bars_too_thin_for_text_keep_their_values_in_the_hover(con):
    question = Question(("orders_awarded",), ("arrondissement", "category"))
    frame = answer(con, question, dt.date(2026, 11, 24))
    fig = answer_figure(frame, question)
    assert len(fig.data) > 1
    for bars in fig.data:
        assert bars.text is None and bars.textposition == "none"
        assert all(len(row) == 3 and row[2] for row in bars.customdata)  # the written value
        assert "%{customdata[2]}" in bars.hovertemplate


def test_a_chart_that_draws_part_of_the_answer_says_so(con):
    """By arrondissement and solution, the chart drew 8 of 14 solutions, its bars summing
    to 65 of 77 orders, with no word (the review): the note names what is left out; a
    chart that draws everything has no note."""
    from centrale.render.answer_charts import MAX_SERIES, chart_note

    question = Question(("orders_awarded",), ("arrondissement", "solution"))
    frame = answer(con, question, dt.date(2026, 11, 24))
    solutions = frame["solution"].nunique()
    assert solutions > MAX_SERIES
    drawn = sum(sum(bars.x) for bars in answer_figure(frame, question).data)
    assert drawn < frame["orders_awarded"].sum()  # the chart alone would mislead
    note = chart_note(frame, question)
    assert note and f"les {MAX_SERIES} plus grandes" in note and f"sur {solutions}" in note
    whole = Question(("orders_awarded",), ("solution",))
    assert chart_note(answer(con, whole, dt.date(2026, 11, 24)), whole) is None


def test_bar_values_are_written_in_the_charts_text_colour_at_a_readable_size(con):
    """The values beside the bars were 13 px grey (the review): the chart's text colour,
    at least 14 px; a projected slide enlarges them with the rest (`theme.large_type`)."""
    from centrale.render import charts
    from centrale.render.answer_charts import VALUE_TEXT_PX
    from ui.theme import PROJECTED_TEXT_PX, large_type

    question = Question(("amount_awarded_eur",), ("arrondissement",))
    fig = answer_figure(answer(con, question, dt.date(2026, 11, 24)), question)
    (bars,) = fig.data
    assert bars.textfont.color == charts.TEXT_COLOUR
    assert bars.textfont.size == VALUE_TEXT_PX >= 14
    assert large_type(fig).data[0].textfont.size == PROJECTED_TEXT_PX


def test_a_chart_fits_under_the_question_on_screen_and_on_the_first_printed_page(con):
    """By arrondissement and solution, the grouped chart was 900 px tall: printed, it went
    whole to page 2 and left page 1 a third used (issue 24). Every chart of an answer is
    at most MAX_CHART_PX, the many bars of a grouped chart included."""
    from centrale.render.answer_charts import MAX_CHART_PX, MIN_CHART_PX

    day = dt.date(2026, 11, 24)
    for by in (("arrondissement", "solution"), ("commune", "category"), ("solution",)):
        question = Question(("orders_awarded",), by)
        frame = answer(con, question, day)
        assert len(frame) > 10, by  # enough bars for the cap to matter
        assert MIN_CHART_PX <= answer_figure(frame, question).layout.height <= MAX_CHART_PX
    # Few bars keep their comfortable rows: five arrondissements are not stretched.
    question = Question(("orders_awarded",), ("arrondissement",))
    assert answer_figure(answer(con, question, day), question).layout.height < MAX_CHART_PX


def test_the_chosen_group_is_drawn_selected(con):
    """A reopened link (`lignes=`) listed Arlon's rows under a chart with no bar selected
    (the review): the chosen bar is drawn selected, as a click draws it; in a grouped
    chart, only in its own series."""
    day = dt.date(2026, 11, 24)
    question = Question(("orders_awarded",), ("arrondissement",))
    frame = answer(con, question, day)
    (bars,) = answer_figure(frame, question, (("arrondissement", "Arlon"),)).data
    assert list(bars.selectedpoints) == [list(bars.y).index("Arlon")]
    assert answer_figure(frame, question).data[0].selectedpoints is None
    grouped = Question(("orders_awarded",), ("arrondissement", "category"))
    frame = answer(con, grouped, day)
    row = frame.iloc[0]
    chosen = (("arrondissement", row["arrondissement__key"]), ("category", row["category__key"]))
    fig = answer_figure(frame, grouped, chosen)
    selected = {t.name: list(t.selectedpoints) for t in fig.data}
    assert selected.pop(row["category"]) == [0]  # the first arrondissement of its series
    assert all(points == [] for points in selected.values())
