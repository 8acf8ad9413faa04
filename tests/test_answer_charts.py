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
